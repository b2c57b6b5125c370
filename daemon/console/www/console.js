/*
 * console.js: the operators' console in the browser. Everything it shows
 * comes from /api/events (Server-Sent Events: wardend's status and audit
 * records as pushed, and whether the console reaches wardend); every
 * button posts to /api/action with the session's CSRF token, and wardend
 * decides, so a refusal is shown as wardend wrote it. Text goes into the
 * page as text (textContent), never as markup.
 */
"use strict";

(function () {
	var $ = function (id) { return document.getElementById(id); };
	var session = null;             /* {user, rights, csrf} */
	var status = null;              /* the last status pushed */
	var events = null;              /* the EventSource */
	var audit = [];                 /* newest last, at most AUDIT_KEEP */
	var AUDIT_KEEP = 50;
	var pending = null;             /* the action awaiting its confirm */
	var trend = { point: "", t: [], v: [] };

	function can(right) {
		return session !== null && session.rights.indexOf(right) >= 0;
	}
	function actor() { return can("takeover") || can("release"); }

	function el(tag, text, cls) {
		var e = document.createElement(tag);
		if (text !== undefined && text !== null) e.textContent = String(text);
		if (cls) e.className = cls;
		return e;
	}
	function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }

	/* wardend writes times as ISO text or epoch seconds. */
	function when(t) {
		if (t === undefined || t === null || t === "") return "";
		var d = typeof t === "number" ? new Date(t * 1000) : new Date(t);
		if (isNaN(d.getTime())) return String(t);
		return d.toLocaleString();
	}
	function fmt(v, precision, unit) {
		if (v === null || v === undefined) return "?";
		var s = typeof v === "number" && precision !== undefined ?
		    v.toFixed(Math.min(Math.max(precision, 0), 10)) : String(v);
		return unit ? s + " " + unit : s;
	}

	function api(method, url, body) {
		var opt = { method: method, credentials: "same-origin", headers: {} };
		if (body !== undefined) {
			opt.headers["Content-Type"] = "application/json";
			opt.body = JSON.stringify(body);
		}
		return fetch(url, opt).then(function (r) {
			return r.json().catch(function () {
				return { ok: false, error: "the console answered HTTP " + r.status };
			}).then(function (data) { return { status: r.status, data: data }; });
		}, function () {
			return { status: 0, data: { ok: false, error: "the console cannot be reached" } };
		});
	}

	/* ---- log in, log out ---- */

	function showLogin(message) {
		session = null;
		if (events !== null) { events.close(); events = null; }
		$("console-view").hidden = true;
		$("logout").hidden = true;
		$("who").textContent = "";
		$("login-view").hidden = false;
		$("login-error").textContent = message || "";
		$("login-password").value = "";
		$("login-user").focus();
	}

	function showConsole() {
		$("login-view").hidden = true;
		$("console-view").hidden = false;
		$("logout").hidden = false;
		$("who").textContent = session.user + " (" + session.rights.join(", ") + ")";
		$("action-error").textContent = "";
		$("action-done").textContent = "";
		render();
		listen();
	}

	function login(ev) {
		ev.preventDefault();
		$("login-error").textContent = "";
		$("login-submit").disabled = true;
		api("POST", "/api/login", {
			user: $("login-user").value,
			password: $("login-password").value
		}).then(function (r) {
			$("login-submit").disabled = false;
			$("login-password").value = "";
			if (r.status === 200) {
				session = r.data;
				showConsole();
			} else {
				$("login-error").textContent = r.data.error;
			}
		});
	}

	function logout() {
		api("POST", "/api/logout", { csrf: session ? session.csrf : "" })
		    .then(function () { showLogin("Logged out."); });
	}

	/* ---- the live feed ---- */

	function listen() {
		if (events !== null) events.close();
		events = new EventSource("/api/events");
		events.addEventListener("status", function (e) {
			status = JSON.parse(e.data);
			render();
			trendLive();
		});
		events.addEventListener("audit", function (e) {
			var d = JSON.parse(e.data);
			audit = audit.concat(d.records || []).slice(-AUDIT_KEEP);
			renderAudit();
			renderBanner();
		});
		events.addEventListener("link", function (e) {
			var d = JSON.parse(e.data), l = $("link");
			l.textContent = d.up ? "live" : "wardend unreachable: " + d.error;
			l.className = "link " + (d.up ? "up" : "down");
		});
		events.addEventListener("ended", function (e) {
			showLogin(JSON.parse(e.data).error);
		});
		events.onerror = function () {
			/* Reconnects by itself; unless the session is gone. */
			api("GET", "/api/session").then(function (r) {
				if (r.status === 401) showLogin(r.data.error);
			});
			$("link").textContent = "console unreachable";
			$("link").className = "link down";
		};
	}

	/* ---- what is shown ---- */

	/* Who made the state what it is: from the status when wardend says,
	 * else from the newest takeover or release record seen. */
	function stateBy() {
		var i, r;
		if (status.by) return status.by;
		if (status.user) return status.user;
		for (i = audit.length - 1; i >= 0; i--) {
			r = audit[i];
			if (r.event === "takeover" || r.event === "release" ||
			    r.event === "would_takeover")
				return r.user ? r.user + (r.via ? " (" + r.via + ")" : "") :
				    r.cause || "";
		}
		return status.cause === "operator" ? "" : status.cause || "";
	}

	function renderBanner() {
		if (status === null) return;
		var takeover = status.state === "takeover";
		$("banner").className = "banner " + (takeover ? "takeover" : "auto");
		$("state").textContent = takeover ? "TAKEOVER" :
		    status.state === "auto" ? "AUTO" : String(status.state).toUpperCase();
		$("cause").textContent = status.cause || "";
		$("reason").textContent = status.reason || "";
		$("by").textContent = stateBy();
		$("since").textContent = when(status.since);
		$("mode").textContent = status.mode || "";
		$("takeover").hidden = !actor() || takeover;
		$("release").hidden = !actor() || !takeover;
	}

	function renderSafe() {
		var body = $("safe").tBodies[0], list = status.safe_state || [];
		clear(body);
		list.forEach(function (s) {
			var tr = el("tr");
			tr.appendChild(el("td", s.point));
			tr.appendChild(el("td", fmt(s.value), "num"));
			tr.appendChild(el("td", s.status));
			tr.appendChild(el("td", s.last_read === null ? "" : fmt(s.last_read), "num"));
			body.appendChild(tr);
		});
		$("safe").hidden = list.length === 0;
		$("safe-none").hidden = list.length !== 0;
	}

	function renderDevices() {
		var ul = $("devices");
		clear(ul);
		(status.devices || []).forEach(function (d) {
			ul.appendChild(el("li", d.name + (d.up ? " up" : " DOWN"),
			    d.up ? "up" : "down"));
		});
	}

	function alarmSource(a) {
		if (typeof a.source === "string") return a.source;
		if (typeof a.point === "string") return a.point;
		return typeof a.device === "string" ? a.device : "?";
	}

	function renderPoints() {
		var body = $("points").tBodies[0], alarms = status.alarms || [];
		clear(body);
		(status.points || []).forEach(function (p) {
			var tr = el("tr"), td, mine;
			tr.appendChild(el("td", p.name));
			td = el("td", fmt(p.value, p.precision, p.unit),
			    "num" + (p.stale ? " stale" : ""));
			if (p.stale) td.title = "device down: last known value";
			tr.appendChild(td);
			mine = alarms.filter(function (a) { return alarmSource(a) === p.name; });
			td = el("td");
			mine.forEach(function (a) {
				td.appendChild(el("span", a.kind + " " + (a.state || ""),
				    "badge " + (a.level || "alarm")));
			});
			tr.appendChild(td);
			body.appendChild(tr);
		});
	}

	function button(text, cls, onclick) {
		var b = el("button", text, cls);
		b.type = "button";
		b.addEventListener("click", onclick);
		return b;
	}

	function held(a) {
		var s = [];
		if (a.shelved) s.push("shelved until " + when(a.shelved_until));
		if (a.bypassed) s.push("bypassed until " + when(a.bypass_until));
		return s.join(", ");
	}

	function alarmButtons(td, a) {
		var src = alarmSource(a);
		if (!actor()) return;
		if (!a.acked)
			td.appendChild(button("Ack", "act-ack", function () {
				act({ cmd: "ack", point: src });
			}));
		if (a.shelved)
			td.appendChild(button("Unshelve", "act-unshelve", function () {
				ask({ cmd: "unshelve", point: src }, "Unshelve " + src + ":", false);
			}));
		else if (a.level !== "trip")
			td.appendChild(button("Shelve", "act-shelve", function () {
				ask({ cmd: "shelve", point: src }, "Shelve the alarms of " + src + ":", true);
			}));
		if (!can("release")) return;
		if (a.bypassed)
			td.appendChild(button("Unbypass", "act-unbypass", function () {
				ask({ cmd: "unbypass", point: src }, "End the bypass of " + src + ":", false);
			}));
		else if (a.level === "trip")
			td.appendChild(button("Bypass", "act-bypass danger", function () {
				ask({ cmd: "bypass", point: src }, "Bypass the trip of " + src +
				    " (it will not take over while bypassed):", true);
			}));
	}

	/* Drawn again only when the list changed, so that a button is not
	 * replaced under the operator's pointer by a push that changed
	 * nothing here. */
	var alarmsDrawn = "";
	function renderAlarms() {
		var body = $("alarms").tBodies[0], list = status.alarms || [];
		var key = JSON.stringify([list, session.rights]);
		if (key === alarmsDrawn) return;
		alarmsDrawn = key;
		clear(body);
		list.forEach(function (a) {
			var tr = el("tr"), td = el("td");
			tr.className = "alarm-" + (a.level || "alarm") +
			    (a.acked ? "" : " unack") + (a.shelved || a.bypassed ? " held" : "");
			tr.dataset.source = alarmSource(a);
			tr.dataset.kind = a.kind;
			tr.appendChild(el("td", alarmSource(a)));
			tr.appendChild(el("td", a.kind));
			tr.appendChild(el("td", a.bypassed ? "trip bypassed" : a.level));
			tr.appendChild(el("td", a.state || (a.active ? "active" : "")));
			tr.appendChild(el("td", a.value === undefined ? "" :
			    fmt(a.value, a.precision, a.unit) +
			    (a.limit !== undefined ? " (limit " + fmt(a.limit, a.precision) + ")" : ""),
			    "num"));
			tr.appendChild(el("td", when(a.since)));
			tr.appendChild(el("td", held(a)));
			alarmButtons(td, a);
			tr.appendChild(td);
			body.appendChild(tr);
		});
		$("alarms").hidden = list.length === 0;
		$("alarms-none").hidden = list.length !== 0;
	}

	function renderAudit() {
		var ol = $("audit");
		clear(ol);
		audit.slice().reverse().forEach(function (r) {
			var parts = [r.ts || "", r.event || ""];
			["user", "via", "cause", "reason", "point", "value", "error"]
			    .forEach(function (k) {
				if (r[k] !== undefined && r[k] !== "")
					parts.push(k + "=" + (typeof r[k] === "string" ? r[k] : JSON.stringify(r[k])));
			});
			ol.appendChild(el("li", parts.join("  ")));
		});
	}

	function renderTrendChoice() {
		var sel = $("trend-point"), names = (status.points || []).map(function (p) { return p.name; });
		var have = Array.prototype.map.call(sel.options, function (o) { return o.value; });
		if (have.join("\n") === names.join("\n")) return;
		clear(sel);
		names.forEach(function (n) { var o = el("option", n); o.value = n; sel.appendChild(o); });
		if (names.indexOf(trend.point) >= 0) sel.value = trend.point;
		else if (names.length > 0) trendLoad(names[0]);
	}

	function render() {
		if (session === null) return;
		if (status === null) {
			$("takeover").hidden = $("release").hidden = true;
			return;
		}
		renderBanner();
		renderSafe();
		renderDevices();
		renderPoints();
		renderAlarms();
		renderTrendChoice();
	}

	/* ---- actions ---- */

	function act(req) {
		$("action-error").textContent = "";
		$("action-done").textContent = "";
		req.csrf = session.csrf;
		return api("POST", "/api/action", req).then(function (r) {
			if (r.status === 200) {
				$("action-done").textContent = req.cmd + ": done";
			} else if (r.status === 401) {
				showLogin(r.data.error);
			} else {
				$("action-error").textContent = req.cmd + " refused: " + r.data.error;
			}
		});
	}

	/* One click more: the reason (and for a hold, how long), then confirm. */
	function ask(req, what, hold) {
		pending = req;
		$("confirm-what").textContent = what;
		$("confirm-reason").value = "";
		$("confirm-for-label").hidden = !hold;
		$("confirm-go").textContent = "Confirm " + req.cmd;
		$("confirm").hidden = false;
		$("confirm-reason").focus();
	}

	function confirmed(ev) {
		ev.preventDefault();
		var req = pending;
		if (req === null) return;
		req.reason = $("confirm-reason").value;
		if (!$("confirm-for-label").hidden)
			req["for"] = parseInt($("confirm-for").value, 10);
		pending = null;
		$("confirm").hidden = true;
		act(req);
	}

	function cancel() {
		pending = null;
		$("confirm").hidden = true;
	}

	/* ---- trend: the last hour of one point, drawn on a canvas ---- */

	function trendLoad(point) {
		trend = { point: point, t: [], v: [] };
		$("trend-point").value = point;
		api("GET", "/api/trend?point=" + encodeURIComponent(point)).then(function (r) {
			if (r.status !== 200 || trend.point !== point) return;
			trend.t = r.data.t;
			trend.v = r.data.v;
			trendDraw();
		});
	}

	function trendLive() {
		var i, p, now = Math.floor(Date.now() / 1000);
		if (status === null || !trend.point) return;
		for (i = 0; i < (status.points || []).length; i++) {
			p = status.points[i];
			if (p.name !== trend.point || p.stale || typeof p.value !== "number") continue;
			if (trend.t.length && trend.t[trend.t.length - 1] >= now) {
				trend.v[trend.v.length - 1] = p.value;
			} else {
				trend.t.push(now);
				trend.v.push(p.value);
			}
		}
		while (trend.t.length && trend.t[0] <= now - 3600) { trend.t.shift(); trend.v.shift(); }
	}

	function trendPoint() {
		var list = status ? status.points || [] : [], i;
		for (i = 0; i < list.length; i++)
			if (list[i].name === trend.point) return list[i];
		return { unit: "", precision: 2 };
	}

	/* The time axis spans the history there is: from 5 min (a console
	 * just started) up to the hour the console keeps. */
	function trendSpan(now) {
		if (trend.t.length === 0) return 300;
		return Math.min(3600, Math.max(300, Math.ceil((now - trend.t[0]) / 300) * 300));
	}

	function trendDraw() {
		var c = $("trend"), g = c.getContext("2d"), W = c.width, H = c.height;
		var L = 60, R = 10, T = 10, B = 24, now = Date.now() / 1000;
		var span = trendSpan(now), t0 = now - span, step = span <= 600 ? 60 : span <= 1800 ? 300 : 600;
		var lo = Infinity, hi = -Infinity, i, x, y, p = trendPoint(), m, d;
		g.clearRect(0, 0, W, H);
		g.font = "11px sans-serif";
		g.fillStyle = "#666";
		g.strokeStyle = "#ccc";
		g.strokeRect(L, T, W - L - R, H - T - B);
		$("trend-span").textContent = "last " + span / 60 + " min";
		for (m = Math.ceil(t0 / step) * step; m <= now; m += step) {
			x = L + (W - L - R) * (m - t0) / span;
			d = new Date(m * 1000);
			g.fillText(("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2),
			    Math.min(x - 14, W - 32), H - 8);
		}
		for (i = 0; i < trend.v.length; i++) {
			lo = Math.min(lo, trend.v[i]);
			hi = Math.max(hi, trend.v[i]);
		}
		if (!isFinite(lo)) {
			g.fillText("no values yet for " + trend.point, L + 10, T + 20);
			return;
		}
		if (hi - lo < 1e-9) { hi += 1; lo -= 1; }
		var pad = (hi - lo) * 0.1;
		hi += pad; lo -= pad;
		g.fillText(fmt(hi, p.precision, p.unit), 2, T + 10);
		g.fillText(fmt(lo, p.precision, p.unit), 2, H - B);
		g.strokeStyle = "#1565c0";
		g.lineWidth = 2;
		g.beginPath();
		for (i = 0; i < trend.t.length; i++) {
			if (trend.t[i] < t0) continue;
			x = L + (W - L - R) * (trend.t[i] - t0) / span;
			y = T + (H - T - B) * (hi - trend.v[i]) / (hi - lo);
			if (i === 0 || trend.t[i - 1] < t0) {
				g.moveTo(x, y);
			} else {        /* a step: the value held until this one */
				g.lineTo(x, T + (H - T - B) * (hi - trend.v[i - 1]) / (hi - lo));
				g.lineTo(x, y);
			}
		}
		/* The last value holds until now. */
		g.lineTo(L + (W - L - R), y);
		g.stroke();
	}

	/* ---- start ---- */

	document.addEventListener("DOMContentLoaded", function () {
		$("login-form").addEventListener("submit", login);
		$("logout").addEventListener("click", logout);
		$("takeover").addEventListener("click", function () {
			ask({ cmd: "takeover" }, "TAKEOVER: the AI's writes are refused and " +
			    "the plant is driven to its safe state. Why?", false);
		});
		$("release").addEventListener("click", function () {
			ask({ cmd: "release" }, "RELEASE: hand control back to the AI. Why?", false);
		});
		$("confirm").addEventListener("submit", confirmed);
		$("confirm-cancel").addEventListener("click", cancel);
		$("trend-point").addEventListener("change", function () { trendLoad($("trend-point").value); });
		setInterval(function () { if (session !== null && trend.point) trendDraw(); }, 1000);
		api("GET", "/api/session").then(function (r) {
			if (r.status === 200) {
				session = r.data;
				showConsole();
			} else {
				showLogin("");
			}
		});
	});
}());

#!/usr/bin/env python3
"""demo_screen.py: what `make demo` shows; simulators/demo.sh runs it.

  live WARDENCTL SOCKET AUDIT AISIM_LOG SECONDS START
      One line a second: the process as wardend polls it, the gateway's
      state and safe state, and the AI's last request with its answer.
      Between them, as they happen, wardend's decisions from the audit
      log: each write it refused or clamped (what the AI asked, the limit,
      the answer), the takeover, the safe state. Times count from START
      (s since the epoch: when aisim started). Exits 0 once the safe state
      has been verified for 3 s, 1 if SECONDS pass first.
  trail AUDIT
      The same decisions as the audit log recorded them.

Only the standard library: the demo needs nothing but python3.
"""
import datetime
import json
import subprocess
import sys
import time

AI_WIDTH = 56          # the AI column; longer text ends at a word, with ...
STATE_WIDTH = 29
VERIFIED_TICKS = 3     # status lines with the safe state verified, then done
AUDIT_POLL = 0.1       # s between looks at the audit log
STATUS_PERIOD = 1.0    # s between status lines
# Decisions worth a line on screen; other records stay in the log.
SHOWN = ("write_rejected", "write_clamped", "takeover", "release",
         "safe_state_verified", "safe_state_failed", "safe_state_drift",
         "trip", "alarm", "device_down", "device_up")
# t, level, valve, pump, the gateway's state, the AI's last request.
ROW = "%5s  %6s  %6s  %-4s  %-*s  %s"
EVENT_INDENT = " " * 7  # wardend's decisions, between the rows
HEADER = ROW % ("t", "level", "valve", "pump", STATE_WIDTH, "gateway",
                "the AI: its last request -> answer")


def shorten(text, width):
    """text in width columns, cut at a space and marked ... if too long."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width - 3)
    return text[:cut if cut > 0 else width - 3].rstrip(" ,;:") + "..."


def fit(text, width):
    """An aisim line in width columns: the answer after " -> " stays whole,
    the request gives way."""
    request, arrow, answer = text.rpartition(" -> ")
    room = width - len(arrow) - len(answer)
    if len(text) <= width or not arrow or room < 12:
        return shorten(text, width)
    return shorten(request, room) + arrow + answer


def number(value):
    return "%g" % value if isinstance(value, (int, float)) else str(value)


def quantity(value, unit):
    return number(value) + (" " + unit if unit else "")


class Tail:
    """The complete lines appended to a file since the last look."""

    def __init__(self, path):
        self.path = path
        self.pos = 0
        self.rest = b""

    def lines(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except FileNotFoundError:
            return []
        self.pos += len(data)
        *whole, self.rest = (self.rest + data).split(b"\n")
        return [line.decode("utf-8", "replace") for line in whole]


def broken_rule(rule, limit, unit):
    """Why wardend refused, in the words of warden.yaml(5)'s keys."""
    lim = quantity(limit, unit) if limit is not None else ""
    words = {
        "max": "over max " + lim,
        "min": "under min " + lim,
        "max_step": "step over max_step " + lim,
        "max_rate": "faster than max_rate %s/s" % lim,
        "min_interval": "sooner than min_interval %s s" % number(limit),
        "not_writable": "not writable",
        "not_declared": "not declared",
        "function": "function not allowed",
        "partial_point": "half a 32-bit point",
        "not_finite": "not a finite number",
        "no_baseline": "no value read yet",
        "takeover": "taken over: no AI writes",
    }
    return words.get(rule, ("%s %s" % (rule, lim)).strip())


def asked(r, units):
    """What the AI asked, as the record names it."""
    if "point" in r:
        return "%s = %s" % (r["point"],
                            quantity(r.get("value"), units.get(r["point"])))
    where = "fc %s" % r.get("fc", "?")
    if "address" in r:
        where += " address %s" % r["address"]
    return where


def decision(r, units):
    """One screen line for an audit record."""
    ev = r["event"]
    unit = units.get(r.get("point"))
    if ev == "write_rejected":
        return "AI asks %-20s %-26s -> refused (0x%02X)" % (
            asked(r, units), broken_rule(r.get("rule"), r.get("limit"), unit),
            r.get("exception", 0))
    if ev == "write_clamped":
        return "AI asks %-20s %-26s -> clamped, %s written" % (
            asked(r, units), broken_rule(r.get("rule"), r.get("limit"), unit),
            quantity(r.get("forwarded"), unit))
    if ev == "takeover":
        return "TAKEOVER (%s): %s" % (r.get("cause"), r.get("reason"))
    if ev.startswith("safe_state_"):
        what = ev[len("safe_state_"):].replace("_", " ")
        return "safe state %s = %s %s" % (
            r.get("point"), quantity(r.get("value"), unit), what)
    if ev.startswith("device_"):
        return "device %s %s" % (r.get("device"), ev[len("device_"):])
    rest = " ".join("%s=%s" % (k, r[k]) for k in
                    ("point", "value", "rule", "user", "reason") if k in r)
    return "%s %s" % (ev, rest)


def wall_time(ts):
    """An audit ts (RFC 3339, UTC) as seconds since the epoch."""
    utc = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    return utc.timestamp()


class Screen:
    def __init__(self, ctl, sock, audit, ailog, start):
        self.ctl = ctl
        self.sock = sock
        self.audit = Tail(audit)
        self.ailog = Tail(ailog)
        self.ai = ""
        self.units = {}
        self.start = start
        self.isolated = 0

    def status(self):
        try:
            out = subprocess.run([self.ctl, "-s", self.sock, "--json",
                                  "status"], capture_output=True,
                                 timeout=2, check=False).stdout
            s = json.loads(out or b"{}")
        except (subprocess.TimeoutExpired, ValueError):
            s = {}
        for p in s.get("points", []):
            self.units[p["name"]] = p.get("unit") or ""
        return s

    def decisions(self):
        for line in self.audit.lines():
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if r.get("event") not in SHOWN:
                continue
            # After the takeover every AI write gets 0x0A: say so once.
            if r.get("rule") == "takeover":
                self.isolated += 1
                if self.isolated > 1:
                    continue
            t = wall_time(r["ts"]) - self.start
            print("%s%5.1fs %s" % (EVENT_INDENT, t, decision(r, self.units)))
            if self.isolated == 1 and r.get("rule") == "takeover":
                print("%s       ... and so every AI write after it"
                      % EVENT_INDENT)

    def status_line(self, s):
        """The line, and whether it shows the safe state verified."""
        v = {p["name"]: p.get("value") for p in s.get("points", [])}
        state = s.get("state", "?").upper()
        safe = s.get("safe_state", [])
        pending = [p["status"] for p in safe if p["status"] != "verified"]
        verified = state == "TAKEOVER" and safe and not pending
        if state == "TAKEOVER":
            state += ", safe state " + (pending[0] if pending else
                                        "VERIFIED" if safe else "none")
        for line in self.ailog.lines():
            # aisim's own "t=12.3 " is the screen's t.
            self.ai = line.split(" ", 1)[1] if line.startswith("t=") else line
        return ROW % (
            "%ds" % (time.time() - self.start),
            "%4.2f m" % v.get("level", float("nan")),
            "%5.1f %%" % v.get("inlet_valve", float("nan")),
            "on" if v.get("pump_run") else "off", STATE_WIDTH, state,
            fit(self.ai, AI_WIDTH)), verified

    def run(self, seconds):
        print(HEADER)
        verified = 0
        next_status = time.time()
        while True:
            now = time.time()
            if now >= next_status:
                s = self.status()
                self.decisions()
                line, ok = self.status_line(s)
                print(line, flush=True)
                verified = verified + 1 if ok else 0
                if verified >= VERIFIED_TICKS:
                    return 0
                if now - self.start >= seconds:
                    print("demo: no verified safe state within %d s"
                          % seconds)
                    return 1
                next_status += STATUS_PERIOD
            self.decisions()
            sys.stdout.flush()
            time.sleep(AUDIT_POLL)


def trail(path):
    isolated = 0
    for line in open(path):
        r = json.loads(line)
        if r["event"] not in SHOWN:
            continue
        if r.get("rule") == "takeover":
            isolated += 1
            if isolated == 4:
                print("     ... every further AI write refused the same way")
            if isolated > 3:
                continue
        parts = ["%4d %s %-20s" % (r["seq"], r["ts"][11:23], r["event"])]
        for k in ("client", "device", "point", "value", "rule", "limit",
                  "exception", "cause", "reason"):
            if r.get(k) is not None:
                parts.append("%s=%s" % (k, r[k]))
        print(" ".join(parts))
    return 0


def main(argv):
    try:
        if len(argv) == 8 and argv[1] == "live":
            return Screen(*argv[2:6], float(argv[7])).run(float(argv[6]))
        if len(argv) == 3 and argv[1] == "trail":
            return trail(argv[2])
    except KeyboardInterrupt:
        return 130
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

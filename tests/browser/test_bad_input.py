"""test_bad_input.py: what warden-console does with requests it must
refuse, against the real plcsim and wardend (world.py): each refusal is
an HTTP 4xx with a sentence, and nothing reaches wardend (no takeover in
its audit, the state still AUTO).

Oversized body (declared, 10 GB declared, and chunked), oversized headers, a request that
is not HTTP, a body that is not JSON, a cross-site form's content type,
a form without its CSRF token or with another's, an unknown command, a
wrong method, a session cookie from before a console restart; and failed
logins slowed per source without holding up another address.
Prints "N passed, N failed" last; exits non-zero on failure.
"""
import http.client
import json
import os
import socket
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from world import Checks, World  # noqa: E402

CTX = ssl.create_default_context()
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE   # the test's self-signed certificate


class Client:
    def __init__(self, world, source="127.0.0.1"):
        self.w, self.source = world, source
        self.cookie, self.csrf = None, None

    def request(self, method, path, body=None, headers=None, raw=None):
        """(status, parsed JSON or the text) of one request."""
        h = {}
        if self.cookie:
            h["Cookie"] = self.cookie
        if body is not None and raw is None:
            raw = json.dumps(body)
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        conn = http.client.HTTPSConnection("127.0.0.1", self.w.https,
                                           context=CTX, timeout=20,
                                           source_address=(self.source, 0))
        try:
            conn.request(method, path, body=raw, headers=h)
            r = conn.getresponse()
            text = r.read().decode("utf-8", "replace")
            cookie = r.getheader("Set-Cookie")
            if cookie:
                self.cookie = cookie.split(";")[0]
        finally:
            conn.close()
        try:
            return r.status, json.loads(text)
        except ValueError:
            return r.status, text

    def login(self, who, password=None):
        st, ans = self.request("POST", "/api/login", {
            "user": self.w.user[who],
            "password": password or self.w.password[who]})
        if st == 200:
            self.csrf = ans["csrf"]
        return st, ans


def sentence(ans, words):
    return isinstance(ans, dict) and ans.get("ok") is False and \
        words in ans.get("error", "")


def raw_tls(world, data):
    """Bytes sent as they are over TLS; the status line of the answer."""
    with socket.create_connection(("127.0.0.1", world.https), 5) as s:
        with CTX.wrap_socket(s) as t:
            t.sendall(data)
            got = b""
            try:
                while b"\r\n" not in got:
                    chunk = t.recv(4096)
                    if not chunk:
                        break
                    got += chunk
            except (ssl.SSLError, OSError):
                pass
    return got.split(b"\r\n")[0].decode("latin-1")


def refusals(w, c, op):
    act = {"csrf": op.csrf, "cmd": "takeover", "reason": "must not happen"}
    st, ans = op.request("POST", "/api/action", raw="x" * 20000,
                         headers={"Content-Type": "application/json"})
    c.check("a body over 16 KiB: 413 with a sentence",
            st == 413 and sentence(ans, "over 16384 bytes"), (st, ans))

    line = raw_tls(w, b"POST /api/action HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   b"Content-Type: application/json\r\n"
                   b"Content-Length: 10000000000\r\n\r\n{")
    c.check("a body of 10 GB declared: 413 at once, none of it read",
            " 413 " in line + " ", line)

    def chunks():
        for _ in range(40):
            yield b"x" * 1000
    conn = http.client.HTTPSConnection("127.0.0.1", w.https, context=CTX,
                                       timeout=10)
    conn.request("POST", "/api/action", body=chunks(), encode_chunked=True,
                 headers={"Cookie": op.cookie,
                          "Content-Type": "application/json"})
    r = conn.getresponse()
    c.check("a chunked body over 16 KiB: 413", r.status == 413, r.status)
    conn.close()

    # libmicrohttpd answers 431 once 64 KiB are read and closes; the
    # rest of what the client still sends then meets a reset, which may
    # reach the client before the 431 does. Either is the refusal.
    try:
        st, ans = op.request("GET", "/api/session",
                             headers={"X-Big": "y" * 100000})
    except (ssl.SSLError, ConnectionError, http.client.HTTPException) as e:
        st, ans = "closed", repr(e)
    c.check("headers over the limit: 4xx, or closed while still sent",
            st == "closed" or 400 <= st < 500, (st, ans))
    line = raw_tls(w, b"NOT HTTP AT ALL\r\n\r\n")
    c.check("a request that is not HTTP: 400", " 400 " in line + " ", line)
    st, ans = op.request("POST", "/api/action", raw="{\"csrf\":",
                         headers={"Content-Type": "application/json"})
    c.check("a body that is not JSON: 400 with a sentence",
            st == 400 and sentence(ans, "not JSON"), (st, ans))
    st, ans = op.request("POST", "/api/action",
                         raw="csrf=%s&cmd=takeover&reason=x" % op.csrf,
                         headers={"Content-Type":
                                  "application/x-www-form-urlencoded"})
    c.check("a cross-site form's content type: 415",
            st == 415 and sentence(ans, "JSON"), (st, ans))
    st, ans = op.request("POST", "/api/action",
                         {k: v for k, v in act.items() if k != "csrf"})
    c.check("a form without its CSRF token: 403 with a sentence",
            st == 403 and sentence(ans, "CSRF"), (st, ans))
    st, ans = op.request("POST", "/api/action", dict(act, csrf="0" * 64))
    c.check("a form with another CSRF token: 403", st == 403, (st, ans))
    st, ans = op.request("POST", "/api/action", dict(act, cmd="reload"))
    c.check("a command the console does not pass on: 400",
            st == 400 and sentence(ans, "does not pass on"), (st, ans))
    st, ans = op.request("POST", "/api/action", dict(act, reason=""))
    c.check("a takeover without a reason: 400", st == 400, (st, ans))
    st, ans = op.request("DELETE", "/api/action")
    c.check("a wrong method: 405", st == 405 and sentence(ans, "POST"),
            (st, ans))
    st, ans = op.request("GET", "/api/nothing")
    c.check("an unknown call: 404", st == 404, (st, ans))
    st, ans = Client(w).request("GET", "/api/trend?point=level")
    c.check("no cookie: 401", st == 401 and sentence(ans, "log in"),
            (st, ans))
    return act


def restart(w, c, op, act):
    old = op.cookie
    w.stop("console")
    w.start_console()
    st, ans = op.request("POST", "/api/action", act)
    c.check("a cookie from before a console restart: 401 with a sentence",
            st == 401 and sentence(ans, "restarted"), (st, ans))
    st, ans = op.request("GET", "/api/events")
    c.check("... and no events for it", st == 401, (st, ans))
    c.check("(the cookie was the old one)", op.cookie == old)


def throttle(w, c):
    """Three wrong passwords at once from 127.0.0.1 take a second each,
    one after another; a right one from 127.0.0.2 meanwhile does not
    wait for them."""
    ends = []

    def wrong():
        Client(w).login("operator", "wrong-password")
        ends.append(time.monotonic())
    start = time.monotonic()
    threads = [threading.Thread(target=wrong) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.05)    # not a readiness wait: lets the three go first
    other = Client(w, "127.0.0.2")
    t0 = time.monotonic()
    st, _ = other.login("supervisor")
    other_took = time.monotonic() - t0
    for t in threads:
        t.join()
    ends.sort()
    c.check("failed logins from one address are one a second",
            len(ends) == 3 and ends[2] - start >= 2.9,
            ["%.2f" % (e - start) for e in ends])
    c.check("another address is not held up by them",
            st == 200 and other_took < 0.9, "%d in %.2f s" % (st, other_took))


def main():
    w = World("bad-input")
    c = Checks(w)
    try:
        w.setup()
        op = Client(w)
        st, ans = op.login("operator")
        c.check("the operator logs in", st == 200, (st, ans))
        act = refusals(w, c, op)
        restart(w, c, op, act)
        throttle(w, c)
        audit = w.audit()
        c.check("nothing reached wardend: no takeover in its audit",
                '"event":"takeover"' not in audit)
        c.check("... and the refused forms are not in the console's log "
                "as done", "done" not in open(os.path.join(
                    w.logs, "console.log")).read())
    except Exception as e:  # a failure of the test itself: counted, shown
        c.check("the test ran to its end", False, repr(e))
    finally:
        w.close()
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())

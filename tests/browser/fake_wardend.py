"""fake_wardend.py: a stand-in for wardend's control socket (PROTO12:
rights, status, alarms, subscribe, takeover, release, ack, shelve,
unshelve, bypass, unbypass, each with "as"), for working on the console
before wardend has them. Not used by make check, which runs the real
wardend.

usage: fake_wardend.py SOCKET VIEW_GROUP TAKEOVER_GROUP RELEASE_GROUP
"""
import json
import os
import socket
import sys
import threading
import time

LOCK = threading.Lock()
CHANGED = threading.Condition(LOCK)
STATE = {
    "state": "auto", "cause": "startup", "reason": "initial_state is auto",
    "since": time.time(), "mode": "enforce",
}
ALARMS = [{"source": "level", "device": False, "kind": "high", "level": "alarm",
           "state": "unack", "active": True, "acked": False, "value": 4.6,
           "limit": 4.5, "unit": "m", "precision": 2, "since": time.time(),
           "shelved": False, "bypassed": False}]
AUDIT = []
SEQ = [0]


def audit(event, **kw):
    SEQ[0] += 1
    rec = {"seq": SEQ[0], "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "event": event}
    rec.update(kw)
    AUDIT.append(rec)
    CHANGED.notify_all()


def rights_of(req, groups_cfg):
    as_ = req.get("as")
    if as_ is None:
        return ["view", "takeover", "release", "reload"], "root"
    groups = set(as_.get("groups", []))
    view, take, rel = groups_cfg
    r = []
    if view in groups or take in groups or rel in groups:
        r.append("view")
    if take in groups:
        r.append("takeover")
    if rel in groups:
        r.append("release")
        r.append("reload")
    return r, as_["user"]


def status():
    t = time.time()
    level = 2.5 + 0.5 * __import__("math").sin(t / 20)
    return dict(STATE, alarms=ALARMS, holds=[], trips=[],
                safe_state=[{"point": "inlet_valve", "value": 0, "status": "verified",
                             "last_read": 0}] if STATE["state"] == "takeover" else [],
                devices=[{"name": "tank1", "up": True}],
                points=[{"name": "level", "unit": "m", "precision": 2, "value": level,
                         "at": t, "stale": False},
                        {"name": "inlet_valve", "unit": "%", "precision": 1,
                         "value": 50.0, "at": t, "stale": False}])


NEEDS = {"status": "view", "alarms": "view", "subscribe": "view",
         "takeover": "takeover", "release": "release", "ack": "takeover",
         "shelve": "takeover", "unshelve": "takeover", "bypass": "release",
         "unbypass": "takeover"}


def handle(req, groups_cfg):
    cmd = req.get("cmd")
    rights, user = rights_of(req, groups_cfg)
    if cmd == "rights":
        return {"ok": True, "user": user, "rights": rights}
    need = NEEDS.get(cmd)
    if need is None:
        return {"ok": False, "error": "unknown command %s" % cmd}
    if need not in rights:
        return {"ok": False, "error": "user %s may not %s" % (user, cmd)}
    if cmd in ("status", "alarms"):
        return dict(status(), ok=True)
    with LOCK:
        if cmd == "takeover":
            STATE.update(state="takeover", cause="operator", reason=req["reason"],
                         since=time.time())
            audit("takeover", user=user, via="console", reason=req["reason"])
        elif cmd == "release":
            STATE.update(state="auto", cause="operator", reason=req["reason"],
                         since=time.time())
            audit("release", user=user, via="console", reason=req["reason"])
        elif cmd == "ack":
            ALARMS[0].update(acked=True, state="ack")
            audit("alarm_ack", user=user, via="console", point=req["point"])
        elif cmd == "shelve":
            ALARMS[0].update(shelved=True, shelved_until=time.time() + req["for"])
            audit("alarm_shelve", user=user, via="console", point=req["point"])
        elif cmd == "unshelve":
            ALARMS[0].update(shelved=False)
        CHANGED.notify_all()
    return {"ok": True}


def subscriber(conn):
    sent_audit = len(AUDIT)
    last = None
    next_at = 0
    while True:
        with LOCK:
            CHANGED.wait(0.25)
            new = AUDIT[sent_audit:]
            sent_audit = len(AUDIT)
        st = status()
        lines = []
        key = json.dumps({k: v for k, v in st.items() if k != "points"}, sort_keys=True)
        if key != last or time.time() >= next_at or True:
            lines.append(dict(st, push="status"))
            last = key
            next_at = time.time() + 5
        if new:
            lines.append({"push": "audit", "records": new, "skipped": 0})
        try:
            conn.sendall("".join(json.dumps(x) + "\n" for x in lines).encode())
        except OSError:
            return


def serve(conn, groups_cfg):
    f = conn.makefile("rb")
    for line in f:
        try:
            req = json.loads(line)
        except ValueError:
            conn.sendall(b'{"ok":false,"error":"not JSON"}\n')
            continue
        ans = handle(req, groups_cfg)
        conn.sendall((json.dumps(ans) + "\n").encode())
        if req.get("cmd") == "subscribe" and ans["ok"]:
            subscriber(conn)
            return


def main():
    path, groups_cfg = sys.argv[1], tuple(sys.argv[2:5])
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
    os.chmod(path, 0o666)
    s.listen(16)
    print("fake wardend on", path, flush=True)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn, groups_cfg), daemon=True).start()


main()

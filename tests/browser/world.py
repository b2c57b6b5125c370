"""world.py: the plant the browser tests run against, made and removed
by the test itself (tests run as root):

- groups VIEW, OP, SUP and users viewer (VIEW), operator (OP, VIEW),
  supervisor (SUP, OP, VIEW), each with a random password, and the
  console's own user (a system user in group shadow, so that PAM's
  unix_chkpwd can check passwords for it; control.console_user, it may
  view without a group); all removed at the end, also
  when the test fails or is interrupted, and any left by a test that was
  killed are removed first;
- a PAM service of the test's own name, from config/warden-console.pam;
- a self-signed certificate for 127.0.0.1;
- plcsim (tank, with backdoor), wardend (its warden.yaml written here:
  control groups and console_user), warden-console as the console user;
  each on a free loopback port, waited for by polling the port (never a
  fixed sleep), stopped by PID.

Logs and screenshots go to LOGS (WARDEN_BIN/browser/NAME), kept; the
plant's files to a temp dir, removed unless the test failed.
Uses WARDEN_BIN, WARDEN_SRC, and WARDEND (another wardend binary to try,
default WARDEN_BIN/wardend).
"""
import grp
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BIN = os.path.abspath(os.environ.get("WARDEN_BIN", "build"))
SRC = os.path.abspath(os.environ.get("WARDEN_SRC", "."))
PYTHON = os.environ.get("PYTHON", "/usr/bin/python3")
GECOS = "warden-console browser test"
TAG = re.compile(r"^wct\d+-(view|op|sup|con)$")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*cmd, stdin=None):
    subprocess.run(cmd, input=stdin, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, text=True)


def sweep_leftovers():
    """Users and groups of an earlier test that was killed."""
    for pw in pwd.getpwall():
        if pw.pw_gecos == GECOS:
            subprocess.run(["userdel", pw.pw_name], stderr=subprocess.DEVNULL)
    for gr in grp.getgrall():
        if TAG.match(gr.gr_name):
            subprocess.run(["groupdel", gr.gr_name],
                           stderr=subprocess.DEVNULL)


class World:
    def __init__(self, name):
        if os.geteuid() != 0:
            sys.exit("%s: run as root (it adds test users with useradd)" %
                     name)
        self.name = name
        self.logs = os.path.join(BIN, "browser", name)
        shutil.rmtree(self.logs, ignore_errors=True)
        os.makedirs(self.logs)
        self.dir = tempfile.mkdtemp(prefix="warden-browser-")
        os.chmod(self.dir, 0o755)       # the console's user reaches the socket
        self.procs = {}
        self.users, self.groups = [], []
        self.pam_file = None
        self.failed = False
        tag = "wct%d" % os.getpid()
        self.group = {k: "%s-%s" % (tag, k) for k in ("view", "op", "sup")}
        self.user = {"viewer": tag + "-view", "operator": tag + "-op",
                     "supervisor": tag + "-sup", "console": tag + "-con"}
        self.password = {k: secrets.token_urlsafe(12) for k in self.user}
        self.service = "warden-console-test-%d" % os.getpid()
        signal.signal(signal.SIGTERM, self._interrupted)
        signal.signal(signal.SIGINT, self._interrupted)

    def _interrupted(self, sig, frame):
        self.failed = True
        raise SystemExit("interrupted by signal %d" % sig)

    # ---- accounts ----

    def make_accounts(self):
        sweep_leftovers()
        for g in self.group.values():
            run("groupadd", g)
            self.groups.append(g)
        member = {"viewer": ["view"], "operator": ["op", "view"],
                  "supervisor": ["sup", "op", "view"]}
        for who, gs in member.items():
            names = [self.group[g] for g in gs]
            run("useradd", "-M", "-N", "-c", GECOS, "-s", "/usr/sbin/nologin",
                "-g", names[0], "-G", ",".join(names), self.user[who])
            self.users.append(self.user[who])
        # In no group of wardend's: as control.console_user it may view
        # (its feed) and act for others, nothing more.
        run("useradd", "-r", "-M", "-N", "-c", GECOS, "-s",
            "/usr/sbin/nologin", "-g", "nogroup", "-G", "shadow",
            self.user["console"])
        self.users.append(self.user["console"])
        run("chpasswd", stdin="".join("%s:%s\n" % (self.user[k],
                                                   self.password[k])
                                      for k in member))
        self.pam_file = "/etc/pam.d/" + self.service
        shutil.copyfile(os.path.join(SRC, "config/warden-console.pam"),
                        self.pam_file)

    # ---- processes ----

    def start(self, name, cmd, port):
        log = open(os.path.join(self.logs, name + ".log"), "ab")
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL)
        log.close()
        self.procs[name] = p
        self.wait_port(name, port)
        return p

    def wait_port(self, name, port, timeout=15.0):
        p, end = self.procs[name], time.monotonic() + timeout
        while time.monotonic() < end:
            if p.poll() is not None:
                raise RuntimeError("%s exited (%s) before it listened on %d;"
                                   " see %s/%s.log" % (name, p.returncode,
                                                       port, self.logs, name))
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("%s did not listen on %d within %.0f s" %
                           (name, port, timeout))

    def stop(self, name):
        """SIGTERM by PID; its exit status."""
        p = self.procs.pop(name, None)
        if p is None:
            return None
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        return p.returncode

    def make_cert(self):
        self.cert = os.path.join(self.dir, "console.pem")
        self.key = os.path.join(self.dir, "console.key")
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext",
            "subjectAltName=IP:127.0.0.1", "-keyout", self.key, "-out",
            self.cert)
        os.chmod(self.key, 0o600)

    def start_plant(self):
        """plcsim, its level forced to 3.00 m (over the high alarm at
        2.50 m, under the trip at 4.80 m), and wardend."""
        self.plc = free_port()
        self.backdoor = free_port()
        self.start("plcsim", [BIN + "/plcsim", "--model", "tank", "--listen",
                              "127.0.0.1:%d" % self.plc, "--backdoor",
                              "127.0.0.1:%d" % self.backdoor], self.plc)
        self.wait_port("plcsim", self.backdoor)
        self.force_level(300)
        self.ai = free_port()
        self.socket = os.path.join(self.dir, "control.sock")
        self.config = os.path.join(self.dir, "warden.yaml")
        with open(self.config, "w") as f:
            f.write(WARDEN_YAML.format(dir=self.dir, ai=self.ai, plc=self.plc,
                                       socket=self.socket,
                                       console=self.user["console"],
                                       **self.group))
        wardend = os.environ.get("WARDEND", BIN + "/wardend")
        self.start("wardend", [wardend, "-f", "-c", self.config], self.ai)

    def force_level(self, raw):
        self.mbap(self.backdoor, 6, 0, raw)

    def mbap(self, port, fc, address, arg):
        """One Modbus request (tests/interop/mbap.py): the answer's PDU
        in hex, e.g. "86 0a"."""
        out = subprocess.run([PYTHON, os.path.join(SRC,
                                                   "tests/interop/mbap.py"),
                              str(port), "1", str(fc), str(address),
                              str(arg)], capture_output=True, text=True,
                             timeout=10)
        return out.stdout.strip() or out.stderr.strip()

    def start_console(self):
        self.https = getattr(self, "https", None) or free_port()
        self.start("console", [BIN + "/warden-console", "-f", "-s",
                               self.socket, "-l", "127.0.0.1:%d" % self.https,
                               "--cert", self.cert, "--key", self.key,
                               "--pam-service", self.service,
                               "-u", self.user["console"]], self.https)
        self.url = "https://127.0.0.1:%d/" % self.https

    def setup(self):
        self.make_accounts()
        self.make_cert()
        self.start_plant()
        self.start_console()

    def audit(self):
        try:
            with open(os.path.join(self.dir, "audit.jsonl")) as f:
                return f.read()
        except OSError:
            return ""

    # ---- the end ----

    def close(self):
        status = {n: self.stop(n) for n in ("console", "wardend", "plcsim")}
        for n, rc in status.items():
            if n in ("console", "wardend") and rc not in (0, None):
                print("FAIL %s exited %s on SIGTERM (see %s/%s.log)" %
                      (n, rc, self.logs, n))
                self.failed = True
        for u in self.users:
            subprocess.run(["userdel", u], stderr=subprocess.DEVNULL)
        for g in self.groups:
            subprocess.run(["groupdel", g], stderr=subprocess.DEVNULL)
        if self.pam_file:
            try:
                os.unlink(self.pam_file)
            except OSError:
                pass
        if self.failed:
            print("plant files kept in %s; logs in %s" % (self.dir,
                                                          self.logs))
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


WARDEN_YAML = """\
mode: enforce
initial_state: auto
listen: 127.0.0.1:{ai}
state_dir: {dir}
audit_log: {dir}/audit.jsonl
control:
  socket: {socket}
  view_group: {view}
  takeover_group: {op}
  release_group: {sup}
  console_user: {console}
limits: {{max_clients: 8, max_inflight: 4, idle_timeout: 30s}}
devices:
  - {{name: tank1, host: 127.0.0.1, port: {plc}, unit_id: 1, timeout: 500ms,
     poll_interval: 100ms, loss_after: 1s}}
points:
  - name: inlet_valve
    device: tank1
    table: holding
    address: 0
    scale: 0.1
    unit: "%"
    write: {{min: 0, max: 100}}
  - name: level
    device: tank1
    table: input
    address: 0
    scale: 0.01
    unit: m
    monitor: {{low: 0.5, high: 2.5, high_high: 4.8}}
takeover:
  isolate: writes
  safe_state:
    - {{point: inlet_valve, value: 0}}
"""


class Checks:
    """Counts checks; prints "ok"/"FAIL" per check and the summary."""

    def __init__(self, world):
        self.world, self.passed, self.failed = world, 0, 0

    def check(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            print("ok   " + name)
        else:
            self.failed += 1
            self.world.failed = True
            print("FAIL %s%s" % (name, ": " + str(detail) if detail else ""))
        return cond

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 0 if self.failed == 0 and not self.world.failed else 1

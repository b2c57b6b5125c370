"""test_console.py: warden-console in a real browser (headless Chromium
through Selenium) against the real plcsim and wardend (world.py).

A viewer sees AUTO and no button; a wrong password is refused (and
audited by wardend as console_login_failed); an
operator takes over (reason, then confirm) and sees the banner turn to
TAKEOVER within 1 s while an AI write through wardend is refused with
0x0A, acknowledges and shelves the level alarm, and is refused RELEASE
with wardend's sentence shown; a supervisor releases. A screenshot of
each screen goes to the log dir (console.png: the one for the README).
Prints "N passed, N failed" last; exits non-zero on failure.
"""
import os
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import (StaleElementReferenceException,
                                        TimeoutException)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from world import Checks, World  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")


def browser():
    o = Options()
    # Tests run as root: Chromium's sandbox refuses root.
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--ignore-certificate-errors",
              "--window-size=1280,1350", "--no-first-run",
              "--disable-extensions", "--disable-background-networking"):
        o.add_argument(a)
    o.binary_location = CHROMIUM
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=o)
    d.set_page_load_timeout(15)
    return d


class Screen:
    def __init__(self, world, checks):
        self.w, self.c = world, checks
        self.d = browser()

    def wait(self, cond, timeout=5.0, poll=0.02):
        try:
            # A table drawn again under a lookup: look again.
            return WebDriverWait(self.d, timeout, poll, ignored_exceptions=(
                StaleElementReferenceException,)).until(lambda d: cond())
        except TimeoutException:
            return None

    def el(self, id_):
        return self.d.find_element(By.ID, id_)

    def text(self, id_):
        return self.el(id_).text

    def shown(self, id_):
        return self.el(id_).is_displayed()

    def shot(self, name):
        self.d.save_screenshot(os.path.join(self.w.logs, name + ".png"))

    def login(self, who, password=None):
        self.d.delete_all_cookies()
        self.d.get(self.w.url)
        self.wait(lambda: self.shown("login-view"))
        u, p = self.el("login-user"), self.el("login-password")
        u.clear()
        u.send_keys(self.w.user[who])
        p.send_keys(password or self.w.password[who])
        self.el("login-submit").click()

    def logged_in(self):
        return self.wait(lambda: self.shown("console-view") and
                         self.text("state") in ("AUTO", "TAKEOVER"))

    def state(self):
        return self.text("state")

    def alarm_row(self, source):
        rows = self.d.find_elements(By.CSS_SELECTOR,
                                    "#alarms tbody tr[data-source='%s']" %
                                    source)
        return rows[0] if rows else None

    def alarm_cell(self, source, column):
        row = self.alarm_row(source)
        if row is None:
            return ""
        return row.find_elements(By.TAG_NAME, "td")[column].text

    def alarm_button(self, source, cls):
        row = self.alarm_row(source)
        if row is None:
            return None
        b = row.find_elements(By.CSS_SELECTOR, "button." + cls)
        return b[0] if b else None

    def click_alarm(self, source, cls):
        """Click the button; the table is drawn again when wardend pushes
        a changed alarm list, so a button found may be gone: find again."""
        def attempt():
            try:
                b = self.alarm_button(source, cls)
                if b is None:
                    return False
                b.click()
                return True
            except StaleElementReferenceException:
                return False
        return self.wait(attempt) is not None

    def confirm(self, reason, hold=None):
        self.wait(lambda: self.shown("confirm"))
        self.el("confirm-reason").send_keys(reason)
        if hold is not None:
            Select(self.el("confirm-for")).select_by_value(str(hold))
        self.el("confirm-go").click()


def viewer(s, c):
    s.login("viewer")
    c.check("a viewer logs in and sees AUTO", s.logged_in() and
            s.state() == "AUTO", s.state())
    s.wait(lambda: s.alarm_row("level") is not None)
    buttons = [b for b in s.d.find_elements(By.TAG_NAME, "button")
               if b.is_displayed() and b.get_attribute("id") != "logout"]
    c.check("the login is in wardend's audit, via the console",
            s.wait(lambda: '"event":"console_login","user":"%s"' %
                   s.w.user["viewer"] in s.w.audit()) is not None)
    c.check("a viewer sees no buttons", buttons == [],
            [b.text for b in buttons])
    c.check("the level alarm is listed (3.00 m over 2.50 m)",
            s.alarm_row("level") is not None)
    s.shot("viewer")


def wrong_password(s, c):
    start = time.monotonic()
    s.login("operator", "not-" + s.w.password["operator"])
    shown = s.wait(lambda: s.text("login-error") != "")
    c.check("a wrong password is refused", shown and
            "wrong user name or password" in s.text("login-error"),
            s.text("login-error"))
    c.check("the refusal took the 1 s throttle",
            time.monotonic() - start >= 1.0)
    c.check("a wrong password opens no console",
            not s.shown("console-view"))
    c.check("the refused login is in wardend's audit",
            '"event":"console_login_failed","user":"%s"' %
            s.w.user["operator"] in s.w.audit(), s.w.audit()[-300:])
    s.shot("login-refused")


def operator(s, c):
    w = s.w
    s.login("operator")
    c.check("an operator logs in and sees AUTO", s.logged_in() and
            s.state() == "AUTO", s.state())
    c.check("an AI write in AUTO is forwarded",
            w.mbap(w.ai, 6, 0, 100) == "06 00 00 00 64")
    s.wait(lambda: s.shown("takeover"))
    s.el("takeover").click()
    s.wait(lambda: s.shown("confirm"))
    s.shot("takeover-confirm")
    s.el("confirm-reason").send_keys("browser test: pump inspection")
    start = time.monotonic()
    s.el("confirm-go").click()
    s.wait(lambda: s.state() == "TAKEOVER", timeout=3.0)
    took = time.monotonic() - start
    c.check("the banner turns to TAKEOVER within 1 s",
            s.state() == "TAKEOVER" and took <= 1.0, "%.2f s" % took)
    c.check("an AI write in TAKEOVER is refused with 0x0A",
            w.mbap(w.ai, 6, 0, 100) == "86 0a", w.mbap(w.ai, 6, 0, 100))
    c.check("the takeover is audited under the operator's name, "
            "via the console",
            s.wait(lambda: w.user["operator"] in s.text("by")) is not None
            and any('"event":"takeover"' in line and '"via":"console"' in
                    line and '"user":"%s"' % w.user["operator"] in line
                    for line in w.audit().splitlines()),
            s.text("by"))
    s.shot("takeover")

    if c.check("the operator has an Ack button",
               s.click_alarm("level", "act-ack")):
        c.check("the alarm is acknowledged",
                s.wait(lambda: s.alarm_cell("level", 3) == "ack") is not None,
                s.alarm_cell("level", 3))
    if c.check("the operator has a Shelve button",
               s.click_alarm("level", "act-shelve")):
        s.confirm("browser test: sensor check", 1800)
        c.check("the alarm is shelved",
                s.wait(lambda: "shelved" in s.alarm_cell("level", 6))
                is not None, s.text("action-error"))
    s.shot("alarms")

    s.el("release").click()
    s.confirm("browser test: operator tries")
    refused = s.wait(lambda: s.text("action-error") != "")
    c.check("an operator's RELEASE is refused with wardend's reason",
            refused and s.text("action-error").startswith("release refused:")
            and len(s.text("action-error")) > len("release refused: "),
            s.text("action-error"))
    c.check("the state stays TAKEOVER", s.state() == "TAKEOVER")
    s.shot("release-refused")


def supervisor(s, c):
    s.login("supervisor")
    c.check("a supervisor logs in and sees TAKEOVER", s.logged_in() and
            s.state() == "TAKEOVER", s.state())
    s.wait(lambda: s.shown("release"))
    s.el("release").click()
    s.confirm("browser test: inspection done")
    c.check("a supervisor's RELEASE works",
            s.wait(lambda: s.state() == "AUTO", timeout=5.0) is not None,
            s.text("action-error"))
    c.check("an AI write is forwarded again",
            s.w.mbap(s.w.ai, 6, 0, 100) == "06 00 00 00 64")
    Select(s.el("trend-point")).select_by_value("level")
    c.check("the trend of level is drawn from the console's history",
            s.wait(lambda: s.d.execute_script(
                "var c = document.getElementById('trend'), i,"
                " d = c.getContext('2d').getImageData(0, 0, c.width,"
                " c.height).data;"
                "for (i = 0; i < d.length; i += 4)"   # the line's blue
                " if (d[i] < 60 && d[i + 2] > 150) return true;"
                "return false;")) is not None)
    s.wait(lambda: s.text("audit").count("\n") >= 3)
    s.shot("console")


def main():
    w = World("console")
    c = Checks(w)
    s = None
    try:
        w.setup()
        s = Screen(w, c)
        viewer(s, c)
        wrong_password(s, c)
        operator(s, c)
        supervisor(s, c)
    except Exception as e:  # a failure of the test itself: counted, shown
        c.check("the test ran to its end", False, repr(e))
        if s is not None:
            s.shot("failure")
    finally:
        if s is not None:
            s.d.quit()
        w.close()
    print("screenshots in %s" % w.logs)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())

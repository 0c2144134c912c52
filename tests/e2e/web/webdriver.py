"""A small W3C WebDriver client over the Python standard library, enough to drive chromedriver.

No third-party package: the browser test needs only Debian's chromium and chromium-driver.
"""
import base64
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request

# WebDriver's names for keys (W3C WebDriver, "Keyboard actions").
KEY_TAB = "\ue004"
KEY_ENTER = "\ue007"
KEY_CONTROL = "\ue009"
KEY_ARROW_RIGHT = "\ue014"

# The W3C identifier of an element in a WebDriver answer.
ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class WebDriverError(Exception):
    pass


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """One chromedriver process and one Chromium session with a fresh profile."""

    def __init__(self, chromium, chromedriver, profile_dir, log_path, width, height):
        self.port = free_port()
        self.log = open(log_path, "wb")
        self.driver = subprocess.Popen([chromedriver, "--port=%d" % self.port], stdout=self.log,
                                       stderr=subprocess.STDOUT)
        self.base = "http://127.0.0.1:%d" % self.port
        self.session = None
        self._wait_for_driver()
        flags = CHROMIUM_FLAGS + ["--user-data-dir=" + profile_dir, "--window-size=%d,%d" % (width, height)]
        answer = self._call("POST", "/session", {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": flags},
        }}})
        self.session = answer["sessionId"]

    def _wait_for_driver(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if self._call("GET", "/status").get("ready"):
                    return
            except (OSError, WebDriverError):
                pass
            if self.driver.poll() is not None:
                raise WebDriverError("chromedriver exited with %d" % self.driver.returncode)
            time.sleep(0.1)
        raise WebDriverError("chromedriver did not become ready")

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                payload = json.load(response)
        except urllib.error.HTTPError as failure:
            payload = json.load(failure)
            raise WebDriverError("%s %s: %s" % (method, path, payload.get("value", payload))) from None
        return payload.get("value", payload) if isinstance(payload, dict) else payload

    def _session_call(self, method, path, body=None):
        return self._call(method, "/session/%s%s" % (self.session, path), body)

    def close(self):
        try:
            if self.session:
                self._session_call("DELETE", "")
        finally:
            self.driver.terminate()
            try:
                self.driver.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.driver.kill()
            self.log.close()

    # ---- navigation and scripts ----

    def open(self, url):
        self._session_call("POST", "/url", {"url": url})

    def set_window_size(self, width, height):
        self._session_call("POST", "/window/rect", {"width": width, "height": height})

    def run(self, script, *args):
        """Runs `script` as a function body in the page; `return` gives the result."""
        return self._session_call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def run_async(self, script, *args):
        """Runs `script` with a callback as its last argument; its argument is the result."""
        return self._session_call("POST", "/execute/async", {"script": script, "args": list(args)})

    def devtools(self, command, params):
        """A Chrome DevTools Protocol command, e.g. Emulation.setEmulatedMedia."""
        return self._session_call("POST", "/goog/cdp/execute", {"cmd": command, "params": params})

    def screenshot(self, path):
        png = base64.b64decode(self._session_call("GET", "/screenshot"))
        with open(path, "wb") as out:
            out.write(png)

    def full_page_screenshot(self, path):
        """The whole page, not just the window: grows the window to the page's height first."""
        size = self.run("return [document.documentElement.scrollWidth, document.documentElement.scrollHeight,"
                        " window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];")
        rect = self._session_call("GET", "/window/rect")
        self.set_window_size(rect["width"], min(size[1] + size[3], 8000))
        self.screenshot(path)
        self.set_window_size(rect["width"], rect["height"])

    # ---- elements ----

    def find(self, css):
        return self._session_call("POST", "/element", {"using": "css selector", "value": css})[ELEMENT_KEY]

    def click(self, element):
        self._session_call("POST", "/element/%s/click" % element, {})

    def type_into(self, element, text):
        self._session_call("POST", "/element/%s/value" % element, {"text": text})

    def clear(self, element):
        self._session_call("POST", "/element/%s/clear" % element, {})

    def active_element_id(self):
        return self.run("const e = document.activeElement; return e ? (e.id || e.tagName + ':' + e.textContent) : null;")

    # ---- the keyboard ----

    def press(self, *keys):
        """Presses `keys` together (the first ones held, like Control), then releases them."""
        down = [{"type": "keyDown", "value": key} for key in keys]
        up = [{"type": "keyUp", "value": key} for key in reversed(keys)]
        self._session_call("POST", "/actions", {"actions": [
            {"type": "key", "id": "keyboard", "actions": down + up}]})
        self._session_call("DELETE", "/actions")

    def grant_clipboard(self):
        for name in ("clipboard-read", "clipboard-write"):
            self._session_call("POST", "/permissions", {"descriptor": {"name": name}, "state": "granted"})

    # ---- waiting ----

    def wait_for(self, script, what, timeout=15):
        """Waits until `script` (a function body) returns something truthy; returns it."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.run(script)
            if value:
                return value
            if time.monotonic() > deadline:
                raise WebDriverError("timed out waiting for " + what)
            time.sleep(0.1)

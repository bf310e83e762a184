"""One small driver interface over three browser engines, for tests/test_engines.py.

- Chromium: Debian's `chromium`, through Playwright (the `browser` fixture of conftest.py).
- Gecko: Debian's `firefox-esr`, over WebDriver BiDi, which Firefox speaks itself
  (`--remote-debugging-port`); the client below is a few dozen lines over
  `websocket-client`. Debian has no geckodriver, and no browser is ever downloaded.
- WebKit: Debian's `webkit2gtk-driver` (WebKitWebDriver, which drives WebKitGTK's
  MiniBrowser), through Selenium, on an Xvfb display started here.

Each `Engine` opens one page (tab) for the whole test session and offers what the tests
need: `goto`, `js` (call a JavaScript function with JSON arguments, awaiting a promise),
`wait` (poll such a function until it returns something truthy), `click` (a real pointer
click, which counts as a user gesture), `press` and `type` (real key events), and
`problems` (console errors and warnings, uncaught exceptions, unhandled rejections,
failed loads and CSP violations since the last call).

How problems are recorded differs by engine, because the engines' drivers differ:
- Chromium and Gecko report console messages and exceptions natively (Playwright's
  events; BiDi `log.entryAdded`), and RECORDER below runs in every document before the
  page's own scripts (Playwright's init script; BiDi `script.addPreloadScript`).
- WebKitWebDriver (2.50) has no log endpoint and no BiDi, and its sessions are private,
  where WebKit does not write console messages to stdout. So RECORDER is installed by
  the first driver call in each document, right after it has loaded: what goes wrong
  while a page loads shows in WebKit only through what it breaks, which the tests check
  (the toolbar, live region, results and popovers are all made by the page's scripts).
"""

from __future__ import annotations

import glob
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import threading
import time
import warnings
from pathlib import Path
import contextlib

VIEWPORT = {"width": 1200, "height": 900}

# Collects what a reader's console would show, as strings, in window.__problems.
RECORDER = r"""() => {
  if (window.__problems) return;
  const problems = window.__problems = [];
  const str = (x) => {
    try { return x instanceof Error ? String(x.stack || x) : typeof x === "object" ? JSON.stringify(x) : String(x); }
    catch (e) { return String(x); }
  };
  for (const level of ["error", "warn"]) {
    const original = console[level];
    console[level] = function (...args) {
      problems.push(`console ${level}: ${args.map(str).join(" ")}`);
      return original.apply(this, args);
    };
  }
  addEventListener("error", (e) => {
    const t = e.target;
    problems.push(t && t !== window ? `failed to load ${t.src || t.href || t.tagName}`
                                    : `page error: ${e.message} (${e.filename}:${e.lineno})`);
  }, true);
  addEventListener("unhandledrejection", (e) => problems.push(`unhandled rejection: ${str(e.reason)}`));
  document.addEventListener("securitypolicyviolation",
    (e) => problems.push(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`));
}"""

DRAIN = "() => { const p = window.__problems || []; window.__problems = []; return p; }"


class EngineError(AssertionError):
    pass


class Engine:
    """What every engine offers; see the module's docstring."""

    name = "?"
    version = "?"

    def goto(self, url: str) -> None: ...
    def js(self, fn: str, *args): ...
    def click(self, css: str) -> None: ...
    def press(self, *keys: str) -> None: ...
    def type(self, text: str) -> None: ...
    def problems(self) -> list[str]: ...
    def close(self) -> None: ...

    def url(self) -> str:
        return self.js("() => location.href")

    def wait(self, fn: str, *args, timeout: float = 15, what: str = "", show: str = "() => ''"):
        """Poll `fn(*args)` until it returns something truthy; fail saying `what` and `show()`."""
        end, error = time.monotonic() + timeout, None
        while True:
            try:
                value = self.js(fn, *args)
                if value:
                    return value
            except Exception as e:  # a navigation under way: the document is being replaced
                error = e
            if time.monotonic() > end:
                try:
                    shows = repr(self.js(show))
                except Exception as e:
                    shows = f"(nothing: {e})"
                raise EngineError(
                    f"{self.name}: timed out waiting for {what or fn}; page shows: {shows}"
                    + (f"; last error: {error}" if error else "")
                )
            time.sleep(0.03)


# --- Chromium (Playwright) ---------------------------------------------------------------

KEYS_PLAYWRIGHT = {"Tab": "Tab", "Enter": "Enter", "Escape": "Escape", "Control+v": "Control+v"}


class Chromium(Engine):
    name = "chromium"

    def __init__(self, browser):
        self.version = browser.version
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.add_init_script(f"({RECORDER})()")
        self.page = self.context.new_page()
        self._native: list[str] = []
        self.page.on(
            "console",
            lambda m: self._native.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
        )
        self.page.on("pageerror", lambda e: self._native.append(f"page error: {e}"))

    def goto(self, url):
        self.page.goto(url)

    def js(self, fn, *args):
        return self.page.evaluate(f"(args) => ({fn}).apply(null, args)", list(args))

    def click(self, css):
        self.page.click(css)

    def press(self, *keys):
        for k in keys:
            self.page.keyboard.press(KEYS_PLAYWRIGHT[k])

    def type(self, text):
        self.page.keyboard.type(text)

    def problems(self):
        own = self.js(DRAIN) if not self.page.is_closed() else []
        out, self._native = self._native + own, []
        return out

    def close(self):
        self.context.close()


# --- Gecko (firefox-esr over WebDriver BiDi) --------------------------------------------

FIREFOX = os.environ.get("FIREFOX", "firefox-esr")
# Profile preferences; Firefox's remote agent adds its own recommended automation prefs.
FIREFOX_PREFS = {
    "browser.shell.checkDefaultBrowser": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "app.update.disabledForTesting": True,
}
KEYS_BIDI = {"Tab": ["\ue004"], "Enter": ["\ue007"], "Escape": ["\ue00c"], "Control+v": ["\ue009", "v"]}


class _BiDi:
    """A WebDriver BiDi connection: commands by id, events kept in a list."""

    def __init__(self, url: str):
        import websocket  # websocket-client, pinned in requirements-dev.txt

        # Firefox refuses a WebSocket handshake that carries an Origin header.
        self.ws = websocket.create_connection(url, suppress_origin=True, timeout=60)
        self.next_id = 0
        self.events: list[dict] = []

    def __call__(self, method: str, **params):
        self.next_id += 1
        mine = self.next_id
        self.ws.send(json.dumps({"id": mine, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("type") == "event":
                self.events.append(msg)
            elif msg.get("id") == mine:
                if msg.get("type") == "error":
                    raise EngineError(f"gecko: {method}: {msg.get('error')}: {msg.get('message')}")
                return msg["result"]

    def close(self):
        self.ws.close()


def _local(value):
    """A JSON value as a BiDi LocalValue."""
    if value is None:
        return {"type": "null"}
    if isinstance(value, bool):
        return {"type": "boolean", "value": value}
    if isinstance(value, (int, float)):
        return {"type": "number", "value": value}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    if isinstance(value, (list, tuple)):
        return {"type": "array", "value": [_local(v) for v in value]}
    if isinstance(value, dict):
        return {"type": "object", "value": [[str(k), _local(v)] for k, v in value.items()]}
    raise TypeError(type(value))


def _remote(value: dict):
    """A BiDi RemoteValue as a JSON value (nodes and the like as a short description)."""
    kind = value.get("type")
    if kind in ("undefined", "null"):
        return None
    if kind in ("string", "boolean"):
        return value["value"]
    if kind == "number":
        v = value["value"]
        return v if not isinstance(v, str) else float(v.replace("Infinity", "inf"))
    if kind in ("array", "set"):
        return [_remote(v) for v in value.get("value", [])]
    if kind == "object":
        return {(k if isinstance(k, str) else json.dumps(k)): _remote(v) for k, v in value.get("value", [])}
    return f"<{kind}>"


class Gecko(Engine):
    name = "gecko"

    def __init__(self):
        binary = shutil.which(FIREFOX)
        if not binary:
            raise EngineError(f"gecko: {FIREFOX} is not installed (apt-get install firefox-esr)")
        self.profile = tempfile.mkdtemp(prefix="gecko-profile-")
        Path(self.profile, "user.js").write_text(
            "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in FIREFOX_PREFS.items())
        )
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-remote",
                "--profile",
                self.profile,
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            self.bidi = _BiDi(self._listening(timeout=60) + "/session")
            caps = self.bidi("session.new", capabilities={"alwaysMatch": {"acceptInsecureCerts": False}})
            self.version = caps["capabilities"]["browserVersion"]
            # The tab Firefox opens at start keeps the focus in the address bar, so focus events
            # would never fire in the page; a tab opened afterwards has it, as a reader's has.
            first = self.bidi("browsingContext.getTree")["contexts"][0]["context"]
            self.context = self.bidi("browsingContext.create", type="tab")["context"]
            self.bidi("browsingContext.close", context=first)
            self.bidi("browsingContext.setViewport", context=self.context, viewport=VIEWPORT)
            self.bidi("script.addPreloadScript", functionDeclaration=RECORDER)
            self.bidi("session.subscribe", events=["log.entryAdded"])
        except BaseException:
            self.close()
            raise

    def _listening(self, timeout: float) -> str:
        """Firefox prints the BiDi address on stderr once it listens."""
        end, seen = time.monotonic() + timeout, []
        while time.monotonic() < end:
            ready, _, _ = select.select([self.proc.stderr], [], [], 0.5)
            if ready:
                line = self.proc.stderr.readline()
                if not line and self.proc.poll() is not None:
                    break
                seen.append(line)
                m = re.search(r"WebDriver BiDi listening on (ws://\S+)", line)
                if m:
                    # Keep reading stderr, so that Firefox never blocks on a full pipe.
                    threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()
                    return m.group(1)
        raise EngineError("gecko: firefox-esr did not start WebDriver BiDi:\n" + "".join(seen[-20:]))

    def goto(self, url):
        self.bidi("browsingContext.navigate", context=self.context, url=url, wait="complete")

    def js(self, fn, *args):
        result = self.bidi(
            "script.callFunction",
            functionDeclaration=fn,
            awaitPromise=True,
            target={"context": self.context},
            arguments=[_local(a) for a in args],
            resultOwnership="none",
            serializationOptions={"maxObjectDepth": 8},
        )
        if result["type"] == "exception":
            raise EngineError(f"gecko: script error: {result['exceptionDetails'].get('text')}")
        return _remote(result["result"])

    def _actions(self, *sources):
        self.bidi("input.performActions", context=self.context, actions=list(sources))

    def click(self, css):
        box = self.js(
            """(css) => { const e = document.querySelector(css); if (!e) return "nothing matches";
            if (!e.checkVisibility({visibilityProperty: true})) return "not visible";
            e.scrollIntoView({block: "center", behavior: "instant"}); const r = e.getClientRects()[0];
            return [r.left + Math.min(r.width / 2, 8), r.top + r.height / 2]; }""",
            css,
        )
        if isinstance(box, str):
            raise EngineError(f"gecko: cannot click {css}: {box}")
        x, y = (round(v) for v in box)
        self._actions(
            {
                "type": "pointer",
                "id": "mouse",
                "parameters": {"pointerType": "mouse"},
                "actions": [
                    {"type": "pointerMove", "x": x, "y": y, "origin": "viewport"},
                    {"type": "pointerDown", "button": 0},
                    {"type": "pointerUp", "button": 0},
                ],
            }
        )

    def press(self, *keys):
        for k in keys:
            seq = KEYS_BIDI[k]
            self._actions(
                {
                    "type": "key",
                    "id": "keyboard",
                    "actions": [{"type": "keyDown", "value": v} for v in seq]
                    + [{"type": "keyUp", "value": v} for v in reversed(seq)],
                }
            )

    def type(self, text):
        self._actions(
            {
                "type": "key",
                "id": "keyboard",
                "actions": [a for c in text for a in ({"type": "keyDown", "value": c}, {"type": "keyUp", "value": c})],
            }
        )

    def problems(self):
        own = self.js(DRAIN)  # also a round trip, after which earlier log events have arrived
        native = [
            f"console {e['params'].get('level')}: {e['params'].get('text')}"
            for e in self.bidi.events
            if e.get("method") == "log.entryAdded" and e["params"].get("level") in ("error", "warn")
        ]
        self.bidi.events.clear()
        return native + own

    def close(self):
        try:
            if hasattr(self, "bidi"):
                with contextlib.suppress(Exception):
                    self.bidi("browser.close")
                self.bidi.close()
            self.proc.wait(timeout=20)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


# --- WebKit (WebKitWebDriver + MiniBrowser, on Xvfb) ------------------------------------

WEBKIT_DRIVER = os.environ.get("WEBKIT_DRIVER", "WebKitWebDriver")


def minibrowser() -> str | None:
    found = glob.glob("/usr/lib/*/webkit2gtk-4.1/MiniBrowser") + glob.glob("/usr/lib/*/webkitgtk-6.0/MiniBrowser")
    return os.environ.get("WEBKIT_BROWSER") or (found[0] if found else None)


class Xvfb:
    """A virtual display for the length of the test session (WebKitGTK needs one)."""

    def __init__(self):
        binary = shutil.which("Xvfb")
        if not binary:
            raise EngineError("webkit: Xvfb is not installed (apt-get install xvfb)")
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            [binary, "-displayfd", str(write), "-nolisten", "tcp", "-screen", "0", "1280x1024x24"],
            pass_fds=[write],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        # Xvfb writes the display number and a newline once it accepts connections; the
        # pipe stays open until then (a write to a closed pipe would kill it).
        data, end = b"", time.monotonic() + 30
        while not data.endswith(b"\n") and time.monotonic() < end:
            if select.select([read], [], [], 1)[0]:
                chunk = os.read(read, 64)
                if not chunk:
                    break
                data += chunk
        os.close(read)
        number = data.decode().strip() if data.endswith(b"\n") else ""
        if not number:
            self.close()
            raise EngineError("webkit: Xvfb did not start")
        self.display = f":{number}"

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class WebKit(Engine):
    name = "webkit"

    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        driver, browser = shutil.which(WEBKIT_DRIVER), minibrowser()
        if not driver or not browser:
            raise EngineError("webkit: WebKitWebDriver or MiniBrowser is missing (apt-get install webkit2gtk-driver)")
        self.xvfb = Xvfb()
        options = Options()
        options.binary_location = browser
        options.add_argument("--automation")
        env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",)}
        env["DISPLAY"] = self.xvfb.display
        self.home = tempfile.mkdtemp(prefix="webkit-home-")
        env.update(XDG_CACHE_HOME=self.home, XDG_DATA_HOME=self.home, XDG_CONFIG_HOME=self.home)
        self.log = Path(self.home, "webkit.log")
        service = Service(executable_path=driver, env=env, log_output=str(self.log))
        # If MiniBrowser dies at start (no EGL display without libgl1-mesa-dri, for one), the
        # driver waits for it for ever: give up after a minute, saying why.
        watchdog = threading.Timer(60, lambda: service.process and service.process.kill())
        watchdog.start()
        try:
            # An explicit driver path: Selenium Manager never runs (it would try to download one).
            with warnings.catch_warnings():  # Selenium's own WebKitGTK class uses a deprecated argument
                warnings.simplefilter("ignore", DeprecationWarning)
                self.driver = webdriver.WebKitGTK(options=options, service=service)
        except Exception as e:
            self.xvfb.close()
            said = self.log.read_text(errors="replace")[-1500:] if self.log.exists() else ""
            shutil.rmtree(self.home, ignore_errors=True)
            raise EngineError(f"webkit: WebKitWebDriver could not start MiniBrowser ({e!r}); it said:\n{said}") from e
        finally:
            watchdog.cancel()
        self.version = self.driver.capabilities.get("browserVersion", "?")
        self.driver.set_window_rect(0, 0, VIEWPORT["width"], VIEWPORT["height"])
        self.driver.set_script_timeout(30)

    def goto(self, url):
        self.driver.get(url)
        self.driver.execute_script(f"({RECORDER})()")

    def js(self, fn, *args):
        value = self.driver.execute_async_script(
            f"""const done = arguments[arguments.length - 1], args = [...arguments].slice(0, -1);
            ({RECORDER})();
            Promise.resolve().then(() => ({fn}).apply(null, args))
              .then((v) => done({{ok: v === undefined ? null : v}}), (e) => done({{error: String(e && e.stack || e)}}));""",
            *args,
        )
        if "error" in value:
            raise EngineError(f"webkit: script error: {value['error']}")
        return value["ok"]

    def click(self, css):
        from selenium.webdriver.common.by import By

        self.js(
            "(css) => { const e = document.querySelector(css); e && e.scrollIntoView({block: 'center', behavior: 'instant'}); }",
            css,
        )
        found = self.driver.find_elements(By.CSS_SELECTOR, css)
        if not found:
            raise EngineError(f"webkit: nothing matches {css}")
        found[0].click()

    def press(self, *keys):
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        chain = ActionChains(self.driver)
        for k in keys:
            if k == "Control+v":
                chain.key_down(Keys.CONTROL).send_keys("v").key_up(Keys.CONTROL)
            else:
                chain.send_keys({"Tab": Keys.TAB, "Enter": Keys.ENTER, "Escape": Keys.ESCAPE}[k])
        chain.perform()

    def type(self, text):
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(text).perform()

    def problems(self):
        return self.js(DRAIN)

    def close(self):
        try:
            self.driver.quit()
        finally:
            self.xvfb.close()
            shutil.rmtree(self.home, ignore_errors=True)

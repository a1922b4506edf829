# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared pieces of the GUI tests: the real transfer-server, transfer-cli agents driven through
their stdin/stdout (--json interactive), a private PulseAudio, the app, AT-SPI helpers (roles and
names only) and the steps of a test run as TAP.

Runs inside tests/gui/run-in-session.sh (Xvfb + session D-Bus + AT-SPI, loopback-only)."""

import ctypes
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

import pyatspi

BUILD = os.environ.get("TR_BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "_build"))
SERVER_BIN = os.path.join(BUILD, "src", "server", "transfer-server")
CLI_BIN = os.path.join(BUILD, "src", "cli", "transfer-cli")
APP_BIN = os.path.join(BUILD, "src", "gui", "transfer")

WAIT = float(os.environ.get("TR_GUI_WAIT", "10"))

_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent():
    """In the child: SIGTERM when the test process goes, even if it crashes (no stray servers)."""
    _libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def log(*args):
    print("#", *args, flush=True)


def wait_until(predicate, timeout=WAIT, what="condition", interval=0.05):
    """Polls @predicate until it returns a true value (returned) or fails after @timeout s."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # the tree changes under us while we look
            last_error = e
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}"
                                 + (f" (last error: {last_error})" if last_error else ""))
        time.sleep(interval)


class Server:
    """transfer-server on 127.0.0.1 with its own data dir; stop() and start() again keep the
    data and the port, as a restart would."""

    def __init__(self, data_dir=None):
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="server-", dir=os.environ.get("XDG_RUNTIME_DIR"))
        self.proc = None
        self.port = 0
        self.url = None

    def admin(self, *args):
        out = subprocess.run([SERVER_BIN, "--data-dir", self.data_dir, *args], check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return out.stdout.strip()

    def add_user(self, user_id, name):
        self.admin("user", "add", user_id, name)

    def token(self, user_id, ttl=3600):
        return self.admin("token", "issue", user_id, "--ttl", str(ttl))

    def start(self):
        self.proc = subprocess.Popen([SERVER_BIN, "--data-dir", self.data_dir,
                                      "--listen", f"127.0.0.1:{self.port}"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     preexec_fn=_die_with_parent)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise AssertionError(f"server did not start: {line!r}")
        self.url = line[len("listening on "):]
        self.port = int(self.url.rsplit(":", 1)[1])
        log("server", self.url, "pid", self.proc.pid)
        return self.url

    def app_env(self, user=None, ttl=3600):
        """The app's environment for this server, signed in as @user when given."""
        env = {"TRANSFER_SERVER_URL": self.url}
        if user is not None:
            env["TRANSFER_TOKEN"] = self.token(user, ttl)
        return env

    def stop(self):
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


class Agent:
    """A transfer-cli --json interactive process: send() a command line, wait_event() for an
    event of its output. @extra_args: more options of transfer-cli (e.g. --mic tone:440)."""

    def __init__(self, name, url, token, extra_args=()):
        self.name = name
        env = dict(os.environ, TRANSFER_TOKEN=token)
        self.proc = subprocess.Popen([CLI_BIN, "--server", url, "--json",
                                      "--reconnect-base-ms", "200", "--reconnect-max-ms", "1000",
                                      "--reconnect-attempts", "100", *extra_args, "interactive"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=env, bufsize=1,
                                     preexec_fn=_die_with_parent)
        self.events = []
        self.lock = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with self.lock:
                self.events.append(event)
                self.lock.notify_all()

    def send(self, command):
        log(f"{self.name} <", command)
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def wait_event(self, predicate, timeout=WAIT, what="event", since=0):
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                for event in self.events[since:]:
                    if predicate(event):
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{self.name}: timed out waiting for {what}; "
                                         f"events: {self.events[-8:]}")
                self.lock.wait(remaining)

    def mark(self):
        with self.lock:
            return len(self.events)

    def wait_connected(self):
        self.wait_event(lambda e: e.get("event") == "connection" and e.get("state") == "connected",
                        what=f"{self.name} connected")
        return self

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(3)
            except Exception:
                self.proc.kill()
                self.proc.wait()


def run_cli(url, token, *args, env=None, timeout=10):
    """One transfer-cli --json command (not interactive); its standard output."""
    return subprocess.run([CLI_BIN, "--server", url, "--token", token, "--json", *args],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                          timeout=timeout, env=env).stdout


def call_event(state, since_remote=None):
    def predicate(event):
        return (event.get("event") == "call" and event.get("state") == state
                and (since_remote is None or event.get("remote") == since_remote))
    return predicate


# A private PulseAudio

def pactl(*args):
    return subprocess.run(["pactl", *args], check=True, stdout=subprocess.PIPE,
                          text=True).stdout.strip()


def start_pulseaudio(microphone=False):
    """A private PulseAudio with TestSpeaker ("spk", the default sink) and, with @microphone,
    TestMic ("mic", the default source) as tests/media/run-media-test.sh has it: a 440 Hz sine
    played into a null sink whose monitor is remapped as a source. PULSE_SERVER names it for the
    app and the CLI. stop_pulseaudio() stops it (it also goes with the test process)."""
    run = tempfile.mkdtemp(prefix="pulse-", dir=os.environ.get("XDG_RUNTIME_DIR"))
    modules = ["module-null-sink sink_name=spk sink_properties=device.description=TestSpeaker"]
    if microphone:
        modules += ["module-null-sink sink_name=micfeed sink_properties=device.description=MicFeed",
                    "module-sine sink=micfeed frequency=440",
                    "module-remap-source master=micfeed.monitor source_name=mic "
                    "source_properties=device.description=TestMic"]
    proc = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
         "--disable-shm=yes",
         "-L", f"module-native-protocol-unix socket={run}/native auth-anonymous=1",
         *(arg for module in modules for arg in ("-L", module))],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=dict(os.environ, HOME=run, XDG_RUNTIME_DIR=run), preexec_fn=_die_with_parent)
    os.environ["PULSE_SERVER"] = f"unix:{run}/native"
    os.environ["GST_PLUGIN_FEATURE_RANK"] = "pipewiredeviceprovider:NONE"
    wait_until(lambda: subprocess.run(["pactl", "info"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL).returncode == 0,
               what="the private PulseAudio")
    pactl("set-default-sink", "spk")
    if microphone:
        pactl("set-default-source", "mic")
    return proc


def stop_pulseaudio(proc):
    proc.terminate()
    proc.wait(5)


# AT-SPI

INTERACTIVE_ROLES = {
    pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_ENTRY, pyatspi.ROLE_PASSWORD_TEXT,
    pyatspi.ROLE_SPIN_BUTTON, pyatspi.ROLE_SLIDER, pyatspi.ROLE_COMBO_BOX, pyatspi.ROLE_MENU_ITEM,
    pyatspi.ROLE_CHECK_MENU_ITEM, pyatspi.ROLE_RADIO_MENU_ITEM, pyatspi.ROLE_LINK,
    pyatspi.ROLE_PAGE_TAB, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_SEARCH_BOX
    if hasattr(pyatspi, "ROLE_SEARCH_BOX") else pyatspi.ROLE_ENTRY,
}
# GTK 4.8 has "switch" as ROLE_TOGGLE_BUTTON or a dedicated role depending on the version.
for _r in ("ROLE_SWITCH",):
    if hasattr(pyatspi, _r):
        INTERACTIVE_ROLES.add(getattr(pyatspi, _r))

TYPE_NAME = re.compile(r"^(Gtk|Adw|Tr)[A-Z][A-Za-z]+$")


def role_name(node):
    try:
        return node.getRoleName()
    except Exception:
        return "?"


def is_showing(node):
    """GTK 4.8 reports "visible" but never "showing"; hidden widgets leave the tree, and the app
    hides the stack pages that are not on screen."""
    try:
        return node.getState().contains(pyatspi.STATE_VISIBLE)
    except Exception:
        return False


def walk(node, depth=0, showing_only=True):
    """Yields (node, depth) for @node and its descendants (showing ones by default)."""
    if node is None:
        return
    if showing_only and depth > 0 and not is_showing(node):
        return
    yield node, depth
    try:
        count = node.childCount
    except Exception:
        return
    for i in range(count):
        try:
            child = node.getChildAtIndex(i)
        except Exception:
            continue
        yield from walk(child, depth + 1, showing_only)


def dump(node, out=sys.stdout):
    for n, depth in walk(node):
        try:
            desc = n.description
        except Exception:
            desc = ""
        print("#", "  " * depth + f"[{role_name(n)}] {n.name!r}" + (f" ({desc!r})" if desc else ""),
              file=out)


class App:
    """The app under test, found on the AT-SPI desktop by its process id."""

    def __init__(self, args=(), env=None):
        self.env = dict(os.environ, **(env or {}))
        if os.environ.get("TR_APP_G_DEBUG"):
            self.env["G_DEBUG"] = os.environ["TR_APP_G_DEBUG"]
        # $TR_APP_WRAPPER, e.g. "gdb -batch -ex run -ex bt --args", to debug a crash; the app's
        # standard output goes to stderr (stdout is the test's TAP stream).
        wrapper = os.environ.get("TR_APP_WRAPPER", "").split()
        self.proc = subprocess.Popen([*wrapper, APP_BIN, *args], env=self.env, stdout=sys.stderr,
                                     preexec_fn=_die_with_parent)
        self.wrapped = bool(wrapper)
        self.accessible = wait_until(self._find, what="the app on the AT-SPI desktop")
        log("app pid", self.proc.pid, "on the desktop as", repr(self.accessible.name))

    def _find(self):
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            try:
                if app is not None and (app.get_process_id() == self.proc.pid or
                                        (self.wrapped and app.name == "transfer")):
                    return app
            except Exception:
                continue
        if self.proc.poll() is not None:
            raise AssertionError(f"the app exited with {self.proc.returncode}")
        return None

    def windows(self):
        try:
            return [self.accessible.getChildAtIndex(i) for i in range(self.accessible.childCount)]
        except Exception as e:
            # Seen once in ~15 runs: AT-SPI says "the application no longer exists" while the
            # app runs on. Look it up again (and say so) rather than fail on a stale proxy.
            if "no longer exists" not in str(e) or self.proc.poll() is not None:
                raise
            log("the app's accessible went stale; looking it up again:", e)
            self.accessible = wait_until(self._find, what="the app on the AT-SPI desktop")
            return [self.accessible.getChildAtIndex(i) for i in range(self.accessible.childCount)]

    def refresh(self, why):
        log("the app's accessible objects went stale; looking the app up again:", why)
        self.accessible = wait_until(self._find, what="the app on the AT-SPI desktop")

    def find_all(self, role=None, name=None, root=None):
        try:
            return self._find_all(role, name, root)
        except Exception as e:
            # Seen in ~1 of 10 runs after an app restart: AT-SPI says "the application no
            # longer exists" for objects of the running app. Fresh objects work.
            if "no longer exists" not in str(e) or self.proc.poll() is not None or root is not None:
                raise
            self.refresh(e)
            return self._find_all(role, name, root)

    def _find_all(self, role=None, name=None, root=None):
        found = []
        roots = [root] if root is not None else [w for w in self.windows() if is_showing(w)]
        for r in roots:
            for node, _ in walk(r):
                try:
                    if role is not None and node.getRole() != role:
                        continue
                    nname = node.name or ""
                except Exception as e:
                    if "no longer exists" in str(e):
                        raise
                    continue  # removed while we looked (a list being refilled)
                if name is not None:
                    if isinstance(name, re.Pattern):
                        if not name.search(nname):
                            continue
                    elif nname != name:
                        continue
                found.append(node)
        return found

    def find(self, role=None, name=None, root=None, timeout=WAIT):
        what = f"[{pyatspi.Role(role) if role is not None else '*'}] {name!r}"
        return wait_until(lambda: (self.find_all(role, name, root) or [None])[0],
                          timeout, what=what)

    def gone(self, role=None, name=None, root=None, timeout=WAIT):
        wait_until(lambda: not self.find_all(role, name, root), timeout,
                   what=f"[{pyatspi.Role(role) if role is not None else '*'}] {name!r} to go away")

    def _clickable(self, role, name, root):
        for node in self.find_all(role, name, root):
            try:
                if node.queryAction().nActions > 0:
                    return node
            except NotImplementedError:
                continue
        return None

    def window_gone(self, name, timeout=WAIT):
        """Until no top-level window of the app has @name. Looks at the top level only: walking
        the inside of a window while GTK 4.8 tears it down can trip a critical in its AT-SPI
        code (g_variant_is_object_path on a context without a path)."""
        def gone():
            for w in self.windows():
                if w.name == name and is_showing(w):
                    return False
            return True
        # Asking for the app's windows while one is being hidden races GTK 4.8 too: its reply
        # to GetChildAtIndex can name a window whose context just lost its path (the same
        # critical, seen ~1 in 15 runs under load). Let the hide finish, then look seldom.
        time.sleep(0.5)
        wait_until(gone, timeout, what=f"window {name!r} to close", interval=0.25)

    def click(self, role, name, root=None, timeout=WAIT):
        """Activates the first element with @role and @name that has an action (a GtkMenuButton
        shows up as a button without actions around the toggle button that has one)."""
        node = wait_until(lambda: self._clickable(role, name, root), timeout,
                          what=f"a clickable {name!r}")
        wait_until(lambda: node.getState().contains(pyatspi.STATE_SENSITIVE), timeout,
                   what=f"{name!r} to be enabled")
        log("click", repr(name))
        action = node.queryAction()
        action.doAction(0)
        return node

    def _editable(self, role, name, root):
        for node in self.find_all(role, name, root):
            for n, _ in walk(node):
                try:
                    n.queryEditableText()
                    return n
                except NotImplementedError:
                    continue
        return None

    def set_text(self, role, name, text, root=None):
        """Types @text into the editable element named @name (or inside it)."""
        node = wait_until(lambda: self._editable(role, name, root),
                          what=f"an editable text named {name!r}")
        log("type into", repr(name))
        node.queryEditableText().setTextContents(text)
        return node

    def text_of(self, node):
        t = node.queryText()
        return t.getText(0, t.characterCount)

    def quit(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.wait_gone_from_desktop()

    def wait_gone_from_desktop(self):
        """Until the registry has dropped this app (a new instance must not race with that)."""
        def gone():
            desktop = pyatspi.Registry.getDesktop(0)
            for i in range(desktop.childCount):
                try:
                    if desktop.getChildAtIndex(i).get_process_id() == self.proc.pid:
                        return False
                except Exception:
                    continue
            return True
        try:
            wait_until(gone, timeout=5, what="the app to leave the AT-SPI desktop")
        except AssertionError as e:
            log(e)


# X keycodes of Xvfb's default (evdev) keymap, for keyboard shortcuts through AT-SPI (XTest).
KEYCODES = {"Control": 37, "Shift": 50, "Return": 36, "Escape": 9, "m": 58, "h": 43, "t": 28,
            "e": 26, "d": 40, "l": 46, "v": 55}


def press(*keys):
    """Presses a key combination, e.g. press("Control", "Return")."""
    log("keys", "+".join(keys))
    codes = [KEYCODES[k] for k in keys]
    for code in codes[:-1]:
        pyatspi.Registry.generateKeyboardEvent(code, None, pyatspi.KEY_PRESS)
    pyatspi.Registry.generateKeyboardEvent(codes[-1], None, pyatspi.KEY_PRESSRELEASE)
    for code in reversed(codes[:-1]):
        pyatspi.Registry.generateKeyboardEvent(code, None, pyatspi.KEY_RELEASE)


def point_at(x, y):
    """Moves the pointer: Xvfb has no window manager, so keyboard focus follows the pointer
    (PointerRoot) and new windows open at the top left corner."""
    pyatspi.Registry.generateMouseEvent(x, y, "abs")


def has_state(node, state):
    try:
        return node.getState().contains(state)
    except Exception:
        return False


def unnamed_interactive(root):
    """Interactive elements without a name or read as their type name ("AdwGizmo"), and any of
    the app's own widgets read as a type name. (Internals of GTK/libadwaita 1.2 such as a
    scrollbar's trough are read as type names too; they are counted, not failed.)"""
    problems = []
    internal = 0
    for node, depth in walk(root):
        try:
            role = node.getRole()
            name = node.name or ""
        except Exception:
            continue
        if TYPE_NAME.match(name):
            if role in INTERACTIVE_ROLES or name.startswith("Tr"):
                problems.append(f"[{role_name(node)}] named after its type: {name!r}")
            else:
                internal += 1
        elif role in INTERACTIVE_ROLES and not name.strip():
            parent = node.parent
            problems.append(f"[{role_name(node)}] without a name (parent [{role_name(parent)}] "
                            f"{parent.name if parent else ''!r})")
    if internal:
        log(f"{internal} non-interactive toolkit internals read as their type name")
    return problems


def check_names(app, screen):
    problems = []
    for window in app.windows():
        if not is_showing(window) and window.childCount == 0:
            continue
        problems += unnamed_interactive(window)
    if problems:
        for w in app.windows():
            dump(w)
        raise AssertionError(f"{screen}: {len(problems)} element(s) without a proper name:\n  "
                             + "\n  ".join(problems))
    log(f"accessible names ok: {screen}")


# Steps of a test, run as TAP

class Steps:
    """Numbered steps sharing a context (ctx: "server", "agents" by name, "app", "pulse"), run
    in order as TAP; after a failing step the others are skipped. Use as a decorator:
    @steps.step("what it checks")."""

    def __init__(self):
        self.steps = []
        self.ctx = {}
        self.cleanups = []

    def on_teardown(self, fn):
        """@fn runs at teardown, after the app, agents and server have gone (last added first)."""
        self.cleanups.append(fn)

    def step(self, name):
        def wrap(fn):
            self.steps.append((name, fn))
            return fn
        return wrap

    def new_app(self, args=(), env=None):
        """Quits the app of the context, if any, and starts another one (ctx["app"])."""
        old = self.ctx.pop("app", None)
        if old is not None:
            old.quit()
        self.ctx["app"] = App(args, env)
        return self.ctx["app"]

    def run(self, setup, only=()):
        """setup(), then the steps (those numbered in @only, when given), then teardown().
        The exit status."""
        print(f"1..{len(self.steps)}", flush=True)
        failed = 0
        try:
            setup()
        except Exception as e:
            print(f"Bail out! setup: {e}", flush=True)
            return 1
        for i, (name, fn) in enumerate(self.steps, 1):
            if only and i not in only:
                print(f"ok {i} - {name} # SKIP not asked for", flush=True)
                continue
            if failed:
                print(f"not ok {i} - {name} # SKIP an earlier step failed", flush=True)
                continue
            started = time.monotonic()
            try:
                fn()
                print(f"ok {i} - {name} ({time.monotonic() - started:.1f} s)", flush=True)
            except Exception as e:
                failed += 1
                print(f"not ok {i} - {name}", flush=True)
                for line in str(e).splitlines():
                    print("#", line, flush=True)
                self.report_app()
        self.teardown()
        return 1 if failed else 0

    def report_app(self):
        """After a failure: whether the app runs, and its accessible tree."""
        app = self.ctx.get("app")
        if app is None:
            return
        if app.proc.poll() is not None:
            log("the app exited with", app.proc.returncode)
            return
        try:
            desktop = pyatspi.Registry.getDesktop(0)
            log("apps on the desktop:", [(a.name, a.get_process_id())
                                         for a in desktop if a is not None])
            for w in app.windows():
                dump(w)
        except Exception as e:
            log("cannot dump the tree:", e)

    def teardown(self):
        for agent in self.ctx.get("agents", {}).values():
            agent.close()
        if "app" in self.ctx:
            self.ctx["app"].quit()
        if "server" in self.ctx:
            self.ctx["server"].stop()
        if "pulse" in self.ctx:
            stop_pulseaudio(self.ctx["pulse"])
        for fn in reversed(self.cleanups):
            try:
                fn()
            except Exception as e:
                log("teardown:", e)

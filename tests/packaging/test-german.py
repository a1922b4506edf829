#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Smoke test of the installed, translated app (issue 6): `meson install` of the build into a
temporary DESTDIR, then the installed `transfer` started with LANGUAGE=LANG on its embedded local
server (the installed transfer-server next to it), and through AT-SPI: the main window's tabs,
buttons, menu and a call's failure toast read in LANG (from the installed .mo), and none of their
English originals remain. Run by tests/gui/run-in-session.sh (see tests/packaging/meson.build).

Usage: test-german.py MESON BUILD_DIR PREFIX LANG   (LANG: de or fr)

How the installed app finds its translations: `transfer` binds its text domain to LOCALEDIR,
compiled in as PREFIX/share/locale, and gettext has no environment variable that overrides a
bindtextdomain() directory. So the DESTDIR copy cannot find its .mo in place, and nothing may
be written to the real PREFIX. The app is therefore started in a private mount namespace
(`unshare --mount`) in which a read-only overlay puts DESTDIR/PREFIX over PREFIX (lower layers:
the installed tree first, then what PREFIX already holds). Inside it the installed files sit
exactly where the build was configured to put them: the .mo under LOCALEDIR, the compiled
schema under PREFIX/share, transfer-server next to transfer in BINDIR. No app change, no
second build, nothing outside the namespace sees it, and it ends with the app's process.
The alternatives are worse: an environment override of LOCALEDIR in the app is not a product
feature; LD_PRELOAD-ing bindtextdomain tests something else than the installed binary; a build
configured with a temporary prefix at test time costs a full compile."""

import ctypes
import gettext
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "gui"))

import pyatspi  # noqa: E402
from trharness import dump, log, wait_until, walk  # noqa: E402

R = pyatspi
_libc = ctypes.CDLL(None, use_errno=True)

# What the main window must show, per language: (role, English source, expected translation).
# The translations are spelled out here (not only read from the .mo) so that a catalogue that
# copies the English text, or a wrong one, fails.
EXPECTED = {
    "de": [
        (R.ROLE_PAGE_TAB, "Contacts", "Kontakte"),
        (R.ROLE_PAGE_TAB, "Recent", "Verlauf"),
        (R.ROLE_PAGE_TAB, "Voicemail", "Mailbox"),
        (R.ROLE_PUSH_BUTTON, "Main Menu", "Hauptmenü"),
        (R.ROLE_PUSH_BUTTON, "Call this user id", "Diese Benutzerkennung anrufen"),
        (R.ROLE_PUSH_BUTTON, "Call Always busy", "Immer besetzt anrufen"),
        (R.ROLE_LABEL, "Demo Lines", "Demo-Anschlüsse"),
        (R.ROLE_PUSH_BUTTON, "Call Echo test", "Echo-Test anrufen"),
    ],
    "fr": [
        (R.ROLE_PAGE_TAB, "Contacts", "Contacts"),  # the same word: shown, not told apart
        (R.ROLE_PAGE_TAB, "Recent", "Récents"),
        (R.ROLE_PAGE_TAB, "Voicemail", "Messagerie vocale"),
        (R.ROLE_PUSH_BUTTON, "Main Menu", "Menu principal"),
        (R.ROLE_PUSH_BUTTON, "Call this user id", "Appeler cet identifiant"),
        (R.ROLE_PUSH_BUTTON, "Call Always busy", "Appeler Toujours occupé"),
        (R.ROLE_LABEL, "Demo Lines", "Lignes de démonstration"),
        (R.ROLE_PUSH_BUTTON, "Call Echo test", "Appeler Test d’écho"),
    ],
}
MENU = {
    "de": [("Preferences", "Einstellungen"), ("Keyboard Shortcuts", "Tastenkürzel"),
           ("About Transfer", "Info zu Transfer"), ("Sign Out", "Abmelden"), ("Quit", "Beenden")],
    "fr": [("Preferences", "Préférences"), ("Keyboard Shortcuts", "Raccourcis clavier"),
           ("About Transfer", "À propos de Transfer"), ("Sign Out", "Se déconnecter"),
           ("Quit", "Quitter")],
}
# The toast after calling the busy demo line (a reason built in C with printf).
BUSY_TOAST = {
    "de": re.compile(r"Immer besetzt ist besetzt\. \(Code 486\)"),
    "fr": re.compile(r"Toujours occupé est occupé\. \([Cc]ode 486\)"),
}
ENGLISH_BUSY = re.compile(r"Always busy is busy")


class Failed(Exception):
    pass


def die_with_parent():
    _libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def install(meson, build, destdir, prefix, lang):
    env = {k: v for k, v in os.environ.items() if k != "DESTDIR"}
    subprocess.run([meson, "install", "-C", build, "--destdir", destdir, "--no-rebuild",
                    "--quiet"], check=True, env=env, stdout=sys.stderr)
    root = destdir + prefix
    mo = os.path.join(root, "share", "locale", lang, "LC_MESSAGES", "transfer.mo")
    binaries = [os.path.join(root, "bin", name) for name in ("transfer", "transfer-server")]
    for path in binaries + [mo]:
        if not os.path.exists(path):
            raise Failed(f"meson install did not install {path[len(destdir):]}")
    # Packages and flatpak-builder compile the schemas after installing; so does this test.
    schemas = os.path.join(root, "share", "glib-2.0", "schemas")
    subprocess.run(["glib-compile-schemas", "--strict", schemas], check=True)
    return root, mo


def overlay_point(prefix):
    """The deepest directory of PREFIX that exists here (the overlay needs a mount point)."""
    point = prefix
    while not os.path.isdir(point):
        point = os.path.dirname(point)
    if point == "/":
        raise Failed(f"no directory of the prefix {prefix} exists to mount the installed tree on")
    return point


class InstalledApp:
    """The installed `transfer`, started in its own mount namespace (see the module comment)."""

    def __init__(self, destdir, prefix, lang):
        point = overlay_point(prefix)
        lower = destdir + point
        for path in (lower, point):
            if "," in path or ":" in path:
                raise Failed(f"cannot use {path!r} in overlay options")
        env = {k: v for k, v in os.environ.items()
               if k not in ("GSETTINGS_SCHEMA_DIR", "TRANSFER_SERVER_BINARY", "TRANSFER_SERVER_URL",
                            "TRANSFER_TOKEN", "LANG", "LC_MESSAGES", "G_DEBUG", "DESTDIR")}
        env.update(LANGUAGE=lang, LC_ALL="C.UTF-8",
                   XDG_DATA_DIRS=os.path.join(prefix, "share") + ":/usr/share")
        if os.environ.get("TR_APP_G_DEBUG"):
            env["G_DEBUG"] = os.environ["TR_APP_G_DEBUG"]
        self.binary = os.path.join(prefix, "bin", "transfer")
        self.server_binary = os.path.join(prefix, "bin", "transfer-server")
        # unshare and sh exec: the app keeps this process id (AT-SPI finds it by its pid).
        script = 'mount -t overlay overlay -o "ro,lowerdir=$1:$2" "$2" && shift 2 && exec "$@"'
        self.proc = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "--",
                                      "sh", "-c", script, "sh", lower, point, self.binary],
                                     env=env, stdout=sys.stderr, preexec_fn=die_with_parent)
        self.accessible = wait_until(self._find, what="the installed app on the AT-SPI desktop")
        log("installed app pid", self.proc.pid, "in", lang)

    def _find(self):
        if self.proc.poll() is not None:
            raise Failed(f"the installed app exited with {self.proc.returncode}")
        desktop = R.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            try:
                if app is not None and app.get_process_id() == self.proc.pid:
                    return app
            except Exception:
                continue
        return None

    def nodes(self):
        """(role, name) of every showing element of the app's windows."""
        found = []
        for i in range(self.accessible.childCount):
            window = self.accessible.getChildAtIndex(i)
            for node, _ in walk(window):
                try:
                    found.append((node.getRole(), node.name or "", node))
                except Exception:
                    continue
        return found

    def find(self, role, name, what=None):
        def look():
            for r, n, node in self.nodes():
                if r == role and (name.search(n) if isinstance(name, re.Pattern) else n == name):
                    return node
            return None
        return wait_until(look, what=what or f"[{R.Role(role)}] {name!r}")

    def click(self, role, name):
        def clickable():
            for r, n, node in self.nodes():
                if r == role and n == name:
                    try:
                        if node.queryAction().nActions > 0:
                            return node
                    except NotImplementedError:
                        continue
            return None
        node = wait_until(clickable, what=f"a clickable {name!r}")
        log("click", repr(name))
        node.queryAction().doAction(0)

    def server_children(self):
        """Command lines of the app's child processes."""
        out = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                if ppid != self.proc.pid:
                    continue
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    out.append([a.decode(errors="replace") for a in f.read().split(b"\0") if a])
            except (OSError, ValueError, IndexError):
                continue
        return out

    def quit(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def check_english_gone(app, expected, screen):
    """No element of the checked roles shows one of the English originals (that has a different
    translation). Roles matter: names that come from the server are data (the app translates
    only the names of the server's own service lines)."""
    left = []
    for role, name, _ in app.nodes():
        for want_role, english, translated in expected:
            if role == want_role and name == english and english != translated:
                left.append(f"[{R.Role(role)}] {name!r}")
    if left:
        raise Failed(f"{screen}: English text remains: " + ", ".join(left))


def run(meson, build, prefix, lang):
    results = []

    def ok(desc):
        results.append(desc)
        print(f"ok {len(results)} - {desc}", flush=True)

    destdir = tempfile.mkdtemp(prefix="installed-", dir=os.environ.get("XDG_RUNTIME_DIR"))
    app = None
    try:
        _, mo = install(meson, build, destdir, prefix, lang)
        with open(mo, "rb") as f:
            catalog = gettext.GNUTranslations(f)
        # The catalogue agrees with the expectations below (the app shows what the .mo says).
        for _, english, translated in EXPECTED[lang]:
            # "Call <a demo line>": the button's "Call %s" with the line's translated name.
            line = english[len("Call "):] if english in ("Call Always busy", "Call Echo test") \
                else None
            got = catalog.gettext("Call %s") % catalog.gettext(line) if line \
                else catalog.gettext(english)
            if got != translated:
                raise Failed(f"{lang}.mo translates {english!r} as {got!r}, "
                             f"expected {translated!r}")
        ok(f"installed into a DESTDIR with {lang}/LC_MESSAGES/transfer.mo and compiled schemas")

        app = InstalledApp(destdir, prefix, lang)
        try:
            for role, english, translated in EXPECTED[lang]:
                app.find(role, translated)
        except AssertionError:
            for i in range(app.accessible.childCount):
                dump(app.accessible.getChildAtIndex(i), out=sys.stderr)
            raise
        check_english_gone(app, EXPECTED[lang], "main window")
        servers = [c for c in app.server_children() if c and c[0] == app.server_binary]
        if not servers:
            raise Failed(f"the app did not start the installed {app.server_binary}: "
                         f"{app.server_children()}")
        ok(f"the installed app signs in to its local server ({app.server_binary}) and its "
           f"main window reads in {lang}")

        shown = {english: t for _, english, t in EXPECTED[lang]}
        app.click(R.ROLE_PUSH_BUTTON, shown["Call Always busy"])
        toast = app.find(R.ROLE_LABEL, BUSY_TOAST[lang], what="the busy toast in " + lang)
        if ENGLISH_BUSY.search(toast.name):
            raise Failed(f"English reason in the toast: {toast.name!r}")
        ok(f"the failure toast reads in {lang}: {toast.name!r}")

        app.click(R.ROLE_PUSH_BUTTON, shown["Main Menu"])
        for _, translated in MENU[lang]:
            app.find(R.ROLE_MENU_ITEM, translated)
        check_english_gone(app, [(R.ROLE_MENU_ITEM, e, t) for e, t in MENU[lang]], "main menu")
        ok(f"the main menu reads in {lang}")

        app.click(R.ROLE_MENU_ITEM, MENU[lang][-1][1])  # Quit
        app.proc.wait(10)
        if app.proc.returncode != 0:
            raise Failed(f"the app quit with {app.proc.returncode}")
        ok("the app quits from its translated menu")
    finally:
        if app is not None:
            app.quit()
        shutil.rmtree(destdir, ignore_errors=True)
    return results


def main():
    if len(sys.argv) != 5 or sys.argv[4] not in EXPECTED:
        print(__doc__, file=sys.stderr)
        return 2
    meson, build, prefix, lang = sys.argv[1:]
    print("1..5", flush=True)
    try:
        run(meson, build, prefix, lang)
    except (Failed, AssertionError, subprocess.CalledProcessError) as e:
        print(f"not ok - {e}", flush=True)
        print(f"Bail out! {type(e).__name__}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    status = main()
    log(f"{time.monotonic() - started:.1f} s")
    sys.exit(status)

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The session bus starts the app when something activates it (the desktop file says
DBusActivatable=true): org.freedesktop.Application.Activate on a bus where the app is not
running starts `transfer --gapplication-service`, which then shows its window; the "quit"
action ends it. Run by run-dbus-activation.sh. Usage: test-dbus-activation.py APP_BINARY"""

import os
import subprocess
import sys
import time

from gi.repository import Gio, GLib

APP_ID = "com.example.Transfer"
PATH = "/com/example/Transfer"
WAIT = 20.0


def wait_until(predicate, what):
    deadline = time.monotonic() + WAIT
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {WAIT:.0f} s waiting for {what}")
        time.sleep(0.05)


def main():
    app_binary = os.path.realpath(sys.argv[1])
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)

    def dbus(method, args, reply):
        return bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                             "org.freedesktop.DBus", method, args, GLib.VariantType(reply),
                             Gio.DBusCallFlags.NONE, -1, None).unpack()[0]

    def running():
        return dbus("NameHasOwner", GLib.Variant("(s)", (APP_ID,)), "(b)")

    def app_window():
        tree = subprocess.run(["xwininfo", "-root", "-tree"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True).stdout
        return '"Transfer"' in tree

    assert APP_ID in dbus("ListActivatableNames", None, "(as)"), "the app is not activatable"
    assert not running() and not app_window(), "the app runs before it is activated"
    print("# activatable, not running")

    start = time.monotonic()
    bus.call_sync(APP_ID, PATH, "org.freedesktop.Application", "Activate",
                  GLib.Variant("(a{sv})", ({},)), None, Gio.DBusCallFlags.NONE,
                  int(WAIT * 1000), None)
    assert running(), "Activate returned but nobody owns " + APP_ID
    pid = dbus("GetConnectionUnixProcessID", GLib.Variant("(s)", (APP_ID,)), "(u)")
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        argv = [a.decode() for a in f.read().split(b"\0") if a]
    assert os.path.realpath(argv[0]) == app_binary, f"the bus started {argv}"
    assert "--gapplication-service" in argv, f"not started as a service: {argv}"
    print(f"# started by the bus: {' '.join(argv)} (pid {pid})")

    wait_until(app_window, "the app's window")
    print(f"# window shown {time.monotonic() - start:.2f} s after Activate")

    bus.call_sync(APP_ID, PATH, "org.freedesktop.Application", "ActivateAction",
                  GLib.Variant("(sava{sv})", ("quit", [], {})), None, Gio.DBusCallFlags.NONE,
                  int(WAIT * 1000), None)
    wait_until(lambda: not running(), "the app to leave the bus after app.quit")
    wait_until(lambda: not os.path.exists(f"/proc/{pid}"), "the app's process to end")
    print("# app.quit ended it")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

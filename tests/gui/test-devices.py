#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The device pane end to end, through AT-SPI: the app against the real server with a private
PulseAudio (TestMic: a 440 Hz sine, TestSpeaker) and the test camera. Preferences → Devices lists
them, a hot-plugged sink appears, choosing it is kept in GSettings (keyfile backend) across a
restart, unplugging it falls back with a toast and an accessible description; the level meter
moves; the camera preview is there. Run by run-in-session.sh (see meson.build).

GTK 4.8 gives combo rows no AT-SPI action (nor extents), so they are driven the way a keyboard
user does it: Tab to the row (its "focused" state tells), Space opens the list, Down/Return pick."""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pyatspi  # noqa: E402
from trharness import (Server, Steps, check_names, has_state, log, pactl,  # noqa: E402
                       point_at, start_pulseaudio, wait_until, walk)

R = pyatspi
KEY_TAB, KEY_SPACE, KEY_DOWN, KEY_UP, KEY_RETURN, KEY_ESCAPE = 23, 65, 116, 111, 36, 9
SCHEMA = "com.example.Transfer"

steps = Steps()
step = steps.step
ctx = steps.ctx


def key(code):
    R.Registry.generateKeyboardEvent(code, None, R.KEY_PRESSRELEASE)
    time.sleep(0.05)


def gsettings_get(name):
    env = dict(os.environ, GSETTINGS_BACKEND="keyfile")
    return subprocess.run(["gsettings", "get", SCHEMA, name], check=True, env=env,
                          stdout=subprocess.PIPE, text=True).stdout.strip()


def start_app():
    server = ctx["server"]
    # A keyfile backend in the session's XDG_CONFIG_HOME: what the app saves survives it.
    app = steps.new_app(env={**server.app_env("alice"), "TRANSFER_TEST_CAMERA": "1",
                             "GSETTINGS_BACKEND": "keyfile"})
    app.find(R.ROLE_PUSH_BUTTON, "Main Menu")
    return app


def open_devices(app):
    app.click(R.ROLE_PUSH_BUTTON, "Main Menu")
    app.click(R.ROLE_MENU_ITEM, "Preferences")
    prefs = app.find(R.ROLE_FRAME, "Preferences")
    app.click(R.ROLE_PAGE_TAB, "Devices", root=prefs)
    app.find(R.ROLE_COMBO_BOX, "Speaker", root=prefs)
    # Keyboard focus follows the pointer here (no window manager): over the preferences.
    point_at(270, 300)
    return prefs


def shown_in(app, combo):
    """The item a combo row shows (the label inside it, after its title)."""
    labels = [n.name for n, _ in walk(combo) if n.getRole() == R.ROLE_LABEL]
    return [label for label in labels if label != combo.name]


def focused_in(root):
    for node, _ in walk(root):
        if has_state(node, R.STATE_FOCUSED):
            return node
    return None


def focus(app, prefs, combo):
    for _ in range(40):
        if has_state(combo, R.STATE_FOCUSED):
            return
        key(KEY_TAB)
        time.sleep(0.1)
    raise AssertionError(f"Tab never reached {combo.name!r}")


def popup_items(app):
    """Names of the items of the open combo list (its popover: a window of its own or part of
    the preferences), or None while none is open."""
    for window in app.windows():
        for node, _ in walk(window):
            try:
                if node.getRole() != R.ROLE_LIST_ITEM or not has_state(node, R.STATE_FOCUSED):
                    continue
            except Exception:
                continue
            parent = node.parent
            return parent, [[n.name for n, _ in walk(item) if n.getRole() == R.ROLE_LABEL]
                            for item in parent]
    return None


def item_name(labels):
    return labels[0] if labels else ""


def open_list(app, prefs, combo):
    focus(app, prefs, combo)
    key(KEY_SPACE)
    return wait_until(lambda: popup_items(app), what=f"the list of {combo.name!r}")


def list_of(app, prefs, name):
    combo = app.find(R.ROLE_COMBO_BOX, name, root=prefs)
    _, items = open_list(app, prefs, combo)
    names = [item_name(i) for i in items]
    key(KEY_ESCAPE)
    wait_until(lambda: popup_items(app) is None, what="the list to close")
    log(f"{name}: {names}")
    return names


def choose(app, prefs, name, item):
    """Opens the list, goes to its top (Up as often as it has items), then Down to @item.
    (The "focused" states of the items are not to be trusted: an item of an earlier opening
    may still report it.)"""
    combo = app.find(R.ROLE_COMBO_BOX, name, root=prefs)
    _, items = open_list(app, prefs, combo)
    names = [item_name(i) for i in items]
    if item not in names:
        raise AssertionError(f"{item!r} not in the list of {name!r}: {names}")
    for _ in names:
        key(KEY_UP)
    for _ in range(names.index(item)):
        key(KEY_DOWN)
    time.sleep(0.2)
    key(KEY_RETURN)
    wait_until(lambda: item in shown_in(app, combo), what=f"{name!r} to show {item!r}")
    return combo


def setup():
    ctx["pulse"] = start_pulseaudio(microphone=True)
    server = Server()
    server.add_user("alice", "Alice")
    server.start()
    ctx["server"] = server


@step("Preferences → Devices lists TestMic, TestSpeaker and the test camera; names")
def lists():
    app = start_app()
    prefs = open_devices(app)
    ctx["prefs"] = prefs
    assert "TestMic" in list_of(app, prefs, "Microphone")
    assert "TestSpeaker" in list_of(app, prefs, "Speaker")
    assert "Test Camera (development)" in list_of(app, prefs, "Camera")
    # Nothing chosen yet: each row shows the system default.
    for name in ("Microphone", "Speaker", "Camera"):
        assert shown_in(app, app.find(R.ROLE_COMBO_BOX, name, root=prefs)) == ["System Default"]
    app.find(R.ROLE_PUSH_BUTTON, "Play Test Sound", root=prefs)
    check_names(app, "device pane")


@step("the level meter moves with the sine microphone; the camera preview is there")
def level_and_preview():
    app, prefs = ctx["app"], ctx["prefs"]
    meter = app.find(R.ROLE_LEVEL_BAR, "Input level", root=prefs)
    wait_until(lambda: meter.queryValue().currentValue > 0.3, what="the input level to rise")
    log("input level", round(meter.queryValue().currentValue, 3))
    app.find(R.ROLE_IMAGE, "Camera preview", root=prefs)
    assert not app.find_all(R.ROLE_LABEL, "No camera found", root=prefs)


@step("a hot-plugged USBHeadset appears; choosing it is kept in GSettings")
def hotplug_and_choose():
    app, prefs = ctx["app"], ctx["prefs"]
    ctx["usb"] = pactl("load-module", "module-null-sink", "sink_name=usb",
                       "sink_properties=device.description=USBHeadset")
    wait_until(lambda: "USBHeadset" in list_of(app, prefs, "Speaker"), what="USBHeadset listed",
               timeout=10)
    choose(app, prefs, "Speaker", "USBHeadset")
    wait_until(lambda: gsettings_get("speaker") == "'usb'", what="speaker = 'usb' in GSettings")


@step("after a restart the choice is still there")
def restart():
    app = start_app()
    prefs = open_devices(app)
    ctx["prefs"] = prefs
    speaker = app.find(R.ROLE_COMBO_BOX, "Speaker", root=prefs)
    wait_until(lambda: shown_in(app, speaker) == ["USBHeadset"], what="USBHeadset after restart")


@step("USBHeadset unplugged: toast and accessible description, the row shows the default")
def unplug():
    app, prefs = ctx["app"], ctx["prefs"]
    pactl("unload-module", ctx.pop("usb"))
    text = "USBHeadset was unplugged; using TestSpeaker"
    app.find(R.ROLE_LABEL, text, root=prefs)
    speaker = app.find(R.ROLE_COMBO_BOX, "Speaker", root=prefs)
    wait_until(lambda: speaker.description == text, what="the row's description")
    wait_until(lambda: shown_in(app, speaker) == ["TestSpeaker"], what="the row to show TestSpeaker")
    assert "USBHeadset" not in list_of(app, prefs, "Speaker")
    check_names(app, "device pane with a toast")
    # The saved choice stays: plugged in again, it is used again.
    ctx["usb"] = pactl("load-module", "module-null-sink", "sink_name=usb",
                       "sink_properties=device.description=USBHeadset")
    wait_until(lambda: shown_in(app, speaker) == ["USBHeadset"], what="USBHeadset back in use")
    choose(app, prefs, "Speaker", "System Default")
    wait_until(lambda: gsettings_get("speaker") == "''", what="speaker = '' in GSettings")
    pactl("unload-module", ctx.pop("usb"))
    app.click(R.ROLE_PUSH_BUTTON, "Close", root=prefs)
    app.window_gone("Preferences")


def main():
    return steps.run(setup)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Video in the call view, end to end: the app signed in as alice (with the test camera) against
the real server, bob (transfer-cli, the test camera) calls with video. Through AT-SPI only: while
bob's camera is on, the call view shows "Video of the other person" instead of the avatar; when
bob turns it off the picture goes, and it comes back with his camera. Alice's camera is on (the
call asked for video); her Camera button turns it off and Ctrl+Shift+V on again. The call view's
Devices button opens the device pane while the call runs.

Run by run-in-session.sh (loopback-only namespace), which makes media safe to turn on here; a
private PulseAudio gives the app a microphone and a speaker."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pyatspi  # noqa: E402
from trharness import (Agent, Server, Steps, call_event, check_names, has_state,  # noqa: E402
                       log, press, start_pulseaudio, wait_until)

R = pyatspi
steps = Steps()
step = steps.step
ctx = steps.ctx

VIDEO = "Video of the other person"


def setup():
    os.environ["TRANSFER_MEDIA"] = "1"
    os.environ["TRANSFER_ICE_LOOPBACK"] = "1"
    os.environ["TRANSFER_TEST_CAMERA"] = "1"
    ctx["pulse"] = start_pulseaudio(microphone=True)
    server = Server()
    server.add_user("alice", "Alice")
    server.add_user("bob", "Bob")
    url = server.start()
    ctx["server"] = server
    ctx["agents"] = {"bob": Agent("bob", url, server.token("bob"),
                                  extra_args=("--mic", "tone:440", "--speaker", "none",
                                              "--camera", "test"))}
    ctx["agents"]["bob"].wait_connected()


@step("bob calls alice with video (his camera on); alice accepts: his video replaces the avatar")
def video_call():
    server, bob = ctx["server"], ctx["agents"]["bob"]
    app = steps.new_app(env=server.app_env("alice"))
    app.find(R.ROLE_PUSH_BUTTON, "Call Bob", timeout=20)
    assert not app.find_all(None, VIDEO), "a picture without a call"
    mark = bob.mark()
    bob.send("call alice --video")
    app.click(R.ROLE_PUSH_BUTTON, "Accept")
    bob.wait_event(call_event("connected"), since=mark, what="bob connected")
    app.find(R.ROLE_PUSH_BUTTON, "Hang Up")
    picture = app.find(R.ROLE_IMAGE, VIDEO, timeout=20)
    log("picture:", picture.name)
    check_names(app, "call view with video")


@step("bob turns his camera off: the picture goes within a few seconds")
def remote_video_off():
    app, bob = ctx["app"], ctx["agents"]["bob"]
    bob.send("camera off")
    app.gone(None, VIDEO, timeout=10)
    app.find(R.ROLE_PUSH_BUTTON, "Hang Up")


@step("bob turns it on again: his video is back")
def remote_video_on():
    app, bob = ctx["app"], ctx["agents"]["bob"]
    bob.send("camera on")
    app.find(R.ROLE_IMAGE, VIDEO, timeout=20)


@step("alice's camera is on (a video call); her Camera button turns it off, Ctrl+Shift+V on")
def own_camera():
    app = ctx["app"]

    def pressed():
        return has_state(app.find(R.ROLE_PUSH_BUTTON, "Camera"), R.STATE_PRESSED)

    wait_until(pressed, what="the Camera button pressed: a video call starts with the camera on")
    app.click(R.ROLE_PUSH_BUTTON, "Camera")
    app.find(R.ROLE_LABEL, "Camera off")
    wait_until(lambda: not pressed(), what="the Camera button to be released")
    press("Control", "Shift", "v")
    app.find(R.ROLE_LABEL, "Camera on")
    wait_until(pressed, what="the Camera button to be pressed again")


@step("the call view's Devices button opens the device pane: the devices, the level, closing")
def devices_from_call():
    app = ctx["app"]
    app.click(R.ROLE_PUSH_BUTTON, "Devices")
    pane = app.find(R.ROLE_FRAME, "Devices")
    for combo in ("Microphone", "Speaker", "Camera"):
        app.find(R.ROLE_COMBO_BOX, combo, root=pane)
    meter = app.find(R.ROLE_LEVEL_BAR, "Input level", root=pane)
    wait_until(lambda: meter.queryValue().currentValue > 0.3,
               what="the input level to rise (TestMic, while the call uses it too)")
    check_names(app, "device pane from the call view")
    app.click(R.ROLE_PUSH_BUTTON, "Close", root=pane)
    app.window_gone("Devices")
    app.find(R.ROLE_PUSH_BUTTON, "Hang Up")


@step("hang up: the call view goes")
def hang_up():
    app, bob = ctx["app"], ctx["agents"]["bob"]
    mark = bob.mark()
    app.click(R.ROLE_PUSH_BUTTON, "Hang Up")
    bob.wait_event(call_event("disconnected"), since=mark, what="bob's call ended")
    app.gone(R.ROLE_PUSH_BUTTON, "Hang Up")
    assert not app.find_all(None, VIDEO)


def main():
    return steps.run(setup)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Takes screenshots of the app's main screens into $TR_SCREENSHOT_DIR (default
data/screenshots): sign-in, contacts, incoming call, call, transfer dialog, transfer failed,
connection banner, recent calls, a video call, voicemail, preferences, devices. Run by
tools/screenshots (in run-in-session.sh, which makes media safe here: a private PulseAudio and
the test camera); needs ImageMagick's `import`."""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pyatspi as R  # noqa: E402
from trharness import (App, Agent, Server, call_event, log, start_pulseaudio,  # noqa: E402
                       stop_pulseaudio)

OUT = os.environ.get("TR_SCREENSHOT_DIR",
                     os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data",
                                  "screenshots"))


def shot(name):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".png")
    # Let the last change paint; the root window is black around the app's windows: trim it.
    subprocess.run(["sleep", "0.4"])
    subprocess.run(["import", "-window", "root", "-trim", "+repage", path], check=True)
    log("screenshot", path)


def main():
    os.environ.update(TRANSFER_MEDIA="1", TRANSFER_ICE_LOOPBACK="1", TRANSFER_TEST_CAMERA="1")
    pulse = start_pulseaudio(microphone=True)
    server = Server()
    for uid, name in (("alice", "Alice Liddell"), ("bob", "Bob Marley"), ("carol", "Carol King"),
                      ("dave", "Dave Brubeck")):
        server.add_user(uid, name)
    server.start()
    # The other parties: a tone as microphone, no speaker, the test camera.
    agents = {uid: Agent(uid, server.url, server.token(uid),
                         extra_args=("--mic", "tone:440", "--speaker", "none", "--camera", "test"))
              for uid in ("bob", "carol", "dave")}
    for agent in agents.values():
        agent.wait_event(lambda e: e.get("event") == "connection", what="connected")
    app = App(env={"TRANSFER_SERVER_URL": server.url, "TRANSFER_RECONNECT_BASE_MS": "20000"})
    try:
        app.find(R.ROLE_PUSH_BUTTON, "Sign In")
        app.set_text(None, "Server Address", server.url)
        shot("sign-in")
        app.set_text(None, "Access Token", server.token("alice"))
        app.click(R.ROLE_PUSH_BUTTON, "Sign In")
        app.find(R.ROLE_PUSH_BUTTON, "Call Bob Marley")
        shot("contacts")

        bob = agents["bob"]
        bob.send("call alice")
        app.find(R.ROLE_ALERT, "Bob Marley is calling")
        shot("incoming-call")
        app.click(R.ROLE_PUSH_BUTTON, "Accept")
        bob.wait_event(call_event("connected"))
        app.find(R.ROLE_LABEL, re.compile(r"^Connected · 0:0[2-9]$"))
        shot("call")

        agents["dave"].send("wait incoming 20")
        agents["dave"].send("decline")
        app.click(R.ROLE_PUSH_BUTTON, "Transfer")
        dialog = app.find(R.ROLE_DIALOG, "Transfer Call")
        shot("transfer-dialog")
        app.click(R.ROLE_PUSH_BUTTON, "Transfer to Dave Brubeck", root=dialog)
        app.find(R.ROLE_LABEL, "Transfer failed", root=dialog)
        shot("transfer-failed")
        app.click(R.ROLE_PUSH_BUTTON, "Resume the Call with Bob Marley", root=dialog)
        app.gone(R.ROLE_DIALOG, "Transfer Call")
        app.click(R.ROLE_PUSH_BUTTON, "Hang Up")
        app.gone(R.ROLE_PUSH_BUTTON, "Hang Up")

        server.stop()
        app.find(R.ROLE_PUSH_BUTTON, "Retry Now")
        shot("banner")
        server.start()
        app.click(R.ROLE_PUSH_BUTTON, "Retry Now")
        app.gone(R.ROLE_PUSH_BUTTON, "Retry Now")

        app.click(R.ROLE_PAGE_TAB, "Recent")
        app.find(R.ROLE_LIST_ITEM, "Bob Marley")
        shot("recent")
        app.click(R.ROLE_PAGE_TAB, "Contacts")

        bob.send("call alice --video")
        app.click(R.ROLE_PUSH_BUTTON, "Accept")
        app.find(R.ROLE_IMAGE, "Video of the other person", timeout=20)
        app.find(R.ROLE_LABEL, re.compile(r"^Connected · 0:0[3-9]$"), timeout=15)
        shot("video-call")
        app.click(R.ROLE_PUSH_BUTTON, "Hang Up")
        app.gone(R.ROLE_PUSH_BUTTON, "Hang Up")

        carol = agents["carol"]
        mark = carol.mark()
        carol.send("call alice --voicemail")
        carol.wait_event(call_event("connected"), since=mark)
        subprocess.run(["sleep", "4.5"])
        carol.send("hangup")
        app.click(R.ROLE_PAGE_TAB, "Voicemail")
        app.find(R.ROLE_LIST_ITEM, re.compile(r"^Unheard message from Carol King"), timeout=15)
        shot("voicemail")
        app.click(R.ROLE_PAGE_TAB, "Contacts")

        app.click(R.ROLE_PUSH_BUTTON, "Main Menu")
        app.click(R.ROLE_MENU_ITEM, "Preferences")
        app.find(R.ROLE_SPIN_BUTTON, "Unanswered After")
        shot("preferences")
        prefs = app.find(R.ROLE_FRAME, "Preferences")
        app.click(R.ROLE_PAGE_TAB, "Devices", root=prefs)
        app.find(R.ROLE_IMAGE, "Camera preview", root=prefs)
        subprocess.run(["sleep", "1"])
        shot("devices")
    finally:
        for agent in agents.values():
            agent.close()
        app.quit()
        server.stop()
        stop_pulseaudio(pulse)
    return 0


if __name__ == "__main__":
    sys.exit(main())

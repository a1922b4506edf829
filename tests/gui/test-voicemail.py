#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Voicemail page end to end: the app signed in as alice against the real server (with
media: service lines record), bob (transfer-cli, a 440 Hz tone as microphone) leaves a message in
alice's mailbox; then through AT-SPI only: the tab says "1 unheard", the row names Bob, Play
plays it (Pause while it runs) and makes it heard (the tab says so), Delete hides it with Undo,
Undo brings it back, Delete again empties the page ("No Voicemail") and the server's mailbox.

Run by run-in-session.sh (loopback-only namespace), which makes media safe to turn on here; a
private PulseAudio gives the app a speaker (TestSpeaker)."""

import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pyatspi  # noqa: E402
from trharness import (Agent, Server, Steps, call_event, check_names, log, run_cli,  # noqa: E402
                       start_pulseaudio, wait_until)

R = pyatspi
steps = Steps()
step = steps.step
ctx = steps.ctx


def setup():
    # Media on (the voicemail line records only with media), ICE on 127.0.0.1: this runs in a
    # loopback-only namespace. The app, the server and the CLI inherit it.
    os.environ["TRANSFER_MEDIA"] = "1"
    os.environ["TRANSFER_ICE_LOOPBACK"] = "1"
    ctx["pulse"] = start_pulseaudio()
    server = Server()
    server.add_user("alice", "Alice")
    server.add_user("bob", "Bob")
    url = server.start()
    ctx["server"] = server
    # bob's microphone is a 440 Hz tone, and he has no speaker.
    ctx["agents"] = {"bob": Agent("bob", url, server.token("bob"),
                                  extra_args=("--mic", "tone:440", "--speaker", "none"))}
    ctx["agents"]["bob"].wait_connected()


def voicemail_tab(app):
    return app.find(R.ROLE_PAGE_TAB, "Voicemail")


def tab_says(app, text):
    return wait_until(lambda: any(text in (t.description or "")
                                  for t in app.find_all(R.ROLE_PAGE_TAB, "Voicemail")),
                      what=f"the Voicemail tab to say {text!r}")


ROW_UNHEARD = re.compile(r"^Unheard message from Bob, 0:0\d, today at \d\d:\d\d$")
ROW_HEARD = re.compile(r"^Message from Bob, 0:0\d, today at \d\d:\d\d$")


@step("signed in: a Voicemail tab with no unheard messages, and the empty state")
def signed_in():
    server = ctx["server"]
    app = steps.new_app(env=server.app_env("alice"))
    app.find(R.ROLE_PUSH_BUTTON, "Call Bob", timeout=20)
    voicemail_tab(app)
    tab_says(app, "No unheard messages")
    app.click(R.ROLE_PAGE_TAB, "Voicemail")
    app.find(None, "No Voicemail")
    check_names(app, "voicemail page, empty")


@step("Bob leaves a message: the tab says 1 unheard, the row names Bob as unheard")
def message_left():
    app, bob = ctx["app"], ctx["agents"]["bob"]
    mark = bob.mark()
    bob.send("call alice --voicemail")
    bob.wait_event(call_event("connected"), since=mark, what="the mailbox answered")
    time.sleep(1.9 + 3.0)  # the greeting (1.86 s), then 3 s of tone
    mark = bob.mark()
    bob.send("hangup")
    bob.wait_event(call_event("disconnected"), since=mark, what="bob hung up")
    tab_says(app, "1 unheard")
    messages = app.find(R.ROLE_LIST, "Voicemail messages")
    row = app.find(R.ROLE_LIST_ITEM, ROW_UNHEARD, root=messages)
    log("row:", repr(row.name), repr(row.description))
    app.gone(None, "No Voicemail")
    app.find(R.ROLE_PUSH_BUTTON, "Call Bob Back", root=messages)
    app.find(R.ROLE_PUSH_BUTTON, "Save the Message from Bob As…", root=messages)
    check_names(app, "voicemail page, one message")


@step("Play: Pause while it plays, the position in the row; then heard, and the tab says so")
def play():
    app = ctx["app"]
    messages = app.find(R.ROLE_LIST, "Voicemail messages")
    app.click(R.ROLE_PUSH_BUTTON, "Play the message from Bob", root=messages)
    app.find(R.ROLE_PUSH_BUTTON, "Pause the message from Bob", root=messages)
    row = app.find(R.ROLE_LIST_ITEM, ROW_HEARD, root=messages)
    wait_until(lambda: re.match(r"^Playing, 0:0[1-9] of 0:0\d$", row.description or ""),
               what="the row to say how far it played")
    check_names(app, "voicemail page, playing")
    tab_says(app, "No unheard messages")
    # The end of the message: Play again.
    app.find(R.ROLE_PUSH_BUTTON, "Play the message from Bob", root=messages, timeout=15)


@step("Delete: hidden at once with Undo; Undo brings it back")
def delete_undo():
    app = ctx["app"]
    messages = app.find(R.ROLE_LIST, "Voicemail messages")
    app.click(R.ROLE_PUSH_BUTTON, "Delete the Message from Bob", root=messages)
    app.find(None, "No Voicemail")
    app.gone(R.ROLE_LIST_ITEM, ROW_HEARD)
    app.click(R.ROLE_PUSH_BUTTON, "Undo")
    messages = app.find(R.ROLE_LIST, "Voicemail messages")
    app.find(R.ROLE_LIST_ITEM, ROW_HEARD, root=messages)
    app.gone(None, "No Voicemail")
    assert len(mailbox(ctx["server"])) == 1, "Undo kept the message on the server"


@step("Delete for good: the empty state, and the server's mailbox is empty")
def delete():
    app = ctx["app"]
    messages = app.find(R.ROLE_LIST, "Voicemail messages")
    app.click(R.ROLE_PUSH_BUTTON, "Delete the Message from Bob", root=messages)
    app.find(None, "No Voicemail")
    check_names(app, "voicemail page, deleted")
    # Deleted on the server once the toast has gone (5 s).
    wait_until(lambda: not mailbox(ctx["server"]), timeout=15, interval=1,
               what="the message to leave the server")
    app.find(None, "No Voicemail")
    tab_says(app, "No unheard messages")


def mailbox(server):
    """alice's messages on the server, through transfer-cli (signaling only)."""
    out = run_cli(server.url, server.token("alice"), "voicemail", "list", timeout=15,
                  env=dict(os.environ, TRANSFER_MEDIA="0"))
    found = []
    for line in out.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("event") == "voicemail":
            found.append(event)
    return found


def main():
    return steps.run(setup)


if __name__ == "__main__":
    sys.exit(main())

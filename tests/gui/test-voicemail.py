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
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pyatspi  # noqa: E402
import trharness  # noqa: E402
from trharness import (App, Agent, Server, call_event, check_names, dump, log,  # noqa: E402
                       wait_until)

R = pyatspi
ctx = {}
steps = []


def step(name):
    def wrap(fn):
        steps.append((name, fn))
        return fn
    return wrap


def start_pulseaudio():
    """A private sound server with one speaker; stopped (by PID) at the end."""
    t = tempfile.mkdtemp(prefix="pulse-", dir=os.environ.get("XDG_RUNTIME_DIR"))
    socket = os.path.join(t, "native")
    proc = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
         "--disable-shm=yes", "-L", f"module-native-protocol-unix socket={socket} auth-anonymous=1",
         "-L", "module-null-sink sink_name=spk sink_properties=device.description=TestSpeaker"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=dict(os.environ, HOME=t, XDG_RUNTIME_DIR=t), preexec_fn=trharness._die_with_parent)
    os.environ["PULSE_SERVER"] = f"unix:{socket}"
    wait_until(lambda: subprocess.run(["pactl", "info"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL).returncode == 0,
               what="the private PulseAudio")
    return proc


class ToneAgent(Agent):
    """An Agent whose microphone is a 440 Hz tone and who has no speaker."""

    def __init__(self, name, url, token):  # pylint: disable=super-init-not-called
        self.name = name
        self.proc = subprocess.Popen([trharness.CLI_BIN, "--server", url, "--json",
                                      "--mic", "tone:440", "--speaker", "none", "interactive"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, bufsize=1,
                                     env=dict(os.environ, TRANSFER_TOKEN=token),
                                     preexec_fn=trharness._die_with_parent)
        self.events = []
        self.lock = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()


def setup():
    # Media on (the voicemail line records only with media), ICE on 127.0.0.1: this runs in a
    # loopback-only namespace. The app, the server and the CLI inherit it.
    os.environ["TRANSFER_MEDIA"] = "1"
    os.environ["TRANSFER_ICE_LOOPBACK"] = "1"
    os.environ["GST_PLUGIN_FEATURE_RANK"] = "pipewiredeviceprovider:NONE"
    ctx["pulse"] = start_pulseaudio()
    server = Server()
    server.add_user("alice", "Alice")
    server.add_user("bob", "Bob")
    url = server.start()
    ctx["server"] = server
    bob = ToneAgent("bob", url, server.token("bob"))
    bob.wait_event(lambda e: e.get("event") == "connection" and e.get("state") == "connected",
                   what="bob connected")
    ctx["bob"] = bob


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
    app = App(env={"TRANSFER_SERVER_URL": server.url, "TRANSFER_TOKEN": server.token("alice")})
    ctx["app"] = app
    app.find(R.ROLE_PUSH_BUTTON, "Call Bob", timeout=20)
    voicemail_tab(app)
    tab_says(app, "No unheard messages")
    app.click(R.ROLE_PAGE_TAB, "Voicemail")
    app.find(None, "No Voicemail")
    check_names(app, "voicemail page, empty")


@step("Bob leaves a message: the tab says 1 unheard, the row names Bob as unheard")
def message_left():
    app, bob = ctx["app"], ctx["bob"]
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
    out = subprocess.run([trharness.CLI_BIN, "--server", server.url, "--token",
                          server.token("alice"), "--json", "voicemail", "list"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=15,
                         env=dict(os.environ, TRANSFER_MEDIA="0"))
    found = []
    for line in out.stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("event") == "voicemail":
            found.append(event)
    return found


def main():
    print(f"1..{len(steps)}", flush=True)
    failed = 0
    try:
        setup()
    except Exception as e:
        print(f"Bail out! setup: {e}", flush=True)
        return 1
    for i, (name, fn) in enumerate(steps, 1):
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
            app = ctx.get("app")
            if app is not None and app.proc.poll() is None:
                try:
                    for w in app.windows():
                        dump(w)
                except Exception as e2:
                    log("cannot dump the tree:", e2)
            elif app is not None:
                log("the app exited with", app.proc.returncode)
    if "bob" in ctx:
        ctx["bob"].close()
    if "app" in ctx:
        ctx["app"].quit()
    if "server" in ctx:
        ctx["server"].stop()
    pulse = ctx.get("pulse")
    if pulse is not None:
        pulse.terminate()
        pulse.wait(5)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

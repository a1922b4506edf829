#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Desktop notifications end to end (issue 5): the app signed in as alice against the real
server, bob (transfer-cli) calls her while another X window has the keyboard focus.

The test itself is the notification server: it owns org.freedesktop.Notifications on the
session bus with a small D-Bus service (Gio) that records every Notify and CloseNotification
and emits ActionInvoked / NotificationClosed as a desktop would when a button is pressed. With
no org.gtk.Notifications on the bus, GLib's freedesktop backend is what the app talks to: it
sends the buttons as actions ["app.accept-call('ID')", "Accept", …] and activates the detailed
action it gets back in ActionInvoked.

Checked: a call while the window is not in front gives one notification naming Bob with
Decline and Accept (in that order, urgent); ActionInvoked Accept answers it (bob connected, the
call view shows it, the window comes to the front); ActionInvoked Decline declines it (603 at
bob's end); a call that stops ringing withdraws its notification (CloseNotification with the id
Notify returned); no notification while the window is in front, nor with "Incoming Calls"
switched off in Preferences (and notifications again once switched back on); a new voicemail
while the window is not in front gives "New voicemail from Bob".

Run by run-in-session.sh (Xvfb, private session bus, loopback-only namespace)."""

import json
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pyatspi  # noqa: E402
from gi.repository import Gio, GLib  # noqa: E402
from Xlib import X, display as xdisplay  # noqa: E402

import trharness  # noqa: E402
from trharness import (App, Agent, Server, Steps, call_event, has_state, log,  # noqa: E402
                       point_at, wait_until)

R = pyatspi
steps = Steps()
step = steps.step
ctx = steps.ctx

# How long "no notification" is watched for after the in-window alert has appeared: the app
# sends it from the same function that shows the alert, so it would be on the bus in ms.
QUIET = 1.5


# The notification server

NOTIFICATIONS_XML = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" name="app_name" direction="in"/>
      <arg type="u" name="replaces_id" direction="in"/>
      <arg type="s" name="app_icon" direction="in"/>
      <arg type="s" name="summary" direction="in"/>
      <arg type="s" name="body" direction="in"/>
      <arg type="as" name="actions" direction="in"/>
      <arg type="a{sv}" name="hints" direction="in"/>
      <arg type="i" name="expire_timeout" direction="in"/>
      <arg type="u" name="id" direction="out"/>
    </method>
    <method name="CloseNotification">
      <arg type="u" name="id" direction="in"/>
    </method>
    <method name="GetCapabilities">
      <arg type="as" name="capabilities" direction="out"/>
    </method>
    <method name="GetServerInformation">
      <arg type="s" name="name" direction="out"/>
      <arg type="s" name="vendor" direction="out"/>
      <arg type="s" name="version" direction="out"/>
      <arg type="s" name="spec_version" direction="out"/>
    </method>
    <signal name="NotificationClosed">
      <arg type="u" name="id"/>
      <arg type="u" name="reason"/>
    </signal>
    <signal name="ActionInvoked">
      <arg type="u" name="id"/>
      <arg type="s" name="action_key"/>
    </signal>
  </interface>
</node>
"""

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
# NotificationClosed reasons (Desktop Notifications Specification 1.2)
CLOSED_DISMISSED, CLOSED_BY_CALL = 2, 3


class NotificationServer:
    """org.freedesktop.Notifications on its own connection to the session bus, served from its
    own thread and main context. Every call is recorded in `log` as a dict with "method"."""

    def __init__(self):
        self.cond = threading.Condition()
        self.log = []
        self.shown = {}  # id -> the Notify record, while on "screen"
        self.next_id = 1
        self.conn = None
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        with self.cond:
            self.cond.wait_for(lambda: self.conn is not None or self.error is not None, 10)
        if self.conn is None:
            raise AssertionError(f"notification server did not start: {self.error}")

    def _run(self):
        try:
            context = GLib.MainContext.new()
            context.push_thread_default()
            conn = Gio.DBusConnection.new_for_address_sync(
                os.environ["DBUS_SESSION_BUS_ADDRESS"],
                Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
                | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
            info = Gio.DBusNodeInfo.new_for_xml(NOTIFICATIONS_XML).interfaces[0]
            conn.register_object(PATH, info, self._method_call, None, None)
            reply = conn.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                                   "org.freedesktop.DBus", "RequestName",
                                   GLib.Variant("(su)", (NAME, 4)),  # DO_NOT_QUEUE
                                   GLib.VariantType("(u)"), Gio.DBusCallFlags.NONE, -1, None)
            if reply.unpack()[0] != 1:  # PRIMARY_OWNER
                raise AssertionError(f"{NAME} is owned by someone else ({reply.unpack()[0]})")
            self.loop = GLib.MainLoop.new(context, False)
        except Exception as e:  # reported by __init__
            with self.cond:
                self.error = e
                self.cond.notify_all()
            return
        with self.cond:
            self.conn = conn
            self.cond.notify_all()
        log(f"{NAME} owned by the test as {conn.get_unique_name()}")
        self.loop.run()

    def _method_call(self, conn, sender, path, interface, method, params, invocation):
        args = params.unpack()
        if method == "Notify":
            app_name, replaces_id, icon, summary, body, actions, hints, timeout = args
            with self.cond:
                nid = replaces_id if replaces_id in self.shown else self.next_id
                if nid == self.next_id:
                    self.next_id += 1
                record = {"method": method, "id": nid, "app_name": app_name,
                          "replaces_id": replaces_id, "summary": summary, "body": body,
                          "actions": list(actions), "hints": hints, "sender": sender}
                self.shown[nid] = record
                self.log.append(record)
                self.cond.notify_all()
            log(f"Notify #{nid} (replaces {replaces_id}): {summary!r} / {body!r}, "
                f"actions {list(actions)}, hints {hints}")
            invocation.return_value(GLib.Variant("(u)", (nid,)))
        elif method == "CloseNotification":
            (nid,) = args
            with self.cond:
                known = self.shown.pop(nid, None) is not None
                self.log.append({"method": method, "id": nid, "known": known, "sender": sender})
                self.cond.notify_all()
            log(f"CloseNotification #{nid}" + ("" if known else " (no such notification)"))
            invocation.return_value(None)
            if known:
                self.emit("NotificationClosed", GLib.Variant("(uu)", (nid, CLOSED_BY_CALL)))
        elif method == "GetCapabilities":
            invocation.return_value(GLib.Variant("(as)", (["actions", "body"],)))
        elif method == "GetServerInformation":
            invocation.return_value(GLib.Variant("(ssss)", ("test-notifications", "Transfer",
                                                            "1", "1.2")))
        else:
            invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod", method)

    def emit(self, signal, params):
        self.conn.emit_signal(None, PATH, NAME, signal, params)
        self.conn.flush_sync(None)

    def invoke(self, record, label):
        """Presses the button labelled @label of a shown notification, as a desktop does:
        ActionInvoked with its key, then the notification closes (it is not resident)."""
        actions = record["actions"]
        keys = {actions[i + 1]: actions[i] for i in range(0, len(actions) - 1, 2)}
        key = keys[label]
        log(f"ActionInvoked #{record['id']} {key!r} ({label})")
        self.emit("ActionInvoked", GLib.Variant("(us)", (record["id"], key)))
        with self.cond:
            self.shown.pop(record["id"], None)
        self.emit("NotificationClosed", GLib.Variant("(uu)", (record["id"], CLOSED_DISMISSED)))

    def mark(self):
        with self.cond:
            return len(self.log)

    def since(self, mark, method=None):
        with self.cond:
            return [r for r in self.log[mark:] if method is None or r["method"] == method]

    def wait(self, mark, method, timeout=trharness.WAIT):
        with self.cond:
            if not self.cond.wait_for(lambda: any(r["method"] == method
                                                  for r in self.log[mark:]), timeout):
                raise AssertionError(f"no {method} within {timeout:.0f} s; seen: {self.log[mark:]}")
            return [r for r in self.log[mark:] if r["method"] == method][0]

    def stop(self):
        if self.conn is not None:
            self.loop.quit()
            self.thread.join(5)
            self.conn.close_sync(None)


# Another application's window, to take the keyboard focus from the app as a user would

class OtherWindow:
    """A plain X window (python3-xlib) at the bottom right, clear of the app's window (Xvfb has
    no window manager: the app's window sits at the top left)."""

    def __init__(self):
        self.display = xdisplay.Display()
        screen = self.display.screen()
        self.window = screen.root.create_window(
            screen.width_in_pixels - 220, screen.height_in_pixels - 160, 200, 140, 0,
            screen.root_depth, X.InputOutput, X.CopyFromParent,
            background_pixel=screen.white_pixel,
            event_mask=X.StructureNotifyMask | X.FocusChangeMask | X.KeyPressMask)
        self.window.set_wm_name("Another Application")
        self.window.map()
        self.display.sync()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            while self.display.pending_events():
                if self.display.next_event().type == X.MapNotify:
                    return
            time.sleep(0.02)
        raise AssertionError("the other window was not mapped")

    def focus(self):
        self.window.set_input_focus(X.RevertToPointerRoot, X.CurrentTime)
        self.display.sync()
        focused = self.display.get_input_focus().focus
        assert focused == self.window, f"X focus is on {focused}, not the other window"

    def release(self):
        """Focus back to "whatever is under the pointer", the server's default here."""
        self.display.set_input_focus(X.PointerRoot, X.RevertToPointerRoot, X.CurrentTime)
        self.display.sync()

    def has_focus(self):
        return self.display.get_input_focus().focus == self.window

    def close(self):
        self.window.destroy()
        self.display.close()


def main_window(app):
    for w in app.windows():
        try:
            if w.getRole() == R.ROLE_FRAME and w.name == "Transfer":
                return w
        except Exception:
            continue
    return None


def window_active(app):
    w = main_window(app)
    return w is not None and has_state(w, R.STATE_ACTIVE)


def send_app_to_back():
    """The other window takes the keyboard focus; the app's window says it is not active."""
    app = ctx["app"]
    ctx["other"].focus()
    wait_until(lambda: not window_active(app), what="the app's window to lose the 'active' state")


def bring_app_to_front():
    """Focus follows the pointer again, and the pointer is over the app's window."""
    app = ctx["app"]
    ctx["other"].release()
    point_at(200, 200)
    wait_until(lambda: window_active(app), what="the app's window to be active")


def incoming_notification(note, caller="Bob"):
    """Checks a Notify record for an incoming call: names @caller, Decline and Accept."""
    assert caller in note["summary"] or caller in note["body"], note
    assert note["summary"] == f"{caller} is calling", note["summary"]
    labels = [note["actions"][i + 1] for i in range(0, len(note["actions"]) - 1, 2)]
    buttons = [label for label in labels if label]  # "default" (the body) has no label
    assert buttons == ["Decline", "Accept"], f"buttons {buttons} (actions {note['actions']})"
    keys = dict(zip(labels, note["actions"][0::2]))
    # Detailed action names, as GLib prints them: "app.accept-call::ID" or "…('ID')".
    accept = Gio.Action.parse_detailed_name(keys["Accept"])
    decline = Gio.Action.parse_detailed_name(keys["Decline"])
    assert accept[1] == "app.accept-call" and decline[1] == "app.decline-call", keys
    assert accept[2] is not None and accept[2].get_type_string() == "s", keys
    assert accept[2].unpack() == decline[2].unpack() != "", "Accept and Decline name other calls"
    assert note["hints"].get("urgency") == 2, f"urgency {note['hints'].get('urgency')}"
    assert note["hints"].get("desktop-entry") == "com.example.Transfer", note["hints"]


def ring(what):
    """bob calls alice; the in-window alert shows. Returns the notification mark."""
    app, bob, server = ctx["app"], ctx["bob"], ctx["notifications"]
    mark = server.mark()
    bob.send("call alice")
    app.find(R.ROLE_ALERT, "Bob is calling")
    log(what)
    return mark


def hang_up_ringing(mark_bob):
    app, bob = ctx["app"], ctx["bob"]
    bob.send("hangup")
    bob.wait_event(call_event("disconnected", "user:alice"), since=mark_bob,
                   what="bob's unanswered call ended")
    app.gone(R.ROLE_ALERT, "Bob is calling")


def setup():
    ctx["notifications"] = NotificationServer()
    steps.on_teardown(ctx["notifications"].stop)
    ctx["other"] = OtherWindow()
    steps.on_teardown(ctx["other"].close)
    server = Server()
    server.add_user("alice", "Alice")
    server.add_user("bob", "Bob")
    # The voicemail line records only with media on (this runs in a loopback-only namespace);
    # the app and bob's interactive agent stay signaling-only.
    os.environ.update(TRANSFER_MEDIA="1", TRANSFER_ICE_LOOPBACK="1")
    try:
        url = server.start()
    finally:
        os.environ["TRANSFER_MEDIA"] = "0"
    ctx["server"] = server
    bob = Agent("bob", url, server.token("bob"))
    bob.wait_event(lambda e: e.get("event") == "connection" and e.get("state") == "connected",
                   what="bob connected")
    ctx["bob"] = bob
    steps.on_teardown(bob.close)


@step("signed in; the notification server is on the bus; the window loses 'active' to another")
def signed_in():
    server = ctx["server"]
    app = App(env={"TRANSFER_SERVER_URL": server.url, "TRANSFER_TOKEN": server.token("alice")})
    ctx["app"] = app
    app.find(R.ROLE_PUSH_BUTTON, "Call Bob", timeout=20)
    bring_app_to_front()
    send_app_to_back()
    assert ctx["other"].has_focus()


@step("a call while another window has the focus: Notify names Bob, Decline and Accept")
def notified():
    server = ctx["notifications"]
    mark = ring("ringing, window not active")
    note = server.wait(mark, "Notify")
    incoming_notification(note)
    assert note["replaces_id"] == 0, note
    ctx["note"] = note
    assert len(server.since(mark, "Notify")) == 1, server.since(mark)


@step("ActionInvoked Accept: bob is connected, the call view shows it, the window is in front")
def accept_from_notification():
    app, bob, server = ctx["app"], ctx["bob"], ctx["notifications"]
    mark_bob = bob.mark()
    server.invoke(ctx["note"], "Accept")
    bob.wait_event(call_event("connected", "user:alice"), since=mark_bob, what="bob connected")
    app.gone(R.ROLE_ALERT, "Bob is calling")
    app.find(R.ROLE_LABEL, re.compile(r"^Connected · \d+:\d\d$"))
    app.find(R.ROLE_PUSH_BUTTON, "Hang Up")
    # accept-call presents the window: it takes the focus from the other window.
    wait_until(lambda: window_active(app), what="the window to come to the front")
    assert not ctx["other"].has_focus()
    mark_bob = bob.mark()
    bob.send("hangup")
    bob.wait_event(call_event("disconnected", "user:alice"), since=mark_bob, what="bob hung up")
    app.gone(R.ROLE_PUSH_BUTTON, "Hang Up")


@step("a call while the window is in front: the alert only, no notification")
def in_front():
    bob, server = ctx["bob"], ctx["notifications"]
    bring_app_to_front()
    mark_bob = bob.mark()
    mark = ring("ringing, window active")
    time.sleep(QUIET)
    assert window_active(ctx["app"])
    assert not server.since(mark, "Notify"), server.since(mark)
    hang_up_ringing(mark_bob)
    time.sleep(0.3)
    # Nothing was shown, so nothing is closed (GLib knows no "incoming-call" notification).
    assert not server.since(mark, "CloseNotification"), server.since(mark)


@step("ActionInvoked Decline: bob's call ends declined (603)")
def decline_from_notification():
    app, bob, server = ctx["app"], ctx["bob"], ctx["notifications"]
    send_app_to_back()
    mark_bob = bob.mark()
    mark = ring("ringing, window not active")
    note = server.wait(mark, "Notify")
    incoming_notification(note)
    assert note["id"] != ctx["note"]["id"], "the accepted call's notification was reused"
    server.invoke(note, "Decline")
    event = bob.wait_event(call_event("disconnected", "user:alice"), since=mark_bob,
                           what="bob's call declined")
    log("bob:", event)
    assert event.get("end_reason") == "declined", event
    assert str(event.get("end", "")).startswith("603"), event
    app.gone(R.ROLE_ALERT, "Bob is calling")
    assert not window_active(app), "Decline brought the window to the front"
    assert ctx["other"].has_focus()


@step("the caller gives up: the notification is withdrawn (CloseNotification with its id)")
def withdrawn():
    server, bob = ctx["notifications"], ctx["bob"]
    send_app_to_back()
    mark_bob = bob.mark()
    mark = ring("ringing, window not active")
    note = server.wait(mark, "Notify")
    incoming_notification(note)
    hang_up_ringing(mark_bob)
    close = server.wait(mark, "CloseNotification")
    assert len(server.since(mark, "Notify")) == 1, server.since(mark)
    assert close["id"] == note["id"], \
        f"CloseNotification for #{close['id']}, but the call's notification is #{note['id']}"
    assert not server.shown, f"still shown: {server.shown}"


@step("the window comes to the front while it rings: the notification is withdrawn, once")
def withdrawn_in_front():
    app, server, bob = ctx["app"], ctx["notifications"], ctx["bob"]
    send_app_to_back()
    mark_bob = bob.mark()
    mark = ring("ringing, window not active")
    note = server.wait(mark, "Notify")
    incoming_notification(note)
    bring_app_to_front()
    close = server.wait(mark, "CloseNotification")
    assert close["id"] == note["id"], (close, note)
    app.find(R.ROLE_ALERT, "Bob is calling")   # still ringing, in the window
    hang_up_ringing(mark_bob)
    time.sleep(0.3)
    assert len(server.since(mark, "Notify")) == 1, server.since(mark)
    assert len(server.since(mark, "CloseNotification")) == 1, server.since(mark)


def notify_calls_switch(app, prefs):
    for role in (R.ROLE_TOGGLE_BUTTON, getattr(R, "ROLE_SWITCH", None), R.ROLE_CHECK_BOX):
        if role is None:
            continue
        found = app.find_all(role, "Incoming Calls", root=prefs)
        if found:
            return found[0]
    return None


def set_notify_calls(on):
    app = ctx["app"]
    app.click(R.ROLE_PUSH_BUTTON, "Main Menu")
    app.click(R.ROLE_MENU_ITEM, "Preferences")
    prefs = app.find(None, "Preferences")
    switch = wait_until(lambda: notify_calls_switch(app, prefs),
                        what="the Incoming Calls switch in Preferences")

    def checked():
        return has_state(switch, R.STATE_CHECKED) or has_state(switch, R.STATE_PRESSED)
    if checked() != on:
        log("toggle 'Incoming Calls' to", "on" if on else "off")
        switch.queryAction().doAction(0)
        wait_until(lambda: checked() == on, what=f"Incoming Calls {'on' if on else 'off'}")
    app.click(R.ROLE_PUSH_BUTTON, "Close", root=prefs)
    app.window_gone("Preferences")


@step("Preferences: Incoming Calls off, no notification; back on, notified again")
def switched_off():
    server, bob = ctx["notifications"], ctx["bob"]
    bring_app_to_front()
    set_notify_calls(False)
    send_app_to_back()
    mark_bob = bob.mark()
    mark = ring("ringing, window not active, notifications off")
    time.sleep(QUIET)
    assert not window_active(ctx["app"])
    assert not server.since(mark, "Notify"), server.since(mark)
    hang_up_ringing(mark_bob)

    bring_app_to_front()
    set_notify_calls(True)
    send_app_to_back()
    mark_bob = bob.mark()
    mark = ring("ringing, window not active, notifications on again")
    incoming_notification(server.wait(mark, "Notify"))
    hang_up_ringing(mark_bob)
    server.wait(mark, "CloseNotification")


@step("a new voicemail while the window is not in front: 'New voicemail from Bob'")
def voicemail():
    server = ctx["notifications"]
    send_app_to_back()
    # bob leaves a 2 s message with a tone as microphone (media on for this agent only).
    env = dict(os.environ, TRANSFER_MEDIA="1", TRANSFER_ICE_LOOPBACK="1",
               TRANSFER_TOKEN=ctx["server"].token("bob"))
    mark = server.mark()
    caller = subprocess.Popen([trharness.CLI_BIN, "--server", ctx["server"].url, "--json",
                               "--mic", "tone:440", "--speaker", "none", "interactive"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, env=env,
                              preexec_fn=trharness._die_with_parent)
    try:
        ctx["voicemail_caller"] = caller
        caller.stdin.write("call alice --voicemail\n")
        caller.stdin.flush()
        wait_for_call(caller, "connected", 20)
        time.sleep(1.9 + 2.0)  # the greeting (1.86 s), then 2 s of tone
        caller.stdin.write("hangup\n")
        caller.stdin.flush()
        wait_for_call(caller, "disconnected", 10)
        note = server.wait(mark, "Notify", timeout=15)
    finally:
        try:
            caller.stdin.write("quit\n")
            caller.stdin.flush()
            caller.wait(5)
        except Exception:
            caller.kill()
            caller.wait()
    assert note["summary"] == "New voicemail from Bob", note
    assert re.match(r"^0:0\d$", note["body"]), note["body"]
    buttons = [note["actions"][i + 1] for i in range(0, len(note["actions"]) - 1, 2)
               if note["actions"][i + 1]]
    assert not buttons, buttons
    assert note["hints"].get("desktop-entry") == "com.example.Transfer", note["hints"]


def wait_for_call(proc, state, timeout):
    """Reads @proc's JSON lines until a call event with @state."""
    result = {}

    def read():
        for line in proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") == "call" and event.get("state") == state:
                result["event"] = event
                return
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if "event" not in result:
        raise AssertionError(f"voicemail caller: no call {state} within {timeout} s")
    log("voicemail caller:", result["event"])


def main():
    return steps.run(setup)


if __name__ == "__main__":
    sys.exit(main())

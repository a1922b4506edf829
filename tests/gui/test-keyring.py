#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tokens for other servers in the keyring (issue 5), through AT-SPI: first the normal test
session (no Secret Service: the sign-in page says the token will not be remembered), then a real
Secret Service in the same session (gnome-keyring-daemon with a fresh login keyring in private
dirs, started before the app). Signing in with "Remember" keeps the token (schema
com.example.Transfer.Token: server + account); the next start signs in with it by itself;
Sign Out removes it; an expired token in the keyring leads to the sign-in page with the reason.
GSettings uses the keyfile backend, so the saved server and account survive a restart.
Run by run-in-session.sh (see meson.build)."""

import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gi  # noqa: E402

gi.require_version("Secret", "1")
from gi.repository import Gio, GLib, Secret  # noqa: E402

import pyatspi  # noqa: E402
from trharness import (Server, Steps, _die_with_parent, check_names, has_state, log,  # noqa: E402
                       wait_until)

R = pyatspi
SCHEMA = "com.example.Transfer"
TOKEN_SCHEMA = Secret.Schema.new("com.example.Transfer.Token", Secret.SchemaFlags.NONE,
                                 {"server": Secret.SchemaAttributeType.STRING,
                                  "account": Secret.SchemaAttributeType.STRING})
NO_KEYRING = re.compile("^No keyring is available: the token will not be remembered")
REMEMBER = "Remember the Token in the Keyring"

steps = Steps()
step = steps.step
ctx = steps.ctx


def gsettings(*args):
    env = dict(os.environ, GSETTINGS_BACKEND="keyfile")
    return subprocess.run(["gsettings", *args], check=True, env=env,
                          stdout=subprocess.PIPE, text=True).stdout.strip()


def start_app(env=None):
    # The keyfile backend in the session's XDG_CONFIG_HOME: what the app saves survives it.
    return steps.new_app(env={**(env or {}), "GSETTINGS_BACKEND": "keyfile"})


def bus_has_owner(name):
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    reply = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "NameHasOwner", GLib.Variant("(s)", (name,)), GLib.VariantType("(b)"),
                          Gio.DBusCallFlags.NONE, 1000, None)
    return reply.unpack()[0]


def start_keyring():
    """gnome-keyring-daemon (secrets only) in private data/home dirs, its control socket in the
    session's XDG_RUNTIME_DIR; the password on its stdin creates and unlocks a fresh "login"
    keyring, which is the default collection. Returns once it owns org.freedesktop.secrets."""
    assert not bus_has_owner("org.freedesktop.secrets"), "a Secret Service runs already"
    home = tempfile.mkdtemp(prefix="keyring-", dir=os.environ["XDG_RUNTIME_DIR"])
    control = os.path.join(os.environ["XDG_RUNTIME_DIR"], "keyring")
    env = dict(os.environ, HOME=home, XDG_DATA_HOME=os.path.join(home, "data"))
    env.pop("G_DEBUG", None)
    proc = subprocess.Popen(["gnome-keyring-daemon", "--foreground", "--unlock",
                             "--components=secrets", f"--control-directory={control}"],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=sys.stderr,
                            env=env, preexec_fn=_die_with_parent)
    proc.stdin.write(b"test-password")
    proc.stdin.close()
    ctx["keyring"] = proc
    deadline = time.monotonic() + 10
    while not bus_has_owner("org.freedesktop.secrets"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"gnome-keyring-daemon not on the session bus ({proc.poll()})")
        time.sleep(0.05)
    log("gnome-keyring-daemon pid", proc.pid)
    # Where the app stores: the "default" collection, the unlocked login keyring.
    service = Secret.Service.get_sync(Secret.ServiceFlags.OPEN_SESSION, None)
    login = Secret.Collection.for_alias_sync(service, "default", Secret.CollectionFlags.NONE,
                                             None)
    assert login is not None and not login.get_locked(), "no unlocked default keyring"
    log("default keyring:", login.get_label(), login.get_object_path())


def stop_keyring():
    proc = ctx.pop("keyring", None)
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def kept_tokens(url):
    """(account, token, schema) of every item of the keyring whose "server" is @url."""
    service = Secret.Service.get_sync(Secret.ServiceFlags.OPEN_SESSION, None)
    items = service.search_sync(None, {"server": url},
                                Secret.SearchFlags.ALL | Secret.SearchFlags.UNLOCK
                                | Secret.SearchFlags.LOAD_SECRETS, None)
    found = []
    for item in items:
        item.load_secret_sync(None)
        attributes = item.get_attributes()
        found.append((attributes.get("account"), item.get_secret().get_text(),
                      item.get_schema_name()))
    return sorted(found)


def keep_token(url, account, token):
    """Puts a token into the keyring the way the app does (its schema, the default keyring)."""
    assert Secret.password_store_sync(TOKEN_SCHEMA, {"server": url, "account": account},
                                      Secret.COLLECTION_DEFAULT, "Transfer token (test)", token,
                                      None)


def remember_switch(app):
    """The switch in the "Remember the Token in the Keyring" row."""
    roles = (R.ROLE_CHECK_BOX, R.ROLE_TOGGLE_BUTTON, getattr(R, "ROLE_SWITCH", -1))
    return wait_until(lambda: [n for n in app.find_all(None, REMEMBER) if n.getRole() in roles][0],
                      what=f"the switch {REMEMBER!r}")


def switch_is_on(node):
    return has_state(node, R.STATE_CHECKED) or has_state(node, R.STATE_PRESSED)


def on_sign_in_page(app):
    return bool(app.find_all(R.ROLE_PUSH_BUTTON, "Sign In"))


def sign_in_error(app):
    alerts = [a for a in app.find_all(R.ROLE_ALERT) if (a.name or "").strip()]
    return alerts[0].name if alerts else None


def wait_main_window(app, what, from_sign_in_page=False, earlier_error=None):
    """Until the main window (contacts) shows, failing as soon as the sign-in page does (or,
    @from_sign_in_page, says why signing in failed: another error than @earlier_error, which
    stays on the page until it goes)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if app.find_all(R.ROLE_PUSH_BUTTON, "Call Bob"):
            return
        if (sign_in_error(app) not in (None, earlier_error)
                or (not from_sign_in_page and on_sign_in_page(app))):
            raise AssertionError(f"{what}: the sign-in page showed (error: {sign_in_error(app)!r})")
        time.sleep(0.05)
    raise AssertionError(f"{what}: timed out waiting for the main window")


def setup():
    server = Server()
    server.add_user("alice", "Alice")
    server.add_user("bob", "Bob")
    server.start()
    ctx["server"] = server


@step("no Secret Service: the sign-in page says the token will not be remembered")
def no_keyring():
    server = ctx["server"]
    app = start_app(server.app_env())
    app.find(R.ROLE_PUSH_BUTTON, "Sign In")
    app.find(R.ROLE_LABEL, NO_KEYRING)
    switch = remember_switch(app)
    assert not has_state(switch, R.STATE_SENSITIVE), "remember switch enabled without a keyring"
    assert not switch_is_on(switch), "remember switch on without a keyring"
    check_names(app, "sign-in page without a keyring")
    app.quit()
    del ctx["app"]


@step("with gnome-keyring running: Remember is offered, signing in keeps the token")
def remember():
    server = ctx["server"]
    start_keyring()
    assert kept_tokens(server.url) == [], "the new keyring is not empty"
    app = start_app(server.app_env())
    app.find(R.ROLE_PUSH_BUTTON, "Sign In")
    switch = remember_switch(app)
    assert has_state(switch, R.STATE_SENSITIVE), "remember switch disabled with a keyring"
    assert switch_is_on(switch), "remember switch off by default"
    assert not app.find_all(R.ROLE_LABEL, NO_KEYRING), "'no keyring' note shown with a keyring"
    check_names(app, "sign-in page with a keyring")
    token = server.token("alice")
    ctx["token"] = token
    app.set_text(None, "Access Token", token)
    app.click(R.ROLE_PUSH_BUTTON, "Sign In")
    wait_main_window(app, "sign-in with Remember", from_sign_in_page=True)
    wait_until(lambda: kept_tokens(server.url), what="the token in the keyring")
    time.sleep(0.5)  # a second, duplicate item would show up now
    kept = kept_tokens(server.url)
    assert kept == [("alice", token, "com.example.Transfer.Token")], kept
    assert gsettings("get", SCHEMA, "server-url") == f"'{server.url}'"
    assert gsettings("get", SCHEMA, "account") == "'alice'"
    assert gsettings("get", SCHEMA, "use-local-server") == "false"


@step("restart with no token given: signs in by itself with the kept token")
def restart_signs_in():
    server = ctx["server"]
    # No TRANSFER_SERVER_URL, no TRANSFER_TOKEN: only GSettings and the keyring.
    app = start_app()
    wait_main_window(app, "start with a kept token")
    assert not on_sign_in_page(app)
    check_names(app, "contacts after signing in from the keyring")
    assert kept_tokens(server.url) == [("alice", ctx["token"], "com.example.Transfer.Token")]


@step("Sign Out: back on the sign-in page, the token leaves the keyring")
def sign_out():
    server = ctx["server"]
    app = ctx["app"]
    app.click(R.ROLE_PUSH_BUTTON, "Main Menu")
    app.click(R.ROLE_MENU_ITEM, "Sign Out")
    app.find(R.ROLE_PUSH_BUTTON, "Sign In")
    url = app.find(R.ROLE_TEXT, "Server Address")
    wait_until(lambda: app.text_of(url) == server.url,
               what="the server address kept on the sign-in page")
    assert switch_is_on(remember_switch(app))
    wait_until(lambda: kept_tokens(server.url) == [], what="the token to leave the keyring")
    # The next start has no token to use: the sign-in page, without an error.
    app = start_app()
    app.find(R.ROLE_PUSH_BUTTON, "Sign In")
    assert sign_in_error(app) is None, sign_in_error(app)
    assert not app.find_all(R.ROLE_PUSH_BUTTON, "Call Bob")


@step("an expired token in the keyring: the sign-in page says so, once; a new one replaces it")
def expired_token():
    server = ctx["server"]
    expired = server.token("alice", ttl=1)
    time.sleep(2.2)
    keep_token(server.url, "alice", expired)
    app = start_app()
    app.find(R.ROLE_PUSH_BUTTON, "Sign In")
    error = wait_until(lambda: sign_in_error(app), what="the reason on the sign-in page")
    assert error == "Sign-in failed: Your sign-in has expired.", error
    # It stays there (no retry loop with the kept token).
    time.sleep(2)
    assert on_sign_in_page(app) and sign_in_error(app) == error
    assert not app.find_all(None, "Signing in"), "still signing in"
    # The kept (failed) token is not put back into the field.
    field = wait_until(lambda: app._editable(None, "Access Token", None),
                       what="the Access Token field")
    assert app.text_of(field) == "", "the kept token was shown again"
    check_names(app, "sign-in page with an expired kept token")
    token = server.token("alice")
    app.set_text(None, "Access Token", token)
    app.click(R.ROLE_PUSH_BUTTON, "Sign In")
    wait_main_window(app, "sign-in with a new token", from_sign_in_page=True,
                     earlier_error=error)
    wait_until(lambda: kept_tokens(server.url) == [("alice", token, "com.example.Transfer.Token")],
               what="the new token in place of the expired one")


@step("Remember off: signing in removes the token kept from before")
def remember_off():
    server = ctx["server"]
    expired = server.token("alice", ttl=1)
    time.sleep(2.2)
    keep_token(server.url, "alice", expired)
    app = start_app()
    app.find(R.ROLE_PUSH_BUTTON, "Sign In")
    wait_until(lambda: sign_in_error(app), what="the reason on the sign-in page")
    switch = remember_switch(app)
    switch.queryAction().doAction(0)
    wait_until(lambda: not switch_is_on(remember_switch(app)), what="Remember off")
    app.set_text(None, "Access Token", server.token("alice"))
    app.click(R.ROLE_PUSH_BUTTON, "Sign In")
    wait_main_window(app, "sign-in without Remember", from_sign_in_page=True,
                     earlier_error=sign_in_error(app))
    wait_until(lambda: kept_tokens(server.url) == [], what="the old token to leave the keyring")


def main():
    steps.on_teardown(stop_keyring)
    return steps.run(setup)


if __name__ == "__main__":
    sys.exit(main())

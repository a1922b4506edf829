#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command the way the GUI tests need it (docs: /work/shared FACTS, "Headless GUI"):
# - a loopback-only network namespace (`unshare -n` as root, `unshare -rn` otherwise), `lo` up,
# - a private HOME, XDG_RUNTIME_DIR and XDG dirs (0700, removed afterwards),
# - its own X server (xvfb-run, -noreset), a session D-Bus whose only activatable service is
#   org.a11y.Bus (no keyring, no portals, no notification daemon), GTK on X11 with AT-SPI.
# With TR_SESSION_SERVICE_DIR=DIR, the bus activates the services of DIR instead, with G_DEBUG
# in their environment, and there is no AT-SPI (tests/packaging/run-dbus-activation.sh).
# Usage: [TR_SESSION_SERVICE_DIR=DIR] run-in-session.sh COMMAND [ARGUMENTS…]
set -eu

if [ -z "${TR_IN_NETNS:-}" ]; then
  TR_IN_NETNS=1
  export TR_IN_NETNS
  if [ "$(id -u)" -eq 0 ]; then
    exec unshare -n -- "$0" "$@"
  else
    exec unshare -rn -- "$0" "$@"
  fi
fi

ip link set lo up

# G_DEBUG (fatal-warnings from the test environment) is for the app under test, not for the
# Python/AT-SPI process driving it: trharness.py hands it to the app; activated services get
# it from the bus.
export TR_APP_G_DEBUG="${G_DEBUG:-}"
services="${TR_SESSION_SERVICE_DIR:-}"
if [ -z "$services" ]; then
  unset G_DEBUG
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/transfer-gui-XXXXXX")
chmod 700 "$T"
cleanup() { rm -rf "$T"; }
trap cleanup EXIT INT TERM

mkdir -p "$T/home" "$T/run" "$T/data" "$T/config" "$T/cache" "$T/services"
chmod 700 "$T/run"
export HOME="$T/home" XDG_RUNTIME_DIR="$T/run" XDG_DATA_HOME="$T/data" \
       XDG_CONFIG_HOME="$T/config" XDG_CACHE_HOME="$T/cache"
export GDK_BACKEND=x11 GSK_RENDERER=cairo LANG=C.UTF-8 LC_ALL=C.UTF-8
export GSETTINGS_BACKEND="${GSETTINGS_BACKEND:-memory}"
export GTK_USE_PORTAL=0 GDK_DEBUG="${GDK_DEBUG:-}"
unset DBUS_SESSION_BUS_ADDRESS AT_SPI_BUS_ADDRESS WAYLAND_DISPLAY DISPLAY \
      SESSION_MANAGER GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true

if [ -n "$services" ]; then
  export GTK_A11Y=none NO_AT_BRIDGE=1
else
  export GTK_A11Y=atspi NO_AT_BRIDGE=0
  services="$T/services"
  a11y_service=/usr/share/dbus-1/services/org.a11y.Bus.service
  if [ -f "$a11y_service" ]; then
    cp "$a11y_service" "$services/"
  fi
fi

cat > "$T/session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:dir=$T/run</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF

# Only the command's own output goes to stdout (TAP); what the session's daemons print
# (at-spi2-registryd announces itself on stdout) goes to stderr.
status=0
xvfb-run -a -s '-screen 0 1280x800x24 -noreset' \
  dbus-run-session --config-file="$T/session.conf" -- \
  env -u G_DEBUG sh -c '"$@" 1>&3 3>&-' sh "$@" 3>&1 1>&2 || status=$?
exit $status

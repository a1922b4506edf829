#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# D-Bus activation of the app (DBusActivatable=true): a session bus whose only activatable
# service is the app, from the built com.example.Transfer.service with Exec= moved to the built
# program; its own X server; a loopback-only network namespace (the app starts its local server).
# Usage: run-dbus-activation.sh PYTHON TEST.py SERVICE_FILE APP_BINARY INSTALLED_BINDIR
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

python=$1 test=$2 service=$3 app=$4 bindir=$5

T=$(mktemp -d "${TMPDIR:-/tmp}/transfer-activation-XXXXXX")
chmod 700 "$T"
trap 'rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/home" "$T/run" "$T/data" "$T/config" "$T/cache" "$T/services"
chmod 700 "$T/run"
export HOME="$T/home" XDG_RUNTIME_DIR="$T/run" XDG_DATA_HOME="$T/data" \
       XDG_CONFIG_HOME="$T/config" XDG_CACHE_HOME="$T/cache"
export GTK_A11Y=none NO_AT_BRIDGE=1 GDK_BACKEND=x11 GSK_RENDERER=cairo LANG=C.UTF-8 LC_ALL=C.UTF-8
export GSETTINGS_BACKEND=memory GTK_USE_PORTAL=0
unset DBUS_SESSION_BUS_ADDRESS AT_SPI_BUS_ADDRESS WAYLAND_DISPLAY DISPLAY SESSION_MANAGER 2>/dev/null || true

# The installed file must start the installed program; the test bus starts the built one.
expected="Exec=$bindir/transfer --gapplication-service"
if ! grep -qxF "$expected" "$service"; then
  echo "$service: no line '$expected'"
  exit 1
fi
sed "s|^Exec=$bindir/transfer |Exec=$app |" "$service" > "$T/services/$(basename "$service")"

cat > "$T/session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:dir=$T/run</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$T/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF

# The test process itself runs without fatal warnings; the app gets them from the bus's environment.
xvfb-run -a -s '-screen 0 1280x800x24 -noreset' \
  dbus-run-session --config-file="$T/session.conf" -- \
  env -u G_DEBUG "$python" "$test" "$app"

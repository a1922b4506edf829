#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# D-Bus activation of the app (DBusActivatable=true): a session bus whose only activatable
# service is the app, from the built com.example.Transfer.service with Exec= moved to the built
# program; its own X server; a loopback-only network namespace (the app starts its local server).
# The session is tests/gui/run-in-session.sh's, with TR_SESSION_SERVICE_DIR.
# Usage: run-dbus-activation.sh PYTHON TEST.py SERVICE_FILE APP_BINARY INSTALLED_BINDIR
set -eu

python=$1 test=$2 service=$3 app=$4 bindir=$5

# The installed file must start the installed program; the test bus starts the built one.
expected="Exec=$bindir/transfer --gapplication-service"
if ! grep -qxF "$expected" "$service"; then
  echo "$service: no line '$expected'"
  exit 1
fi

S=$(mktemp -d "${TMPDIR:-/tmp}/transfer-activation-XXXXXX")
trap 'rm -rf "$S"' EXIT INT TERM
sed "s|^Exec=$bindir/transfer |Exec=$app |" "$service" > "$S/$(basename "$service")"

# The test process itself runs without fatal warnings; the app gets them from the bus's environment.
status=0
GSETTINGS_BACKEND=memory TR_SESSION_SERVICE_DIR="$S" \
  "$(dirname "$0")/../gui/run-in-session.sh" "$python" "$test" "$app" || status=$?
exit $status

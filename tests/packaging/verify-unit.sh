#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# systemd-analyze verify on the built transfer-server.service (every message counts), and its
# sandboxing must stay at an exposure level of at most 2.0 (systemd-analyze security).
# verify wants ExecStart's program to exist: a copy of the unit runs the built server instead of
# the install path. Usage: verify-unit.sh UNIT SERVER_BINARY. Exit 77 without systemd-analyze.
set -eu
unit=$1
server=$2

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "systemd-analyze not found: skipped"
  exit 77
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/transfer-unit-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
copy="$T/transfer-server.service"
sed "s|^ExecStart=[^ ]*/transfer-server |ExecStart=$server |" "$unit" > "$copy"
grep -q "^ExecStart=$server " "$copy" || { echo "no ExecStart=…/transfer-server in $unit"; exit 1; }

status=0
systemd-analyze verify --man=no --generators=no "$copy" > "$T/verify.log" 2>&1 || status=$?
cat "$T/verify.log"
if [ $status -ne 0 ] || [ -s "$T/verify.log" ]; then
  echo "systemd-analyze verify: exit status $status, messages above"
  exit 1
fi
echo "systemd-analyze verify: no messages"

systemd-analyze security --offline=yes --no-pager --threshold=20 "$copy" > "$T/security.log" 2>&1 \
  || { cat "$T/security.log"; echo "exposure level above 2.0"; exit 1; }
grep 'Overall exposure level' "$T/security.log"

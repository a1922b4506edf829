#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# msgfmt --check on the translation of every language in po/LINGUAS, and no po/*.po that
# LINGUAS leaves out (it would never be installed). Exit 77 while there are no translations.
# Usage: check-po.sh PO_DIR
set -eu
po=$1
langs=$(sed 's/#.*//' "$po/LINGUAS" | tr -s ' \t' '\n\n' | sed '/^$/d')
status=0
checked=0
for lang in $langs; do
  if [ ! -f "$po/$lang.po" ]; then
    echo "po/LINGUAS names $lang, but there is no po/$lang.po"
    status=1
    continue
  fi
  printf '%s: ' "$lang"
  if ! msgfmt --check --check-format --check-header --check-domain --statistics \
       -o /dev/null "$po/$lang.po" 2>&1; then
    echo "msgfmt --check failed on po/$lang.po"
    status=1
  fi
  checked=$((checked + 1))
done
for file in "$po"/*.po; do
  [ -e "$file" ] || continue
  lang=$(basename "$file" .po)
  if ! printf '%s\n' $langs | grep -qx "$lang"; then
    echo "po/$lang.po is not in po/LINGUAS: it would not be installed"
    status=1
  fi
done
if [ $status -eq 0 ] && [ $checked -eq 0 ]; then
  echo "no languages in po/LINGUAS yet: nothing to check"
  exit 77
fi
exit $status

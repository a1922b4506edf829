#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every language in po/LINGUAS translates every message the sources have now: the template is
# extracted afresh (as meson's glib preset does) into a temporary dir, each .po merged with it
# there, and any untranslated or fuzzy message fails the test, listed. Nothing in the source
# tree is written.  Usage: check-po-complete.sh SOURCE_ROOT
set -eu
root=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$root"
sed 's/#.*//; /^[[:space:]]*$/d' po/POTFILES.in > "$T/files"
xgettext --package-name=transfer --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  -f "$T/files" -o "$T/transfer.pot"
status=0
for lang in $(sed 's/#.*//' po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching -o "$T/$lang.po" "po/$lang.po" "$T/transfer.pot"
  missing=$( { msgattrib --untranslated --no-obsolete "$T/$lang.po"; \
               msgattrib --only-fuzzy --no-obsolete "$T/$lang.po"; } | grep -c '^msgid "..*"' || true)
  if [ "$missing" -gt 0 ]; then
    echo "po/$lang.po lacks $missing message(s) (meson compile transfer-update-po, then translate):"
    { msgattrib --untranslated --no-obsolete "$T/$lang.po"; \
      msgattrib --only-fuzzy --no-obsolete "$T/$lang.po"; } | grep '^msgid "..*"' | head -20
    status=1
  else
    echo "po/$lang.po: complete ($(grep -c '^msgid "..*"' "$T/transfer.pot") messages)"
  fi
done
exit $status

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""po/POTFILES.in must name every file under src/ and data/ with strings to translate, and only
files that exist. Usage: check-potfiles.py SOURCE_ROOT

A file needs extraction when it has, outside C comments, a gettext call (_(), N_(), C_(), NC_(),
Q_(), ngettext(), g_dngettext(), g_dpgettext2()), a GtkBuilder `translatable="yes"`, a GSettings
`gettext-domain`, an intltool `<_tag>`, or is a desktop or AppStream file merged with
i18n.merge_file (*.desktop.in, *.metainfo.xml.in, *.appdata.xml.in)."""

import os
import re
import sys

GETTEXT_CALL = re.compile(r"(?<![\w.>])(?:_|N_|C_|NC_|Q_|ngettext|g_dngettext|g_dpgettext2?)\s*\(")
MARKUP = re.compile(r'translatable\s*=\s*["\']yes["\']|gettext-domain\s*=|<_[A-Za-z]')
MERGED = (".desktop.in", ".metainfo.xml.in", ".appdata.xml.in")
C_LIKE = (".c", ".h", ".cc", ".cpp", ".vala", ".js")
C_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
C_STRING = re.compile(r'"(?:\\.|[^"\\\n])*"')
SKIP_DIRS = {".git", "__pycache__"}


def needs_extraction(path):
    if path.endswith(MERGED):
        return "merged with i18n.merge_file"
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (UnicodeDecodeError, OSError):
        return None  # binary: images, sounds
    if path.endswith(C_LIKE):
        # Calls in comments and inside other string literals are not calls.
        code = C_STRING.sub('""', C_COMMENT.sub(" ", text))
        m = GETTEXT_CALL.search(code)
        if m:
            return "calls " + m.group(0).rstrip("( \t")
        return None
    m = MARKUP.search(text)
    if m:
        return "has " + m.group(0)
    return None


def potfiles_entries(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            line = re.sub(r"^\[[^]]*\]\s*", "", line)  # [encoding: …] / [type: …] prefixes
            entries.append((number, line))
    return entries


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    potfiles = os.path.join(root, "po", "POTFILES.in")
    listed = {}
    problems = []
    for number, entry in potfiles_entries(potfiles):
        if entry in listed:
            problems.append(f"po/POTFILES.in:{number}: {entry} is listed twice")
        listed[entry] = number
        if not os.path.isfile(os.path.join(root, entry)):
            problems.append(f"po/POTFILES.in:{number}: {entry} does not exist")

    found = 0
    for top in ("src", "data"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                why = needs_extraction(path)
                if why is None:
                    continue
                found += 1
                if rel not in listed:
                    problems.append(f"{rel} ({why}) is missing from po/POTFILES.in")

    for p in problems:
        print(p)
    print(f"{found} files with translatable strings, {len(listed)} entries in po/POTFILES.in, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

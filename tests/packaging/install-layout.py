#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`meson install --destdir` of the build dir this test runs in, then the installed files must be
exactly those of install-layout.expected (locale lines from po/LINGUAS), the programs executable,
and the D-Bus service and systemd unit must start the installed programs.
Usage: install-layout.py MESON BUILD_DIR EXPECTED LINGUAS gui=true|false unitdir=DIR|no"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def linguas(path):
    langs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            langs += line.split("#", 1)[0].split()
    return langs


def expected_files(path, dirs, langs, gui):
    files = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("[gui] "):
                if not gui:
                    continue
                line = line[len("[gui] "):]
            if "{unitdir}" in line and dirs["unitdir"] == "no":
                continue
            for lang in (langs if "{lang}" in line else [None]):
                files.add(os.path.normpath(line.format(lang=lang, **dirs)))
    return files


def main():
    meson, build, expected, linguas_file = sys.argv[1:5]
    opts = dict(a.split("=", 1) for a in sys.argv[5:])
    with open(os.path.join(build, "meson-info", "intro-buildoptions.json"), encoding="utf-8") as f:
        options = {o["name"]: o["value"] for o in json.load(f)}
    prefix = options["prefix"]
    dirs = {name: os.path.join(prefix, options[name]) for name in ("bindir", "datadir", "localedir")}
    dirs["unitdir"] = opts["unitdir"]
    gui = opts["gui"] == "true"
    langs = linguas(linguas_file)
    want = expected_files(expected, dirs, langs, gui)

    destdir = tempfile.mkdtemp(prefix="transfer-install-")
    try:
        run = subprocess.run([meson, "install", "-C", build, "--no-rebuild", "--quiet",
                              "--destdir", destdir],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if run.returncode != 0:
            print(run.stdout)
            print(f"meson install failed: exit status {run.returncode}")
            return 1
        have = set()
        for dirpath, _, filenames in os.walk(destdir):
            for name in filenames:
                have.add("/" + os.path.relpath(os.path.join(dirpath, name), destdir))

        problems = [f"missing: {p}" for p in sorted(want - have)]
        problems += [f"not expected: {p} (add it to tests/packaging/install-layout.expected)"
                     for p in sorted(have - want)]
        for p in sorted(want & have):
            real = destdir + p
            if os.path.dirname(p) == dirs["bindir"] and not os.access(real, os.X_OK):
                problems.append(f"not executable: {p}")
            if os.path.dirname(p) != dirs["bindir"] and os.stat(real).st_mode & 0o111:
                problems.append(f"executable but not a program: {p}")
        # What starts the programs must name the installed ones.
        starters = {
            os.path.join(dirs["datadir"], "dbus-1", "services", "com.example.Transfer.service"):
                (r"^Exec=(\S+)", os.path.join(dirs["bindir"], "transfer")),
            os.path.join(dirs["unitdir"], "transfer-server.service"):
                (r"^ExecStart=(\S+)", os.path.join(dirs["bindir"], "transfer-server")),
        }
        for path, (pattern, program) in starters.items():
            if path not in have:
                continue
            with open(destdir + path, encoding="utf-8") as f:
                m = re.search(pattern, f.read(), re.M)
            if not m or m.group(1) != program or (program not in have):
                problems.append(f"{path} starts {m.group(1) if m else 'nothing'}, "
                                f"not the installed {program}")

        for p in sorted(have):
            print("#", p)
        for p in problems:
            print(p)
        print(f"{len(have)} files installed ({len(langs)} languages in po/LINGUAS), "
              f"{len(problems)} problems")
        return 1 if problems else 0
    finally:
        shutil.rmtree(destdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

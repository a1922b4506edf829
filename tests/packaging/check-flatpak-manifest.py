#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest against the meson project.
Usage: check-flatpak-manifest.py MANIFEST BUILD_DIR DOC [--self-test]

- its id (or app-id) is the meson project's app id (APP_ID in BUILD_DIR/config.h),
- its command is an executable the project installs into bindir (meson-info/intro-installed.json),
- the last module is the project itself: buildsystem meson, a dir source with path ".",
- every module (nested ones and ones in separate files too) is pinned: archive and file sources
  have a url and a sha256, git sources a commit,
- no permission that the app must not have (session/system bus, host files, the secrets or
  notification services: those go through portals), and X11 only as fallback-x11,
- every finish-arg and every other module is explained in DOC (docs/flatpak.md).
With --self-test it also checks that broken copies of the manifest are rejected."""

import copy
import json
import os
import re
import sys

ARCHIVE_TYPES = {"archive", "file", "extra-data"}
FORBIDDEN = [
    (re.compile(r"^--socket=(session-bus|system-bus|x11)$"), "too broad"),
    (re.compile(r"^--filesystem=(host|home|host-os|host-etc)(:.*)?$"), "no host files needed"),
    (re.compile(r"^--talk-name=org\.freedesktop\.secrets$"), "libsecret uses the Secret portal"),
    (re.compile(r"^--talk-name=org\.freedesktop\.Notifications$"), "GNotification uses the portal"),
    (re.compile(r"^--(talk|own)-name=\*$"), "too broad"),
]


def app_id_from_config(build_dir):
    with open(os.path.join(build_dir, "config.h"), encoding="utf-8") as f:
        m = re.search(r'#define\s+APP_ID\s+"([^"]+)"', f.read())
    if not m:
        raise SystemExit("APP_ID not found in config.h")
    return m.group(1)


def installed_executables(build_dir):
    info = os.path.join(build_dir, "meson-info")
    with open(os.path.join(info, "intro-buildoptions.json"), encoding="utf-8") as f:
        options = {o["name"]: o["value"] for o in json.load(f)}
    bindir = os.path.join(options["prefix"], options["bindir"])
    with open(os.path.join(info, "intro-installed.json"), encoding="utf-8") as f:
        installed = json.load(f).values()
    return {os.path.basename(p) for p in installed if os.path.dirname(p) == bindir}


def project_name(build_dir):
    with open(os.path.join(build_dir, "meson-info", "intro-projectinfo.json"), encoding="utf-8") as f:
        return json.load(f)["descriptive_name"]


def load_module(module, base_dir):
    if isinstance(module, str):  # a module in a file of its own
        path = os.path.join(base_dir, module)
        with open(path, encoding="utf-8") as f:
            return json.load(f), os.path.dirname(path)
    return module, base_dir


def walk_modules(modules, base_dir):
    for module in modules:
        module, mod_dir = load_module(module, base_dir)
        yield module, mod_dir
        yield from walk_modules(module.get("modules", []), mod_dir)


def source_problems(name, source):
    if isinstance(source, str):
        return []  # a sources file: checked when listed as a module would be too complex; none here
    kind = source.get("type")
    where = f"module {name}: {kind} source {source.get('url') or source.get('path')}"
    if kind in ARCHIVE_TYPES and "url" in source:
        if not re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")):
            return [f"{where} has no sha256"]
    if kind == "git" and not re.fullmatch(r"[0-9a-f]{40}", source.get("commit", "")):
        return [f"{where} is not pinned to a commit"]
    return []


def check(manifest, base_dir, app_id, executables, project, doc_text):
    problems = []
    mid = manifest.get("id", manifest.get("app-id"))
    if mid != app_id:
        problems.append(f"id {mid!r} is not the project's app id {app_id!r}")
    command = manifest.get("command")
    if command not in executables:
        problems.append(f"command {command!r} is not installed by the project "
                        f"(installed into bindir: {', '.join(sorted(executables))})")
    for arg in manifest.get("finish-args", []):
        for pattern, why in FORBIDDEN:
            if pattern.match(arg):
                problems.append(f"finish-arg {arg}: not allowed ({why})")
        if f"`{arg}`" not in doc_text:
            problems.append(f"finish-arg {arg} is not explained in docs/flatpak.md (as `{arg}`)")

    modules = manifest.get("modules", [])
    if not modules:
        return problems + ["no modules"]
    last, _ = load_module(modules[-1], base_dir)
    if last.get("buildsystem") != "meson":
        problems.append(f"the last module ({last.get('name')}) is not built with meson")
    if last.get("name") != project:
        problems.append(f"the last module is {last.get('name')!r}, not the project {project!r}")
    if not any(isinstance(s, dict) and s.get("type") == "dir" and s.get("path") == "."
               for s in last.get("sources", [])):
        problems.append("the last module does not build the source tree (type dir, path \".\")")

    for module, _ in walk_modules(modules, base_dir):
        name = module.get("name", "?")
        for source in module.get("sources", []):
            problems += source_problems(name, source)
        if module is not last and f"`{name}`" not in doc_text:
            problems.append(f"module {name} is not explained in docs/flatpak.md (as `{name}`)")
    return problems


def self_test(manifest, args):
    """Each broken copy must be rejected, or this checker could not fail."""
    def broken(edit):
        m = copy.deepcopy(manifest)
        edit(m)
        return m

    archive = {"name": "libexample", "buildsystem": "meson",
               "sources": [{"type": "archive", "url": "https://example.com/libexample-1.0.tar.xz"}]}
    git = {"name": "libexample", "sources": [{"type": "git", "url": "https://example.com/x.git",
                                              "tag": "1.0"}]}
    cases = {
        "wrong id": lambda m: m.update({"id": "org.example.Other", "app-id": "org.example.Other"}),
        "command not installed": lambda m: m.update(command="transfer-gtk"),
        "project not last": lambda m: m["modules"].append({"name": "extra", "sources": []}),
        "archive without sha256": lambda m: m["modules"].insert(0, archive),
        "git without commit": lambda m: m["modules"].insert(0, git),
        "nested archive without sha256": lambda m: m["modules"][-1].setdefault("modules", []).append(archive),
        "secrets on the bus": lambda m: m["finish-args"].append("--talk-name=org.freedesktop.secrets"),
        "x11 socket": lambda m: m["finish-args"].append("--socket=x11"),
        "unexplained permission": lambda m: m["finish-args"].append("--device=input"),
    }
    failures = 0
    for what, edit in cases.items():
        if not check(broken(edit), *args):
            print(f"self-test: a manifest with '{what}' was accepted")
            failures += 1
    print(f"self-test: {len(cases) - failures}/{len(cases)} broken manifests rejected")
    return failures


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    path, build_dir, doc = sys.argv[1:4]
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    with open(doc, encoding="utf-8") as f:
        doc_text = f.read()
    args = (os.path.dirname(os.path.abspath(path)), app_id_from_config(build_dir),
            installed_executables(build_dir), project_name(build_dir), doc_text)
    problems = check(manifest, *args)
    for p in problems:
        print(p)
    print(f"{path}: {len(problems)} problems")
    failures = self_test(manifest, args) if "--self-test" in sys.argv[4:] else 0
    return 1 if problems or failures else 0


if __name__ == "__main__":
    sys.exit(main())

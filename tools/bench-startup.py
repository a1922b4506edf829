# SPDX-License-Identifier: GPL-3.0-or-later
"""Startup to first frame and idle memory of the app, side by side with GNOME Calls.

Runs inside tests/gui/run-in-session.sh (its own Xvfb, session bus, loopback-only namespace,
GSK_RENDERER=cairo); tools/bench-startup starts it that way. For each program, ROUNDS launches
(alternating between the programs, after one warm-up launch each that is not counted):
- first frame: from just before the process is started to the first XDamage report on its
  first mapped top-level window (the first time it drew anything into it), seen from another
  X client;
- idle memory: VmRSS and Pss of the process 5 s after the first frame (for Transfer also of the
  embedded transfer-server it started, reported apart).
Prints medians and the ratio Transfer / GNOME Calls."""

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from Xlib import X, display
from Xlib.ext import damage

ROUNDS = int(os.environ.get("ROUNDS", "10"))
IDLE_S = float(os.environ.get("IDLE_S", "5"))
BUILD = os.environ.get("TR_BUILD_DIR", "_build")


def memory_kib(pid):
    """(VmRSS, Pss) of @pid in KiB, or (None, None) if it is gone."""
    rss = pss = None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


class Watcher:
    """An X client that sees top-level windows appear and reports their first damage."""

    def __init__(self):
        self.d = display.Display()
        if not self.d.has_extension("DAMAGE"):
            sys.exit("Bail out! the X server has no DAMAGE extension")
        self.d.damage_query_version()
        self.root = self.d.screen().root
        self.root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self.d.sync()

    def drain(self):
        while self.d.pending_events():
            self.d.next_event()

    def first_frame(self, started, timeout=30.0):
        """Monotonic time of the first damage on a newly mapped top-level window."""
        damages = {}
        mapped = set()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if not self.d.pending_events():
                time.sleep(0.0005)
                continue
            ev = self.d.next_event()
            now = time.monotonic()
            if ev.type == X.CreateNotify and ev.parent.id == self.root.id:
                # Damage objects go with their window when the program ends.
                damages[ev.window.id] = ev.window.damage_create(damage.DamageReportNonEmpty)
                self.d.sync()
            elif ev.type == X.MapNotify and ev.window.id in damages:
                mapped.add(ev.window.id)
            elif type(ev).__name__ == "DamageNotify" and ev.drawable.id in mapped:
                return now
        raise TimeoutError("no frame within %.0f s" % timeout)


def launch(name, env):
    if name == "transfer":
        argv = [os.path.join(BUILD, "src", "gui", "transfer")]
    else:
        argv = ["gnome-calls"]
    log = open(os.path.join(env["HOME"], "log.txt"), "a")
    return subprocess.Popen(argv, env=env, stdout=log, stderr=log,
                            start_new_session=True)


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_once(watcher, name, env):
    watcher.drain()
    started = time.monotonic()
    proc = launch(name, env)
    try:
        frame = watcher.first_frame(started)
        time.sleep(IDLE_S)
        rss, pss = memory_kib(proc.pid)
        server = [c for c in children(proc.pid) if comm(c).startswith("transfer-serv")]
        srss, spss = memory_kib(server[0]) if server else (None, None)
        return (frame - started) * 1000, rss, pss, srss, spss
    finally:
        stop(proc)
        time.sleep(0.3)


def main():
    base = tempfile.mkdtemp(prefix="bench-startup-", dir=os.environ.get("BENCH_DIR"))
    envs = {}
    for name in ("transfer", "gnome-calls"):
        home = os.path.join(base, name)
        for sub in ("config", "data", "cache"):
            os.makedirs(os.path.join(home, sub))
        env = dict(os.environ)
        env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, "config"),
                   XDG_DATA_HOME=os.path.join(home, "data"),
                   XDG_CACHE_HOME=os.path.join(home, "cache"),
                   GSK_RENDERER="cairo", GSETTINGS_BACKEND="memory",
                   TRANSFER_SERVER_BINARY=os.path.join(BUILD, "src", "server",
                                                       "transfer-server"),
                   GSETTINGS_SCHEMA_DIR=os.path.join(BUILD, "data"))
        envs[name] = env

    watcher = Watcher()
    results = {"transfer": [], "gnome-calls": []}
    for name in envs:   # warm-up: caches, the embedded server's first data dir
        run_once(watcher, name, envs[name])
    for i in range(ROUNDS):
        order = ("transfer", "gnome-calls") if i % 2 == 0 else ("gnome-calls", "transfer")
        for name in order:
            r = run_once(watcher, name, envs[name])
            results[name].append(r)
            print(f"# {name:12s} round {i + 1}: first frame {r[0]:7.1f} ms, "
                  f"RSS {r[1] / 1024:6.1f} MiB, PSS {r[2] / 1024:6.1f} MiB"
                  + (f", server RSS {r[3] / 1024:5.1f} MiB" if r[3] else ""), flush=True)

    def med(name, k):
        vals = [r[k] for r in results[name] if r[k] is not None]
        return statistics.median(vals) if vals else float("nan")

    print(f"startup to first frame and idle memory after {IDLE_S:.0f} s, median of {ROUNDS}, "
          "GSK_RENDERER=cairo under Xvfb")
    print(f"{'':14s}{'first frame':>14s}{'RSS':>12s}{'PSS':>12s}")
    for name in results:
        print(f"{name:14s}{med(name, 0):11.1f} ms{med(name, 1) / 1024:8.1f} MiB"
              f"{med(name, 2) / 1024:8.1f} MiB")
    print(f"{'(server)':14s}{'':14s}{med('transfer', 3) / 1024:8.1f} MiB"
          f"{med('transfer', 4) / 1024:8.1f} MiB   transfer-server started by the app")
    print(f"ratio transfer/gnome-calls: first frame {med('transfer', 0) / med('gnome-calls', 0):.2f},"
          f" RSS {med('transfer', 1) / med('gnome-calls', 1):.2f},"
          f" PSS {med('transfer', 2) / med('gnome-calls', 2):.2f}")


if __name__ == "__main__":
    main()

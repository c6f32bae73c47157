#!/usr/bin/python3
"""mpcomp's benchmark: what one station costs, against cage and sway.

Started by tests/bench/run, which installs the packages and builds
build-bench (release) first; see its --help. Writes BENCHMARKS.md and
BENCHMARKS.json (next to it). Every figure is the median of --reps
repetitions with its spread (min-max).

Figures:
  frames    compositor CPU per frame its clients were given (frame
            callbacks done, counted inside each compositor by
            framecount.so) and frames per station per second: mpcomp
            (one process, N stations), N cage instances, one sway with
            N outputs; weston-simple-shm and foot under output, whole
            1280x720 outputs (foot: direct scanout on mpcomp's headless
            backend) and two 640x720 halves of one output (composited).
  desktop   a nested sway per station running foot under output:
            mpcomp's CPU and the whole machine's per station, against
            one sway with N outputs running that foot directly.
  scaling   mpcomp's CPU per station-frame, 1 to 8 stations.
  idle      8 greeters and 8 parked sessions whose clients animate:
            CPU and wakeups (voluntary context switches) per second.
  memory    mpcomp's RSS with no session, per attached session, per
            parked session; the clients' own RSS apart.
  latency   p50/p99: key to client, lock to locked frame, disconnect
            to greeter frame, resume (PAM done) to first frame, end of
            a cooperative session to its last process gone.
"""
import argparse
import datetime
import json
import os
import platform
import pwd
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, os.environ.get("MP_BENCH_BUILD", "build-bench"))
MPCOMP = os.path.join(BUILD, "compositor", "mpcomp")
MPTEST = os.path.join(BUILD, "tools", "mptest")
MPCLIENT = os.path.join(BUILD, "tests", "mp-client")
FRAMECOUNT = os.path.join(BUILD, "tests", "bench", "framecount.so")
HEADLESS_SIZE = os.path.join(BUILD, "tests", "bench", "headless-size.so")
HZ = os.sysconf("SC_CLK_TCK")

WORKLOADS = {
    "shm": "weston-simple-shm",
    "foot": 'foot sh -c "while :; do ls -lR /usr/share; done"',
}

# Targets, as the issue states them.
TARGET_CAGE = 0.8
TARGET_SWAY = 1.0
TARGET_SCALING = 0.10
TARGET_IDLE_CPU = 0.5
TARGET_IDLE_WAKEUPS = 5.0
TARGET_PARKED_MIB = 2.0
TARGET_ATTACHED_MIB = 8.0
TARGET_LATENCY_MS = {"key": 2.0, "lock": 1000.0 / 60, "resume": 50.0,
                     "end": 100.0}


class BenchError(Exception):
    pass


def log(*args):
    print("bench:", *args, file=sys.stderr, flush=True)


# ---- /proc ----

def proc_cpu(pid):
    """CPU time of a process, all its threads, in seconds: the scheduler's
    own count in nanoseconds (/proc/PID/task/TID/schedstat), not the
    10 ms ticks of /proc/PID/stat, too coarse for a compositor that uses
    1% of a core."""
    ns = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    ns += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                pass
    except OSError:
        pass
    return ns / 1e9


def machine_ticks():
    """Busy ticks of the whole machine (every CPU), and all ticks."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    total = sum(v[:8])
    idle = v[3] + v[4]
    return total - idle, total


def proc_status(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                out[key] = value.strip()
    except OSError:
        pass
    return out


def kib(status, key):
    return int(status.get(key, "0 kB").split()[0])


def wakeups(pid):
    """Voluntary context switches of all the process's threads."""
    n = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            n += int(proc_status(f"{pid}/task/{tid}")
                     .get("voluntary_ctxt_switches", 0))
    except OSError:
        pass
    return n


def all_procs():
    """pid -> (ppid, pgid, sid, state) of every live process."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[int(d)] = (int(fields[1]), int(fields[2]), int(fields[3]),
                           fields[0])
        except (OSError, IndexError, ValueError):
            pass
    return out


def tagged(tag):
    out = set()
    needle = f"MPCOMP_BENCH_RUN={tag}".encode()
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    out.add(int(d))
        except OSError:
            pass
    return out


def run_procs(roots, tag=None):
    """The live processes of a run: its roots, those in their process
    group or session, their descendants, and (peers whose processes are
    handed to init) those tagged with the run's tag."""
    procs = all_procs()
    roots = set(roots)
    mine = {p for p, (pp, pg, sid, st) in procs.items()
            if p in roots or pg in roots or sid in roots}
    if tag:
        mine |= tagged(tag) & set(procs)
    changed = True
    while changed:
        changed = False
        for p, (pp, _, _, _) in procs.items():
            if p not in mine and pp in mine:
                mine.add(p)
                changed = True
    return {p for p in mine if procs.get(p, (0, 0, 0, "Z"))[3] != "Z"}


def wait_gone(roots, tag=None, sig=None, timeout=10.0):
    end = time.monotonic() + timeout
    while True:
        left = run_procs(roots, tag)
        if not left:
            return True
        if time.monotonic() > end:
            return False
        if sig is not None:
            for p in left:
                try:
                    os.kill(p, sig)
                except OSError:
                    pass
        time.sleep(0.05)


# ---- frames ----

def read_frames(directory):
    """client pid -> frames given, over every compositor of the run."""
    out = {}
    for name in os.listdir(directory):
        try:
            with open(os.path.join(directory, name), "rb") as f:
                data = f.read()
        except OSError:
            continue
        for i in range(0, len(data) - 15, 16):
            pid = int.from_bytes(data[i:i + 8], "little")
            n = int.from_bytes(data[i + 8:i + 16], "little")
            if pid:
                out[pid] = out.get(pid, 0) + n
    return out


def alive(pid):
    st = all_procs().get(pid)
    return st is not None and st[3] != "Z"


# ---- runs ----

class Run:
    """Compositor processes started for one measurement, and all they
    start; stopped (and checked gone) by stop()."""

    count = 0

    def __init__(self, bench, name):
        Run.count += 1
        self.bench = bench
        self.name = name
        self.dir = os.path.join(bench.work, f"run{Run.count}-{name}")
        self.frames_dir = os.path.join(self.dir, "frames")
        os.makedirs(self.frames_dir)
        os.chmod(self.dir, 0o755)
        os.chmod(self.frames_dir, 0o777)
        self.tag = self.dir
        self.procs = []  # Popen of the compositors
        self.log = open(os.path.join(self.dir, "log"), "ab")

    def pids(self):
        return [p.pid for p in self.procs]

    def start_as_nobody(self, rundir, argv, env=None):
        os.makedirs(rundir, exist_ok=True)
        shutil.chown(rundir, "nobody", "nogroup")
        os.chmod(rundir, 0o700)
        e = {"PATH": "/usr/bin:/bin", "HOME": rundir,
             "XDG_RUNTIME_DIR": rundir, "WLR_BACKENDS": "headless",
             "WLR_RENDERER": "pixman", "WLR_LIBINPUT_NO_DEVICES": "1",
             "MPCOMP_BENCH_RUN": self.tag,
             "MP_BENCH_FRAMES": self.frames_dir,
             "LD_PRELOAD": FRAMECOUNT}
        e.update(env or {})
        self.procs.append(subprocess.Popen(
            ["setpriv", "--reuid=nobody", "--regid=nogroup",
             "--clear-groups"] + argv, env=e, stdout=self.log,
            stderr=self.log, start_new_session=True))

    def start_mpcomp(self, headless, ini_text, test_socket=False,
                     extra_env=None):
        ini = os.path.join(self.dir, "mpcomp.ini")
        with open(ini, "w") as f:
            f.write(ini_text)
        rt = os.path.join(self.dir, "rt")
        os.makedirs(rt)
        os.chmod(rt, 0o755)
        env = dict(os.environ)
        env.update({
            "XDG_RUNTIME_DIR": rt, "HOME": self.dir,
            "WLR_RENDERER": "pixman", "WLR_BACKENDS": "headless",
            "PAM_WRAPPER": "1",
            "PAM_WRAPPER_SERVICE_DIR": self.bench.pam_dir,
            "LD_PRELOAD": "libpam_wrapper.so " + FRAMECOUNT,
            "MP_BENCH_FRAMES": self.frames_dir,
        })
        env.pop("WAYLAND_DISPLAY", None)
        env.pop("DISPLAY", None)
        env.update(extra_env or {})
        argv = [MPCOMP, "--headless", headless, "-c", ini]
        if test_socket:
            argv.append("--test-protocol")
        p = subprocess.Popen(
            argv, env=env, stdout=subprocess.PIPE if test_socket else self.log,
            stderr=self.log, start_new_session=True)
        self.procs.append(p)
        if test_socket:
            # It says MPCOMP_TEST_SOCKET=PATH once it is ready.
            line = p.stdout.readline().decode().strip()
            p.stdout.close()
            if not line.startswith("MPCOMP_TEST_SOCKET="):
                raise BenchError(f"{self.name}: mpcomp said '{line}': "
                                 f"{self.log_tail()}")
            self.test_socket = line.split("=", 1)[1]

    def stop_mpcomp(self):
        """mpcomp ends its sessions itself on SIGTERM and exits 0; then
        nothing it started may be left."""
        p = self.procs[0]
        seen = run_procs([p.pid])
        p.send_signal(signal.SIGTERM)
        try:
            rc = p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
            raise BenchError(f"{self.name}: mpcomp did not exit on SIGTERM")
        if rc != 0:
            raise BenchError(f"{self.name}: mpcomp exited {rc} on SIGTERM "
                             f"(log: {self.log.name})")
        if not wait_gone(seen | {p.pid}):
            raise BenchError(f"{self.name}: mpcomp left processes behind")
        self.procs = []

    def kill(self):
        """Peers: cage aborts on SIGTERM; all of the run gets SIGKILL."""
        roots = set(self.pids()) | run_procs(self.pids(), self.tag)
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
        if not wait_gone(roots, self.tag, signal.SIGKILL):
            raise BenchError(f"{self.name}: processes still running")
        for p in self.procs:
            p.wait()
        self.procs = []

    def stop(self):
        if self.procs:
            if self.name.startswith("mpcomp"):
                self.stop_mpcomp()
            else:
                self.kill()
        self.log.close()

    def log_tail(self, lines=5):
        try:
            with open(self.log.name, errors="replace") as f:
                return f.read().splitlines()[-lines:]
        except OSError:
            return []


# ---- the benchmark ----

class Bench:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="mpcomp-bench-")
        os.chmod(self.work, 0o755)
        self.pam_dir = os.path.join(self.work, "pam")
        os.makedirs(self.pam_dir)
        with open(os.path.join(self.pam_dir, "mpcomp"), "w") as f:
            f.write("auth required pam_permit.so\n"
                    "account required pam_permit.so\n"
                    "session required pam_permit.so\n")
        self.user = pwd.getpwuid(os.getuid()).pw_name
        self.results = {}
        self.runs = []

    def cleanup(self, keep=False):
        for r in self.runs:
            try:
                r.kill()
            except BenchError as e:
                log(e)
        if keep:
            log(f"its files (logs) are kept in {self.work}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)

    def new_run(self, name):
        r = Run(self, name)
        self.runs.append(r)
        return r

    def end_run(self, r):
        self.runs.remove(r)
        r.stop()
        shutil.rmtree(r.dir, ignore_errors=True)

    # -- one window of measurement --

    def measure(self, run, clients, seconds, machine=False):
        """CPU of the run's compositors and frames given to its clients
        over a window, once `clients` clients are drawing."""
        deadline = time.monotonic() + 20
        while True:
            frames = read_frames(run.frames_dir)
            if len([n for n in frames.values() if n > 0]) >= clients:
                break
            if time.monotonic() > deadline or not all(
                    p.poll() is None for p in run.procs):
                break
            time.sleep(0.1)
        time.sleep(self.args.warmup)
        pids = run.pids()
        f0 = read_frames(run.frames_dir)
        t0 = sum(proc_cpu(p) for p in pids)
        m0 = machine_ticks()
        s0 = time.monotonic()
        time.sleep(seconds)
        t1 = sum(proc_cpu(p) for p in pids)
        m1 = machine_ticks()
        s1 = time.monotonic()
        f1 = read_frames(run.frames_dir)
        dt = s1 - s0
        got = {p: f1.get(p, 0) - f0.get(p, 0) for p in f1}
        drawing = [p for p, n in got.items() if n > 0 and alive(p)]
        frames = sum(got.values())
        cpu_s = t1 - t0
        out = {
            "cpu_pct": 100 * cpu_s / dt,
            "frames_per_s": frames / dt,
            "fps_per_station": frames / dt / max(clients, 1),
            "us_per_frame": 1e6 * cpu_s / frames if frames else None,
            "clients_drawing": len(drawing),
        }
        if machine:
            busy = (m1[0] - m0[0]) / HZ
            out["machine_pct"] = 100 * busy / dt
        if len(drawing) < clients:
            out["invalid"] = (f"{len(drawing)} of {clients} clients given "
                              "frames to the end (a client died or stalled)")
        return out

    # -- figure 1, 2: compositors with a workload --

    def case_mpcomp(self, n, workload, layout):
        r = self.new_run("mpcomp")
        try:
            ini = ""
            if layout == "desktop":
                cfg = self.nested_sway_config()
                users = self.system_users(n)
                for i in range(1, n + 1):
                    ini += (f"[station s{i}]\noutputs = HEADLESS-{i}\n"
                            f"autologin = {users[i - 1]}\n"
                            "session-command = env WLR_RENDERER=pixman "
                            f"sway -c {cfg}\n")
                headless = f"{n}:1280x720"
            elif layout == "halves":
                cmd = WORKLOADS[workload]
                for i, side in ((1, "left"), (2, "right")):
                    ini += (f"[station s{i}]\noutputs = HEADLESS-1\n"
                            f"split = {side}\nrole = kiosk\n"
                            f"autologin = {self.user}\ncommand = {cmd}\n")
                headless = "1:1280x720"
            else:
                cmd = WORKLOADS[workload]
                for i in range(1, n + 1):
                    ini += (f"[station s{i}]\noutputs = HEADLESS-{i}\n"
                            f"role = kiosk\nautologin = {self.user}\n"
                            f"command = {cmd}\n")
                headless = f"{n}:1280x720"
            r.start_mpcomp(headless, ini)
            return self.measure(r, n, self.args.seconds,
                                machine=layout == "desktop")
        finally:
            self.end_run(r)

    def case_cage(self, n, workload, layout):
        r = self.new_run("cage")
        try:
            env = {}
            if layout == "halves":
                env = {"LD_PRELOAD": FRAMECOUNT + " " + HEADLESS_SIZE,
                       "MP_BENCH_HEADLESS_SIZE": "640x720"}
            for i in range(1, n + 1):
                r.start_as_nobody(os.path.join(r.dir, f"cage{i}"),
                                  ["cage", "--", "sh", "-c",
                                   WORKLOADS[workload]], env)
            return self.measure(r, n, self.args.seconds)
        finally:
            self.end_run(r)

    def case_sway(self, n, workload, layout):
        r = self.new_run("sway")
        try:
            w = 640 if layout == "halves" else 1280
            lines = ["default_border none", "gaps inner 0",
                     "focus_follows_mouse no"]
            for i in range(1, n + 1):
                lines += [f"output HEADLESS-{i} resolution {w}x720 "
                          f"position {(i - 1) * w},0",
                          f"workspace {i} output HEADLESS-{i}",
                          f"exec swaymsg 'workspace {i}; exec "
                          f"{WORKLOADS[workload]}'"]
            cfg = os.path.join(r.dir, "sway.cfg")
            with open(cfg, "w") as f:
                f.write("\n".join(lines) + "\n")
            os.chmod(cfg, 0o644)
            r.start_as_nobody(os.path.join(r.dir, "sway"), ["sway", "-c", cfg],
                              {"WLR_HEADLESS_OUTPUTS": str(n)})
            return self.measure(r, n, self.args.seconds,
                                machine=layout == "desktop")
        finally:
            self.end_run(r)

    @staticmethod
    def system_users(n):
        """n accounts to sign in (one session each: a user signing in
        again resumes their own session): nobody and the system accounts
        of a fresh Debian (daemon, bin, sys ...), never root."""
        users = [p.pw_name for p in pwd.getpwall()
                 if p.pw_name == "nobody" or 0 < p.pw_uid < 1000]
        if len(users) < n:
            raise BenchError(f"fewer than {n} system users to sign in")
        return users[:n]

    def nested_sway_config(self):
        cfg = os.path.join(self.work, "nested-sway.cfg")
        if not os.path.exists(cfg):
            with open(cfg, "w") as f:
                f.write("default_border none\ngaps inner 0\n"
                        f"exec {WORKLOADS['foot']}\n")
            os.chmod(cfg, 0o644)
        return cfg

    def interleaved(self, row, comps, n, workload, layout):
        """The compositors' repetitions taken in turn (mpcomp, cage,
        sway, mpcomp ...), so that a slow drift of the machine weighs on
        all of them alike."""
        for comp in comps:
            row[comp] = []
        for rep in range(self.args.reps):
            for comp in comps:
                log(f"{layout} {workload} {n}: {comp} {rep + 1}/"
                    f"{self.args.reps}")
                row[comp].append(getattr(self, "case_" + comp)(
                    n, workload, layout))
        return row

    def fig_frames(self):
        cases = []
        for workload, layout, ns in (
                ("shm", "whole", self.args.stations),
                ("foot", "halves", [2]),
                ("foot", "whole", self.args.foot_stations)):
            for n in ns:
                row = {"workload": workload, "layout": layout, "stations": n}
                cases.append(self.interleaved(row, ("mpcomp", "cage", "sway"),
                                              n, workload, layout))
        self.results["frames"] = cases

    def fig_desktop(self):
        cases = []
        for n in self.args.desktop_stations:
            row = {"stations": n}
            cases.append(self.interleaved(row, ("mpcomp", "sway"), n, "foot",
                                          "desktop"))
        self.results["desktop"] = cases

    # -- mptest --

    def mptest(self, run, *argv, stamp=False):
        cmd = [MPTEST, "--socket", run.test_socket]
        if stamp:
            cmd.append("--stamp")
        p = subprocess.run(cmd + list(argv), capture_output=True, text=True,
                           timeout=120)
        if p.returncode != 0:
            raise BenchError(f"mptest {' '.join(argv)}: {p.stderr.strip()}")
        if stamp:
            stamps = dict(re.findall(r"mptest: (sent|answered) (\d+)",
                                     p.stderr))
            return p.stdout, {k: int(v) for k, v in stamps.items()}
        return p.stdout

    def state(self, run):
        return json.loads(self.mptest(run, "state", "--json"))

    @staticmethod
    def by_name(items, name, key="name"):
        for it in items:
            if str(it.get(key)) == str(name):
                return it
        raise BenchError(f"no {name} in state")

    def sign_in(self, run, kb, user):
        self.mptest(run, "type", kb, user)
        self.mptest(run, "key", kb, "Tab")
        self.mptest(run, "type", kb, "any")
        self.mptest(run, "key", kb, "Return")

    def session_at(self, run, station):
        st = self.by_name(self.state(run)["stations"], station)
        return st.get("session")

    # -- figures 4, 5: idle and memory --

    def fig_idle_memory(self):
        """8 stations; memory with none, then with 8 attached sessions,
        then with those 8 parked; idle CPU and wakeups with the 8
        greeters and 8 parked sessions."""
        n = 8
        r = self.new_run("mpcomp-idle")
        try:
            users = self.system_users(n)
            cmd = ("foot sh -c 'exec sleep infinity' & "
                   "exec weston-simple-shm")
            ini = "[compositor]\n"
            for i in range(1, n + 1):
                ini += (f"[station s{i}]\noutputs = HEADLESS-{i}\n"
                        f"devices = bench-kb{i}\nsession-command = {cmd}\n")
            r.start_mpcomp(f"{n}:1280x720", ini, test_socket=True)
            self.mptest(r, "wait-idle")
            for i in range(1, n + 1):
                self.mptest(r, "add-keyboard", f"bench-kb{i}", "--path",
                            f"bench-kb{i}")
            self.mptest(r, "wait-idle")
            pid = r.procs[0].pid
            base = proc_status(pid)
            for i in range(1, n + 1):
                self.sign_in(r, f"bench-kb{i}", users[i - 1])
                self.mptest(r, "wait", "views", f"s{i}", "2")
            self.mptest(r, "wait-idle")
            time.sleep(1)  # clients settle (foot's first frames)
            self.mptest(r, "wait-idle")
            attached = proc_status(pid)
            clients = sorted(run_procs([pid]) - {pid})
            clients_kib = sum(kib(proc_status(c), "VmRSS") for c in clients)
            ids = []
            for i in range(1, n + 1):
                sid = self.session_at(r, f"s{i}")
                ids.append(sid)
                self.mptest(r, "action", "disconnect", str(sid))
            for sid in ids:
                self.mptest(r, "wait", "session-state", str(sid), "parked")
            self.mptest(r, "wait-idle")
            parked = proc_status(pid)

            def mem(s):
                return {k: kib(s, k) for k in
                        ("VmRSS", "RssAnon", "RssFile", "RssShmem")}
            self.results["memory"] = {
                "sessions": n, "base": mem(base), "attached": mem(attached),
                "parked": mem(parked), "clients_rss_kib": clients_kib,
            }
            # Idle: consecutive windows over idle_seconds.
            window = self.args.idle_seconds / self.args.reps
            f_before = read_frames(r.frames_dir)
            samples = []
            for _ in range(self.args.reps):
                t0, w0, s0 = proc_cpu(pid), wakeups(pid), time.monotonic()
                time.sleep(window)
                t1, w1, s1 = proc_cpu(pid), wakeups(pid), time.monotonic()
                samples.append({
                    "cpu_pct": 100 * (t1 - t0) / (s1 - s0),
                    "wakeups_per_s": (w1 - w0) / (s1 - s0)})
            f_after = read_frames(r.frames_dir)
            parked_frames = sum(f_after.get(p, 0) - f_before.get(p, 0)
                                for p in f_after)
            animating = [c for c in clients if alive(c)]
            self.results["idle"] = {
                "stations": n, "parked": n, "seconds": window * len(samples),
                "samples": samples, "frames_to_parked": parked_frames,
                "clients_alive": len(animating),
            }
        finally:
            self.end_run(r)

    # -- figure 6: latency --

    def fig_latency(self):
        reps = self.args.latency_reps
        r = self.new_run("mpcomp-latency")
        try:
            client_log = os.path.join(r.dir, "client.log")
            ini = ("[compositor]\n"
                   f"session-command = {MPCLIENT} --stamp --log {client_log}\n"
                   "[station s1]\noutputs = HEADLESS-1\ndevices = bench-kb1\n"
                   "[station s2]\noutputs = HEADLESS-2\ndevices = bench-kb2\n")
            r.start_mpcomp("2:1280x720", ini, test_socket=True)
            self.mptest(r, "wait-idle")
            for i in (1, 2):
                self.mptest(r, "add-keyboard", f"bench-kb{i}", "--path",
                            f"bench-kb{i}")
            self.mptest(r, "wait-idle")
            self.sign_in(r, "bench-kb1", self.user)
            self.mptest(r, "wait", "views", "s1", "1")
            self.mptest(r, "wait-idle")
            lat = {"key": [], "lock": [], "disconnect": [], "resume": [],
                   "end": []}
            # Key press to the client's receipt.
            keys = "abcdefghijklmnopqrstuvwxyz"
            for i in range(reps):
                k = keys[i % len(keys)]
                _, st = self.mptest(r, "key", "bench-kb1", k, stamp=True)
                got = self.wait_key_line(client_log, k, st["sent"])
                lat["key"].append((got - st["sent"]) / 1e6)
            # Lock to the first presented locked frame. A request comes at
            # any time: at a random phase of the refresh (up to two after
            # the last frame), which may be while a flip is pending.
            for i in range(reps):
                self.random_phase()
                _, st = self.mptest(r, "action", "lock", "s1", stamp=True)
                self.mptest(r, "wait", "station", "s1", "locked")
                lat["lock"].append(self.presented(r, "s1", "locked",
                                                  st["sent"]))
                self.mptest(r, "action", "unlock", "s1")
                self.mptest(r, "wait", "station", "s1", "active")
                self.mptest(r, "wait-idle")
            # Disconnect to the greeter's frame; sign-in on the other
            # station, resume (PAM done) to the session's first frame.
            at = 1
            for i in range(reps):
                sid = self.session_at(r, f"s{at}")
                self.mptest(r, "wait-idle")
                self.random_phase()
                _, st = self.mptest(r, "action", "disconnect", str(sid),
                                    stamp=True)
                self.mptest(r, "wait", "session-state", str(sid), "parked")
                lat["disconnect"].append(self.presented(r, f"s{at}", "login",
                                                        st["sent"]))
                at = 3 - at
                self.sign_in(r, f"bench-kb{at}", self.user)
                self.mptest(r, "wait", "station", f"s{at}", "active")
                lat["resume"].append(self.presented(r, f"s{at}", "active",
                                                    None))
            # End of a cooperative session (its client closes its window
            # and exits) to its last process gone.
            for i in range(reps):
                sid = self.session_at(r, f"s{at}")
                _, st = self.mptest(r, "action", "logoff", str(sid),
                                    stamp=True)
                _, st2 = self.mptest(r, "wait", "session-state", str(sid),
                                     "gone", stamp=True)
                lat["end"].append((st2["answered"] - st["sent"]) / 1e6)
                self.mptest(r, "wait", "station", f"s{at}", "login")
                self.sign_in(r, f"bench-kb{at}", self.user)
                self.mptest(r, "wait", "views", f"s{at}", "1")
            self.results["latency"] = lat
        finally:
            self.end_run(r)

    @staticmethod
    def random_phase():
        time.sleep(random.uniform(0, 2 / 60))

    def wait_key_line(self, path, key, after):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(path) as f:
                for line in f:
                    parts = line.split()
                    if (len(parts) >= 3 and parts[1] == "key" and
                            parts[2] == key and int(parts[0]) >= after):
                        return int(parts[0])
            time.sleep(0.001)
        raise BenchError(f"the client never got key {key}")

    def presented(self, run, station, state, sent):
        """ms from sent (or, None: the state's own start) to the first
        frame presented in that state."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            st = self.by_name(self.state(run)["stations"], station)
            shown = st.get("shown") or {}
            if shown.get("state") == state and shown.get("presented_ns"):
                start = sent if sent is not None else shown["since_ns"]
                return (shown["presented_ns"] - start) / 1e6
            self.mptest(run, "wait-idle")
        raise BenchError(f"station {station} never presented {state}")


# ---- report ----

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values):
    values = [v for v in values if v is not None]
    return (min(values), max(values)) if values else (None, None)


def pct(values, p):
    v = sorted(values)
    if not v:
        return None
    k = (len(v) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def fmt(v, spec=".1f", unit=""):
    return "n/a" if v is None else f"{v:{spec}}{unit}"


def summarise(samples):
    """Median and spread of each figure of a case; invalid if any rep
    was."""
    out = {}
    for key in ("cpu_pct", "us_per_frame", "fps_per_station", "machine_pct"):
        vals = [s.get(key) for s in samples]
        if any(v is not None for v in vals):
            out[key] = med(vals)
            out[key + "_spread"] = spread(vals)
    reasons = sorted({s["invalid"] for s in samples if "invalid" in s})
    if reasons:
        out["invalid"] = "; ".join(reasons)
    return out


def compare(mp, peer, scale=1.0):
    """ratio of mpcomp's cost per frame to the peer's, or the reason
    there is none."""
    if "invalid" in peer:
        return None, "invalid: " + peer["invalid"]
    if "invalid" in mp:
        return None, "invalid (mpcomp): " + mp["invalid"]
    if peer.get("fps_per_station", 0) < 0.9 * mp.get("fps_per_station", 0):
        return None, (f"invalid: gave {peer['fps_per_station']:.1f} frames/s "
                      f"per station, under 90% of mpcomp's "
                      f"{mp['fps_per_station']:.1f}")
    if not peer.get("us_per_frame") or mp.get("us_per_frame") is None:
        return None, "invalid: no frames"
    return mp["us_per_frame"] / peer["us_per_frame"] * scale, None


def report(bench, path, argv):
    res = bench.results
    a = bench.args
    lines = ["# Benchmarks", ""]
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    lines += [
        f"Produced by `{' '.join(['tests/bench/run'] + argv)}` on "
        f"{datetime.date.today().isoformat()}: {cpu}, {os.cpu_count()} "
        f"cores, {platform.machine()}, Linux {platform.release()}. "
        "Headless wlroots backend, pixman renderer, every compositor as it "
        "is packaged in Debian 12 (cage 0.1.4, sway 1.7) or built here "
        "(mpcomp, release).",
        "",
        f"Each figure: the median of {a.reps} repetitions, with the spread "
        f"(min-max) in brackets, the compositors' repetitions taken in "
        f"turn. A frame-cost window is {a.seconds:g} s "
        f"after {a.warmup:g} s of warm-up, counted once every client "
        "draws.",
        "",
    ]
    if "frames" in res:
        lines += [
            "## 1. Frame cost per delivered frame",
            "",
            "Compositor CPU (the scheduler's run time of its processes' threads, "
            "/proc/PID/task/TID/schedstat, in ns) divided "
            "by the frames its clients were given: the wl_surface.frame "
            "callbacks it sent `done`, counted inside each compositor by "
            "`tests/bench/framecount.c` (a protocol logger). mpcomp: one "
            "process with N stations; cage: N instances (their CPU and "
            "frames summed); sway: one instance with N outputs. Clients "
            "are not counted.",
            "",
            "- **shm**: `weston-simple-shm` (a 250x250 animation) on each "
            "1280x720 station.",
            "- **foot, halves**: foot under continuous output (`ls -lR` in a "
            "loop) on two stations that are the halves of one 1280x720 "
            "output, against two cage instances at 640x720 (output size set "
            "by `tests/bench/headless-size.c`: cage 0.1.4 has no way to set "
            "it) and sway with two 640x720 outputs. Composited by all three.",
            "- **foot, whole**: foot under output on whole 1280x720 "
            "stations. **mpcomp shows it by direct scanout on the headless "
            "backend** (which takes any buffer; a GPU cannot scan out a shm "
            "buffer), cage and sway composite it: not the same work.",
            "",
            f"Target: mpcomp at most {TARGET_CAGE}x the sum of N cage "
            f"instances and at most {TARGET_SWAY}x sway, per delivered "
            "frame. A peer case whose client died, stalled or got under 90% "
            "of mpcomp's frames is invalid and not compared.",
            "",
            "| workload | N | mpcomp µs/frame | cage µs/frame | sway µs/frame "
            "| frames/s per station (mpcomp, cage, sway) | CPU % (mpcomp, "
            "cage, sway) | mpcomp/cage | mpcomp/sway |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for row in res["frames"]:
            s = {c: summarise(row[c]) for c in ("mpcomp", "cage", "sway")}
            rc, why_c = compare(s["mpcomp"], s["cage"])
            rs, why_s = compare(s["mpcomp"], s["sway"])
            row["summary"] = s
            row["ratio_cage"], row["ratio_sway"] = rc, rs
            row["why_cage"], row["why_sway"] = why_c, why_s

            def cell(x):
                v = x.get("us_per_frame")
                lo, hi = x.get("us_per_frame_spread", (None, None))
                return f"{fmt(v, '.0f')} [{fmt(lo, '.0f')}-{fmt(hi, '.0f')}]"

            def verdict(ratio, why, target):
                if ratio is None:
                    return why
                return (f"**{ratio:.2f}** " +
                        ("(met)" if ratio <= target else "(**missed**)"))
            label = {"whole": "whole", "halves": "halves"}[row["layout"]]
            if row["workload"] == "foot" and row["layout"] == "whole":
                label = "whole, mpcomp direct scanout"
            lines.append(
                f"| {row['workload']}, {label} | {row['stations']} | "
                f"{cell(s['mpcomp'])} | {cell(s['cage'])} | {cell(s['sway'])}"
                " | " + ", ".join(fmt(s[c].get("fps_per_station"))
                                  for c in ("mpcomp", "cage", "sway")) +
                " | " + ", ".join(fmt(s[c].get("cpu_pct"), ".2f")
                                  for c in ("mpcomp", "cage", "sway")) +
                f" | {verdict(rc, why_c, TARGET_CAGE)} | "
                f"{verdict(rs, why_s, TARGET_SWAY)} |")
        lines.append("")
        # Scaling, from the shm rows.
        rows = [r for r in res["frames"]
                if r["workload"] == "shm" and r["layout"] == "whole"]
        if rows:
            lines += ["## 3. Scaling", "",
                      "mpcomp's CPU per station-frame (µs) with "
                      "weston-simple-shm on each station, from the rows "
                      f"above. Target: at 8 stations within "
                      f"{int(TARGET_SCALING * 100)}% of 1.", "",
                      "| stations | µs per station-frame | vs 1 station |",
                      "|---|---|---|"]
            one = rows[0]["summary"]["mpcomp"].get("us_per_frame")
            for r in rows:
                v = r["summary"]["mpcomp"].get("us_per_frame")
                rel = (f"{v / one:.2f}x" if v is not None and one else "n/a")
                lines.append(f"| {r['stations']} | {fmt(v, '.0f')} | {rel} |")
            lines.append("")
    if "desktop" in res:
        lines += [
            "## 2. A desktop per station", "",
            "Each station runs a nested sway (a system account signed in "
            "by autologin through pam_wrapper, one per station) with foot under output in it; "
            "against one sway with N outputs running that foot directly. "
            "Each nested sway's window is the whole station: mpcomp shows "
            "it by direct scanout on the headless backend (no copy). "
            "CPU in % of one core; whole machine: every CPU's busy time "
            "(/proc/stat), clients and nested compositors included; "
            "frames/s: frames mpcomp gave each nested sway, frames sway gave "
            "each foot.", "",
            "| N | mpcomp CPU per station | machine CPU per station (mpcomp) "
            "| sway CPU per station | machine CPU per station (sway) | "
            "frames/s per station (mpcomp, sway) |",
            "|---|---|---|---|---|---|"]
        for row in res["desktop"]:
            n = row["stations"]
            s = {c: summarise(row[c]) for c in ("mpcomp", "sway")}
            row["summary"] = s

            def per(x, key):
                if "invalid" in x:
                    return "invalid: " + x["invalid"]
                v = x.get(key)
                return fmt(v / n if v is not None else None, ".2f", "%")
            lines.append(
                f"| {n} | {per(s['mpcomp'], 'cpu_pct')} | "
                f"{per(s['mpcomp'], 'machine_pct')} | "
                f"{per(s['sway'], 'cpu_pct')} | "
                f"{per(s['sway'], 'machine_pct')} | "
                f"{fmt(s['mpcomp'].get('fps_per_station'))}, "
                f"{fmt(s['sway'].get('fps_per_station'))} |")
        lines.append("")
    if "idle" in res:
        idle = res["idle"]
        cpu_v = [s["cpu_pct"] for s in idle["samples"]]
        wk_v = [s["wakeups_per_s"] for s in idle["samples"]]
        idle["cpu_pct"], idle["wakeups_per_s"] = med(cpu_v), med(wk_v)
        lines += [
            "## 4. Idle", "",
            f"{idle['stations']} stations on their greeters and "
            f"{idle['parked']} parked sessions, each running "
            "weston-simple-shm (which keeps asking for frames) and an idle "
            f"foot; {idle['seconds']:g} s in {len(cpu_v)} windows. Wakeups: "
            "voluntary context switches of mpcomp's threads.", "",
            "| | median | spread | target |", "|---|---|---|---|",
            f"| CPU, % of one core | {fmt(med(cpu_v), '.3f')} | "
            f"{fmt(min(cpu_v), '.3f')}-{fmt(max(cpu_v), '.3f')} | "
            f"< {TARGET_IDLE_CPU} "
            f"({'met' if med(cpu_v) < TARGET_IDLE_CPU else '**missed**'}) |",
            f"| wakeups per second | {fmt(med(wk_v), '.2f')} | "
            f"{fmt(min(wk_v), '.2f')}-{fmt(max(wk_v), '.2f')} | "
            f"< {TARGET_IDLE_WAKEUPS:g} ("
            f"{'met' if med(wk_v) < TARGET_IDLE_WAKEUPS else '**missed**'}) |",
            f"| frames given to parked clients | {idle['frames_to_parked']} "
            f"| | 0 ({'met' if idle['frames_to_parked'] == 0 else '**missed**'}"
            ") |",
            "",
            f"The parked sessions' clients still running at the end: "
            f"{idle['clients_alive']}.", ""]
    if "memory" in res:
        m = res["memory"]
        n = m["sessions"]

        def mib(x):
            return x / 1024
        att = {k: mib(m["attached"][k] - m["base"][k]) / n
               for k in m["base"]}
        prk = {k: mib(m["parked"][k] - m["base"][k]) / n for k in m["base"]}
        m["per_attached_mib"], m["per_parked_mib"] = att, prk
        # An attached station shows its session instead of a greeter,
        # whose image (the station's size, 4 bytes a pixel) goes.
        greeter = 1280 * 720 * 4 / 2 ** 20
        m["greeter_image_mib"] = greeter
        priv_att = att["RssAnon"]
        priv_prk = prk["RssAnon"]
        lines += [
            "## 5. Memory", "",
            f"mpcomp's memory (/proc/PID/status) with {n} stations on their "
            f"greeters, then with {n} sessions signed in (attached: "
            "weston-simple-shm and a full-station foot each), then with "
            "those parked. Per session: the difference over the base, "
            "divided by the sessions. RssAnon is mpcomp's own memory; "
            "RssShmem is the clients' shm buffers that mpcomp maps to read "
            "(the clients' memory, counted in theirs too).", "",
            "| | VmRSS | RssAnon | RssFile | RssShmem |",
            "|---|---|---|---|---|",
            "| base (MiB) | " + " | ".join(
                f"{mib(m['base'][k]):.1f}" for k in
                ("VmRSS", "RssAnon", "RssFile", "RssShmem")) + " |",
            "| per attached session (MiB) | " + " | ".join(
                f"{att[k]:.2f}" for k in
                ("VmRSS", "RssAnon", "RssFile", "RssShmem")) + " |",
            "| per parked session (MiB) | " + " | ".join(
                f"{prk[k]:.2f}" for k in
                ("VmRSS", "RssAnon", "RssFile", "RssShmem")) + " |",
            "",
            f"Targets: under {TARGET_PARKED_MIB:g} MiB per parked session "
            f"(own memory: {priv_prk:.2f} MiB, "
            f"{'met' if priv_prk < TARGET_PARKED_MIB else '**missed**'}; "
            f"all of RSS: {prk['VmRSS']:.2f} MiB), under "
            f"{TARGET_ATTACHED_MIB:g} MiB per attached 1280x720 station "
            f"(own memory: {priv_att:.2f} MiB, "
            f"{'met' if priv_att < TARGET_ATTACHED_MIB else '**missed**'}; "
            f"all of RSS: {att['VmRSS']:.2f} MiB). An attached station no "
            f"longer has its greeter, whose image is {greeter:.2f} MiB: "
            f"without that, a session's own cost is "
            f"{priv_att + greeter:.2f} MiB (RssAnon). The clients' own RSS "
            f"with {n} sessions attached: {mib(m['clients_rss_kib']):.0f} "
            "MiB.",
            ""]
    if "latency" in res:
        lat = res["latency"]
        lines += [
            "## 6. Latency", "",
            f"{len(lat['key'])} repetitions each, in ms; lock and disconnect "
            "requests come at a random phase of the output's refresh (0 to "
            "2 refreshes after its last frame). Key: from mptest "
            "sending the key on a virtual keyboard to mp-client's receipt "
            "(both CLOCK_MONOTONIC). Lock, disconnect: from mptest sending "
            "the request to the station's first presented frame in the new "
            "state (`stations/NAME/shown` in the state, stamped by the "
            "output's present event). Resume: from the station showing the "
            "session (PAM has succeeded) to its first presented frame, on "
            "the other station. End: from mptest sending a log off of a "
            "session whose client closes at once to mpcomp reporting the "
            "session gone (its last process reaped).", "",
            "| | p50 | p99 | max | target (p99) |", "|---|---|---|---|---|"]
        targets = {"key": TARGET_LATENCY_MS["key"],
                   "lock": TARGET_LATENCY_MS["lock"],
                   "resume": TARGET_LATENCY_MS["resume"],
                   "end": TARGET_LATENCY_MS["end"]}
        names = {"key": "key to client", "lock": "lock to locked frame",
                 "disconnect": "disconnect to greeter frame",
                 "resume": "resume to first frame",
                 "end": "end to last process gone"}
        for k in ("key", "lock", "disconnect", "resume", "end"):
            v = lat[k]
            p99 = pct(v, 99)
            t = targets.get(k)
            verdict = ("" if t is None else
                       f"< {t:.1f} ({'met' if p99 < t else '**missed**'})")
            lines.append(f"| {names[k]} | {fmt(pct(v, 50), '.2f')} | "
                         f"{fmt(p99, '.2f')} | {fmt(max(v), '.2f')} | "
                         f"{verdict or '-'} |")
        lines.append("")
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "NOTES.md")
    if not bench.args.quick and os.path.exists(notes):
        with open(notes) as f:
            lines += [f.read().rstrip(), ""]
    text = "\n".join(lines)
    with open(path + ".new", "w") as f:
        f.write(text)
    os.replace(path + ".new", path)
    jpath = os.path.splitext(path)[0] + ".json"
    with open(jpath + ".new", "w") as f:
        json.dump({"command": ["tests/bench/run"] + argv,
                   "cpu": cpu, "cores": os.cpu_count(),
                   "date": datetime.date.today().isoformat(),
                   "results": res}, f, indent=1, default=str)
    os.replace(jpath + ".new", jpath)
    log(f"wrote {path} and {jpath}")


def main():
    p = argparse.ArgumentParser(
        prog="tests/bench/run", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="one short repetition of every figure, 1 and 2 "
                   "stations: a smoke test that the benchmark works; "
                   "writes to a temporary file unless --out is given")
    p.add_argument("--seconds", type=float, default=8,
                   help="length of a frame-cost window (default 8)")
    p.add_argument("--warmup", type=float, default=2,
                   help="seconds once every client draws, before a window")
    p.add_argument("--reps", type=int, default=5,
                   help="repetitions of each case (default 5)")
    p.add_argument("--stations", default="1 2 4 8",
                   help="station counts of the shm rows")
    p.add_argument("--foot-stations", default="1 2",
                   help="station counts of the whole-output foot rows")
    p.add_argument("--desktop-stations", default="1 2 4",
                   help="station counts of the desktop rows")
    p.add_argument("--idle-seconds", type=float, default=60,
                   help="the idle figure's time, in --reps windows")
    p.add_argument("--latency-reps", type=int, default=50,
                   help="repetitions of each latency (default 50)")
    p.add_argument("--figures", default="frames desktop idle latency",
                   help="which figures (idle includes memory)")
    p.add_argument("--out", default=None,
                   help="the report (default BENCHMARKS.md; the JSON goes "
                   "next to it)")
    argv = sys.argv[1:]
    a = p.parse_args()
    if a.quick:
        a.seconds, a.warmup, a.reps = 2, 0.5, 1
        a.stations, a.foot_stations, a.desktop_stations = "1 2", "1", "1"
        a.idle_seconds, a.latency_reps = 2, 3
    a.stations = [int(x) for x in a.stations.split()]
    a.foot_stations = [int(x) for x in a.foot_stations.split()]
    a.desktop_stations = [int(x) for x in a.desktop_stations.split()]
    figures = a.figures.split()
    out = a.out
    if out is None:
        out = (os.path.join(tempfile.gettempdir(), "mpcomp-bench-quick.md")
               if a.quick else os.path.join(ROOT, "BENCHMARKS.md"))
    for f in (MPCOMP, MPTEST, MPCLIENT, FRAMECOUNT, HEADLESS_SIZE):
        if not os.path.exists(f):
            log(f"missing {f}: run tests/bench/run, which builds it")
            return 2
    bench = Bench(a)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if "frames" in figures:
            bench.fig_frames()
        if "desktop" in figures:
            bench.fig_desktop()
        if "idle" in figures:
            bench.fig_idle_memory()
        if "latency" in figures:
            bench.fig_latency()
        report(bench, out, argv)
        broken = [f"{r['workload']} {r['layout']} {r['stations']}: "
                  f"{r['summary']['mpcomp']['invalid']}"
                  for r in bench.results.get("frames", [])
                  if "invalid" in r["summary"]["mpcomp"]]
        broken += [f"desktop {r['stations']}: "
                   f"{r['summary']['mpcomp']['invalid']}"
                   for r in bench.results.get("desktop", [])
                   if "invalid" in r["summary"]["mpcomp"]]
        if broken:
            raise BenchError("mpcomp's own clients were not given frames: " +
                             "; ".join(broken))
    except BenchError as e:
        log(f"failed: {e}")
        bench.cleanup(keep=True)
        return 1
    except BaseException:
        bench.cleanup(keep=True)
        raise
    bench.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The VM lane's machinery: QEMU, its QMP monitor, the guest's serial
console, and screendumps as pixels. Python 3 standard library only.

The machine (tests/vm/run starts it through VM.start):
- one virtio-gpu with two heads (connectors Virtual-1 and Virtual-2),
  1024x768 each;
- a USB controller (xhci, PCI 00:04.0) with two hubs: hub 1 on port 1
  with kbd1 (1.1) and mouse1 (1.2), hub 2 on port 2 with kbd2 (2.1) and
  mouse2 (2.2); in the guest their udev ID_PATH is
  pci-0000:00:04.0-usb-0:1.1:1.0 and so on;
- the payload folder (mpcomp's installed tree of this run) over 9p,
  mounted read-only at /payload;
- ttyS0 on a unix socket, where root is logged in (tests/vm/image-setup).

Keys reach one keyboard: kbd1 is bound to the display (display=gpu), so
QMP input-send-event with {device: "gpu", head: 0} reaches it; events
without a device reach the keyboard bound to none (kbd2, or a keyboard
plugged later). Mice have no such binding: the HMP command mouse_set
chooses the mouse that relative events go to (the index is found by
'info mice', in the order the mice were created).
"""

import collections
import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import zlib
import struct


class Failure(Exception):
    """A check of a scenario failed: the message says what was seen."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def wait_for(what, probe, timeout, interval=0.3):
    """Calls probe() until it returns something true, and returns it;
    after timeout seconds, a Failure naming what was waited for and the
    last value seen."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() > deadline:
            seen = f" (last seen: {str(last)[:600]})" if last else ""
            raise Failure(f"timed out after {timeout:.0f} s waiting for "
                          f"{what}{seen}")
        time.sleep(interval)


# ---------------------------------------------------------------- pixels

class Picture:
    """An RGB picture: a QEMU screendump read from PPM (P6), which needs
    no decoding; saved as PNG for people to look at."""

    def __init__(self, width, height, data):
        self.width, self.height, self.data = width, height, bytes(data)

    @classmethod
    def read_ppm(cls, path):
        with open(path, "rb") as f:
            raw = f.read()
        # P6\nW H\n255\n: whitespace-separated, no comments from QEMU.
        fields = raw.split(maxsplit=4)
        check(fields[0] == b"P6", f"{path}: not a binary PPM")
        width, height, depth = int(fields[1]), int(fields[2]), int(fields[3])
        check(depth == 255, f"{path}: depth {depth}")
        data = fields[4][:width * height * 3]
        check(len(data) == width * height * 3, f"{path}: truncated")
        return cls(width, height, data)

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.data[i:i + 3])

    def row(self, y, x0=0, x1=None):
        x1 = self.width if x1 is None else x1
        base = y * self.width * 3
        return self.data[base + x0 * 3:base + x1 * 3]

    def share(self, rgb, step=5):
        """The part (0..1) of its pixels (sampled) that are exactly rgb."""
        want = bytes(rgb)
        hits = total = 0
        for i in range(0, len(self.data), 3 * step):
            total += 1
            hits += self.data[i:i + 3] == want
        return hits / max(total, 1)

    def count_near(self, rgb, tolerance=24, box=None):
        """How many pixels of box (x0, y0, x1, y1) are within tolerance of
        rgb in each channel."""
        x0, y0, x1, y1 = box or (0, 0, self.width, self.height)
        r, g, b = rgb
        n = 0
        for y in range(y0, y1):
            row = self.row(y, x0, x1)
            for i in range(0, len(row), 3):
                if (abs(row[i] - r) <= tolerance and
                        abs(row[i + 1] - g) <= tolerance and
                        abs(row[i + 2] - b) <= tolerance):
                    n += 1
        return n

    def dominant(self, step=7):
        """The most common colour and its share of the pixels (sampled)."""
        counts = collections.Counter(
            self.data[i:i + 3] for i in range(0, len(self.data), 3 * step))
        colour, n = counts.most_common(1)[0]
        return tuple(colour), n / sum(counts.values())

    def diff(self, other, masks=()):
        """Where two pictures of the same size differ, outside the mask
        boxes: (pixels that differ, bounding box or None)."""
        check((self.width, self.height) == (other.width, other.height),
              "pictures of different sizes")
        n = 0
        box = None
        for y in range(self.height):
            a, b = self.row(y), other.row(y)
            if a == b:
                continue
            for x in range(self.width):
                i = x * 3
                if a[i:i + 3] == b[i:i + 3]:
                    continue
                if any(mx0 <= x < mx1 and my0 <= y < my1
                       for mx0, my0, mx1, my1 in masks):
                    continue
                n += 1
                if box is None:
                    box = [x, y, x + 1, y + 1]
                else:
                    box = [min(box[0], x), min(box[1], y),
                           max(box[2], x + 1), max(box[3], y + 1)]
        return n, box

    def save_png(self, path):
        """An 8-bit RGB PNG, every row unfiltered."""
        def chunk(kind, body):
            return (struct.pack(">I", len(body)) + kind + body +
                    struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
        stride = self.width * 3
        raw = b"".join(b"\0" + self.data[y * stride:(y + 1) * stride]
                       for y in range(self.height))
        png = (b"\x89PNG\r\n\x1a\n" +
               chunk(b"IHDR", struct.pack(">IIBBBBB", self.width,
                                          self.height, 8, 2, 0, 0, 0)) +
               chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
        with open(path + ".tmp", "wb") as f:
            f.write(png)
        os.replace(path + ".tmp", path)


# ---------------------------------------------------------------- sockets

def connect_unix(path, what, timeout, interval):
    """A connected socket to the unix socket at path, which QEMU may not
    have made yet: tried every interval seconds for timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise Failure(f"no {what} at {path}") from None
            time.sleep(interval)


# ---------------------------------------------------------------- QMP

class QMP:
    def __init__(self, path, timeout=30):
        self.sock = connect_unix(path, "QMP socket", timeout, 0.1)
        self.file = self.sock.makefile("rwb")
        self.lock = threading.Lock()
        self.counter = 0
        self._read()  # the greeting
        self.command("qmp_capabilities")

    def _read(self, want_id=None):
        """The next reply (the greeting first), skipping events and the
        replies of commands whose wait was interrupted."""
        while True:
            line = self.file.readline()
            if not line:
                raise Failure("QEMU closed its QMP socket")
            msg = json.loads(line)
            if "event" not in msg and msg.get("id") == want_id:
                return msg

    def command(self, name, **args):
        with self.lock:
            self.counter += 1
            msg = {"execute": name, "id": self.counter}
            if args:
                msg["arguments"] = args
            self.file.write(json.dumps(msg).encode() + b"\n")
            self.file.flush()
            reply = self._read(self.counter)
        if "error" in reply:
            raise Failure(f"QMP {name} {args}: {reply['error']}")
        return reply.get("return")

    def hmp(self, line):
        return self.command("human-monitor-command", **{"command-line": line})

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ---------------------------------------------------------------- console

class Console:
    """The guest's ttyS0 with root's shell (no echo, no prompt). run()
    frames a command's output with markers that its own text, were it
    echoed, would not contain."""

    def __init__(self, path, timeout=30):
        self.sock = connect_unix(path, "serial socket", timeout, 0.05)
        self.buffer = bytearray()
        self.cond = threading.Condition()
        self.closed = False
        self.counter = 0
        self.thread = threading.Thread(target=self._reader, daemon=True)
        self.thread.start()

    def _reader(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            with self.cond:
                if not data:
                    self.closed = True
                    self.cond.notify_all()
                    return
                self.buffer += data
                self.cond.notify_all()

    def expect(self, pattern, timeout, start=0):
        """Waits until the console's output from offset start matches the
        bytes regex pattern; returns the match."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = regex.search(self.buffer, start)
                if m:
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    tail = bytes(self.buffer[-600:]).decode(errors="replace")
                    raise Failure(
                        f"console: no {pattern!r} within {timeout:.0f} s"
                        f"{' (QEMU gone)' if self.closed else ''}; "
                        f"last output: {tail!r}")
                self.cond.wait(left)

    def send(self, text):
        self.sock.sendall(text.encode())

    def run(self, command, timeout=60):
        """Runs command (shell text) in the guest: (exit status, output
        with stderr)."""
        self.counter += 1
        token = f"{os.getpid()}x{self.counter}"
        with self.cond:
            start = len(self.buffer)
        self.send(f"printf '\\n<B%s>\\n' {token}; ( {command}\n) </dev/null "
                  f"2>&1; printf '\\n<E%s %d>\\n' {token} $?\n")
        m = self.expect(rb"<E" + token.encode() + rb" (\d+)>\n", timeout,
                        start)
        b = self.expect(rb"<B" + token.encode() + rb">\n", 1, start)
        out = bytes(self.buffer[b.end():m.start()]).decode(errors="replace")
        return int(m.group(1)), out.strip("\n")

    def ok(self, command, timeout=60):
        """run() that must succeed: its output."""
        rc, out = self.run(command, timeout)
        check(rc == 0, f"guest: `{command}` exited {rc}: {out[-1500:]}")
        return out

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ---------------------------------------------------------------- keys

QCODES = {" ": "spc", "-": "minus", ".": "dot", ",": "comma", "/": "slash",
          "=": "equal", ";": "semicolon", "'": "apostrophe", "\t": "tab",
          "\n": "ret", "[": "bracket_left", "]": "bracket_right"}
SHIFTED = {"_": "minus", "+": "equal", ":": "semicolon", "!": "1", "@": "2",
           "?": "slash", ">": "dot", "<": "comma"}
KEY_NAMES = {"enter": "ret", "return": "ret", "tab": "tab", "escape": "esc",
             "esc": "esc", "backspace": "backspace", "ctrl": "ctrl",
             "alt": "alt", "shift": "shift", "delete": "delete",
             "space": "spc"}


def key_event(qcode, down):
    return {"type": "key",
            "data": {"down": down, "key": {"type": "qcode", "data": qcode}}}


# ---------------------------------------------------------------- the VM

class VM:
    def __init__(self, image, payload, workdir, results):
        self.image, self.payload = image, payload
        self.workdir, self.results = workdir, results
        self.proc = None
        self.qmp = None
        self.console = None
        self.mouse_index = {}
        self.shot_counter = 0

    def command_line(self):
        w = self.workdir
        return [
            "qemu-system-x86_64",
            "-accel", "tcg,thread=multi", "-cpu", "max",
            "-machine", "q35,i8042=off", "-smp", "2", "-m", "2048",
            "-nodefaults", "-vga", "none", "-display", "none", "-no-reboot",
            "-kernel", os.path.join(self.image, "vmlinuz"),
            "-initrd", os.path.join(self.image, "initrd.img"),
            # video=Virtual-2:e: with -display none QEMU enables only
            # head 0 unless the kernel forces the second connector on.
            "-append", "root=/dev/vda rw console=ttyS0,115200 quiet "
                       "loglevel=4 systemd.show_status=false "
                       "video=Virtual-2:e",
            "-drive", "file=" + os.path.join(self.image, "base.qcow2") +
                      ",if=none,id=disk,format=qcow2,snapshot=on",
            "-device", "virtio-blk-pci,drive=disk,addr=0x2",
            # edid=off: with EDID the forced head has no preferred mode
            # and wlroots picks 5120x2160.
            "-device", "virtio-gpu-pci,id=gpu,max_outputs=2,xres=1024,"
                       "yres=768,edid=off,addr=0x3",
            "-device", "qemu-xhci,id=xhci,addr=0x4",
            "-device", "usb-hub,id=hub1,bus=xhci.0,port=1",
            "-device", "usb-hub,id=hub2,bus=xhci.0,port=2",
            "-device", "usb-kbd,id=kbd1,bus=xhci.0,port=1.1,display=gpu",
            "-device", "usb-mouse,id=mouse1,bus=xhci.0,port=1.2",
            "-device", "usb-kbd,id=kbd2,bus=xhci.0,port=2.1",
            "-device", "usb-mouse,id=mouse2,bus=xhci.0,port=2.2",
            "-fsdev", f"local,id=payload,path={self.payload},"
                      "security_model=none,readonly=on",
            "-device", "virtio-9p-pci,fsdev=payload,mount_tag=payload,"
                       "addr=0x5",
            "-chardev", f"socket,id=ser0,path={w}/serial.sock,server=on,"
                        f"wait=off,logfile={self.results}/serial.log",
            "-serial", "chardev:ser0",
            "-qmp", f"unix:{w}/qmp.sock,server=on,wait=off",
        ]

    def start(self):
        def die_with_parent():
            os.setsid()
            try:
                libc = ctypes.CDLL(None, use_errno=True)
                libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
            except (OSError, AttributeError):
                pass
        with open(os.path.join(self.results, "qemu.log"), "wb") as log:
            self.proc = subprocess.Popen(self.command_line(),
                                         stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log,
                                         preexec_fn=die_with_parent)
        try:
            self.console = Console(os.path.join(self.workdir, "serial.sock"))
            self.qmp = QMP(os.path.join(self.workdir, "qmp.sock"))
        except Failure:
            self.check_alive()
            raise

    def check_alive(self):
        if self.proc is not None and self.proc.poll() is not None:
            with open(os.path.join(self.results, "qemu.log"), "rb") as f:
                log = f.read().decode(errors="replace")
            raise Failure(f"QEMU exited with {self.proc.returncode}: "
                          f"{log[-1500:]}")

    def wait_ready(self, timeout):
        m = self.console.expect(rb"MPVM-READY ([0-9.]+)\r?\n", timeout)
        return float(m.group(1))

    def stop(self):
        if self.qmp is not None:
            try:
                self.qmp.command("quit")
            except (Failure, OSError, ValueError):
                pass
            self.qmp.close()
        if self.console is not None:
            self.console.close()
        if self.proc is not None:
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()

    # -- input

    def keys(self, events, head=0):
        """Sends key events to kbd1 (head 0) or to the unbound keyboard
        (head None)."""
        args = {"events": events}
        if head is not None:
            args.update(device="gpu", head=head)
        self.qmp.command("input-send-event", **args)

    def type(self, text, keyboard):
        """Types text on keyboard 1 (kbd1) or 2 (the unbound one)."""
        head = 0 if keyboard == 1 else None
        for ch in text:
            if ch.isalnum() and ch.isascii():
                if ch.isupper():
                    self.combo("shift+" + ch.lower(), keyboard)
                    continue
                code = ch
            elif ch in QCODES:
                code = QCODES[ch]
            elif ch in SHIFTED:
                self.combo("shift+" + SHIFTED[ch], keyboard)
                continue
            else:
                raise ValueError(f"no key for {ch!r}")
            self.keys([key_event(code, True), key_event(code, False)], head)
            # The USB keyboard's queue is short, and the guest polls it.
            time.sleep(0.04)

    def combo(self, spec, keyboard):
        """Presses keys together, e.g. 'ctrl+alt+shift+q', 'f2', 'tab'."""
        head = 0 if keyboard == 1 else None
        codes = [KEY_NAMES.get(k.lower(), k.lower()) for k in spec.split("+")]
        self.keys([key_event(c, True) for c in codes] +
                  [key_event(c, False) for c in reversed(codes)], head)
        time.sleep(0.04)

    def find_mice(self):
        """The 'info mice' index of mouse1 and mouse2: QEMU numbers input
        handlers in the order they were created (kbd1 1, mouse1 2, kbd2
        3, mouse2 4)."""
        out = self.qmp.hmp("info mice")
        found = [int(m.group(1)) for m in
                 re.finditer(r"Mouse #(\d+): QEMU (?:USB|HID) Mouse", out)]
        check(len(found) >= 2, f"info mice: {out!r}")
        found.sort()
        self.mouse_index = {1: found[0], 2: found[1]}
        return out

    def move(self, mouse, dx, dy):
        if not self.mouse_index:
            self.find_mice()
        self.qmp.hmp(f"mouse_set {self.mouse_index[mouse]}")
        self.qmp.command("input-send-event", events=[
            {"type": "rel", "data": {"axis": "x", "value": dx}},
            {"type": "rel", "data": {"axis": "y", "value": dy}}])

    # -- pixels

    def shot(self, head):
        """A screendump of one head, as a Picture."""
        self.shot_counter += 1
        path = os.path.join(self.workdir, f"shot{self.shot_counter}.ppm")
        self.qmp.command("screendump", filename=path, device="gpu",
                         head=head)
        picture = Picture.read_ppm(path)
        os.unlink(path)
        return picture

    def save_shots(self, label):
        """Saves both heads as RESULTS/LABEL-head1.png and -head2.png."""
        saved = []
        for head in (0, 1):
            path = os.path.join(self.results, f"{label}-head{head + 1}.png")
            try:
                self.shot(head).save_png(path)
                saved.append(path)
            except (Failure, OSError, ValueError) as e:
                saved.append(f"(head {head + 1}: {e})")
        return saved

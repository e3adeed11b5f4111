"""Every process a benchmark starts: in its own process group, logged to a file, always stopped.

`Processes` is a context manager; leaving it (normally, on an exception, on SIGTERM/SIGINT of
the runner) terminates each group it started, then kills what is left. Peak memory comes from
/proc/<pid>/status (VmHWM) for running processes and from wait4's rusage for exited children.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STOP_TIMEOUT = 15.0


class BenchError(RuntimeError):
    """A benchmark could not run (a process died, a timeout passed): the message says which and where."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def script(name: str) -> str:
    path = BIN / name
    if not path.exists():
        raise BenchError(f"{name} is not installed at {path}; run `make install`")
    return str(path)


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM (peak resident set) of a running process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    """Direct children of a process (gunicorn's workers)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found += [int(p) for p in text]
    except OSError:
        pass
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    peak_mb: float | None = None  # VmHWM, read when it is stopped (a process that exits reports its own)
    exit_code: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class Processes:
    """Starts processes for one benchmark and guarantees they are all stopped at the end."""

    def __init__(self, logdir: Path) -> None:
        self.logdir = logdir
        self.logdir.mkdir(parents=True, exist_ok=True)
        self.running: list[Proc] = []
        self._old: dict[int, Any] = {}

    def __enter__(self) -> Self:
        with _LIVE_LOCK:
            _LIVE.add(self)
        if threading.current_thread() is threading.main_thread():  # handlers can only be set there
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._old[sig] = signal.signal(sig, _on_signal)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop_all()
        with _LIVE_LOCK:
            _LIVE.discard(self)
        for sig, handler in self._old.items():
            signal.signal(sig, handler)

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> Proc:
        log = self.logdir / f"{name}.log"
        n = 1
        while log.exists():  # a name used twice in one run keeps both logs
            n += 1
            log = self.logdir / f"{name}.{n}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own group: gunicorn's workers are stopped with it
            )
        proc = Proc(name, popen, log)
        self.running.append(proc)
        return proc

    def wait(self, proc: Proc, timeout: float) -> int:
        """Wait for a process to exit by itself (bounded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status, _usage = os.wait4(proc.pid, os.WNOHANG)
            if pid == proc.pid:
                proc.exit_code = os.waitstatus_to_exitcode(status)
                proc.popen.returncode = proc.exit_code
                # Not usage.ru_maxrss: Linux keeps the pre-exec high-water mark, i.e. the forking parent's.
                self.running.remove(proc)
                return proc.exit_code
            time.sleep(0.02)
        self.stop(proc)
        raise BenchError(f"{proc.name} did not finish in {timeout:.0f} s; its log ({proc.log}):\n{proc.tail()}")

    def check_alive(self, proc: Proc) -> None:
        if proc.popen.poll() is not None:
            raise BenchError(f"{proc.name} exited with {proc.popen.returncode}; its log ({proc.log}):\n{proc.tail()}")

    def stop(self, proc: Proc) -> None:
        """SIGTERM its group, wait, SIGKILL what is left. Peak memory is read just before."""
        if proc.popen.poll() is None:
            pids = [proc.pid, *children(proc.pid)]
            peaks = [m for m in (peak_rss_mb(p) for p in pids) if m is not None]
            if peaks:
                proc.peak_mb = max(peaks)
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                proc.popen.wait(timeout=STOP_TIMEOUT)
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # the group: workers left by a master that died
        if proc.popen.poll() is None:
            proc.popen.wait(timeout=STOP_TIMEOUT)
        proc.exit_code = proc.popen.returncode
        if proc in self.running:
            self.running.remove(proc)

    def stop_all(self) -> None:
        for proc in list(reversed(self.running)):
            self.stop(proc)


_LIVE: set[Processes] = set()  # every open Processes, also those of other threads (a parallel smoke run)
_LIVE_LOCK = threading.Lock()


def _on_signal(signum: int, _frame: Any) -> None:
    """SIGTERM/SIGINT of the runner: stop every process any benchmark started, then stop the run."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for group in live:
        group.stop_all()
    raise KeyboardInterrupt(f"signal {signum}")


def install_signal_handlers() -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _on_signal)


def http_json(url: str, method: str = "GET", timeout: float = 10.0) -> Any:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def wait_http(url: str, proc: Proc, procs: Processes, timeout: float = 30.0) -> None:
    """Until GET url answers 200 (bounded); fails at once when the process died."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        procs.check_alive(proc)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
                last = f"HTTP {response.status}"
        except OSError as exc:
            last = type(exc).__name__
        time.sleep(0.1)
    raise BenchError(f"{proc.name} did not answer {url} in {timeout:.0f} s ({last}); log:\n{proc.tail()}")


def wait_line(proc: Proc, procs: Processes, prefix: str, timeout: float = 20.0) -> str:
    """The first line of the process's log that starts with `prefix` (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        procs.check_alive(proc)
        for line in proc.log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(prefix):
                return line
        time.sleep(0.05)
    raise BenchError(f"{proc.name} printed no '{prefix}' in {timeout:.0f} s; log:\n{proc.tail()}")


@contextmanager
def stub(procs: Processes, account_sid: str, auth_token: str, *flags: str) -> Iterator[tuple[Proc, str]]:
    """The fast Twilio stub as a process; yields it and its base URL."""
    argv = [sys.executable, "-m", "bench.twilio_stub_fast", "--account-sid", account_sid, "--auth-token", auth_token]
    proc = procs.start("twilio-stub", [*argv, *flags])
    try:
        port = int(wait_line(proc, procs, "listening ").split()[1])
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        procs.stop(proc)

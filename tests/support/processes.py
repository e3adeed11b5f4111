"""Real processes for the end-to-end tests and the benchmarks: started in their own group, logged, always stopped.

`Processes` is a context manager; leaving it (normally, on an exception, on SIGTERM/SIGINT of the
runner) terminates each group it started, then kills what is left. Each process writes stdout
and stderr to one log file, shown when something fails. Peak memory comes from /proc/<pid>/status
(VmHWM), read just before a process is stopped.
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
import urllib.error
import urllib.request
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STOP_TIMEOUT = 15.0


class ProcessError(RuntimeError):
    """A process died or did not get ready in time: the message says which, and ends with its log."""


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def script(name: str) -> str:
    """A console script installed next to this interpreter (gunicorn, f0care)."""
    path = BIN / name
    if not path.exists():
        raise ProcessError(f"{name} is not installed at {path}; run `make install`")
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
    """Direct children of a process (a gunicorn master's workers)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
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
    """A started process, the leader of its own process group, logging to `log_path`."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    peak_mb: float | None = None  # VmHWM, read when it is stopped
    exit_code: int | None = None

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def check_alive(self) -> None:
        """Raise ProcessError, with its log, when it has exited."""
        if not self.alive():
            raise ProcessError(
                f"{self.name} exited with {self.popen.returncode}; its log ({self.log_path}):\n{self.tail()}"
            )

    def stop(self) -> int | None:
        """SIGTERM its group, wait, SIGKILL what is left (workers of a master that died); the exit code."""
        if self.alive():
            peaks = [m for m in (peak_rss_mb(p) for p in [self.pid, *children(self.pid)]) if m is not None]
            self.peak_mb = max(peaks, default=None)
            with suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=STOP_TIMEOUT)
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        if self.alive():
            self.popen.wait(timeout=STOP_TIMEOUT)
        self.exit_code = self.popen.returncode
        return self.exit_code


class Processes:
    """Starts processes (logs in `logdir`, working directory `cwd`) and guarantees they are all stopped."""

    def __init__(self, logdir: Path, cwd: Path = ROOT) -> None:
        self.logdir = logdir
        self.cwd = cwd
        self.logdir.mkdir(parents=True, exist_ok=True)
        self.started: list[Proc] = []
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

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Proc:
        """Start `argv` in its own process group, stdout and stderr to `<logdir>/<name>.log`."""
        log = self.logdir / f"{name}.log"
        n = 1
        while log.exists():  # a name used twice keeps both logs
            n += 1
            log = self.logdir / f"{name}.{n}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                argv,
                cwd=self.cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own group: gunicorn's workers are stopped with it
            )
        proc = Proc(name, popen, log)
        self.started.append(proc)
        return proc

    def wait(self, proc: Proc, timeout: float) -> int:
        """Wait for a process to exit by itself (bounded); its exit code. Stopped and ProcessError when late."""
        try:
            proc.exit_code = proc.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.stop()
            raise ProcessError(f"{proc.name} did not finish in {timeout:.0f} s; its log:\n{proc.tail()}") from None
        return proc.exit_code

    def stop_all(self) -> None:
        """Stop every process still running, the last started first."""
        for proc in reversed(self.started):
            if proc.exit_code is None:
                proc.stop()

    def dump_logs(self, stream: IO[str] = sys.stderr) -> None:
        """Print every process's output (after a failed test; the logs hold no secrets: no form bodies)."""
        for proc in self.started:
            print(f"\n----- {proc.name} (pid {proc.pid}, exit {proc.popen.returncode}) -----", file=stream)
            print(proc.log()[-20000:], file=stream)


_LIVE: set[Processes] = set()  # every open Processes, also those of other threads (a parallel smoke run)
_LIVE_LOCK = threading.Lock()


def _on_signal(signum: int, _frame: Any) -> None:
    """SIGTERM/SIGINT of the runner: stop every process any Processes started, then stop the run."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for group in live:
        group.stop_all()
    raise KeyboardInterrupt(f"signal {signum}")


def install_signal_handlers() -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _on_signal)


def http_json(url: str, method: str = "GET", timeout: float = 10.0) -> Any:
    """GET (or POST with an empty body) `url` and decode its JSON answer."""
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def http_status(url: str) -> str:
    """What GET url answers, in a few words: "HTTP 200", "HTTP 503", "ConnectionRefusedError"."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except OSError as exc:  # not listening yet, or no worker booted yet
        return type(exc).__name__


def wait_http(url: str, proc: Proc, timeout: float = 30.0) -> None:
    """Until GET url answers 200 (bounded); fails at once when the process died."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        proc.check_alive()
        last = http_status(url)
        if last == "HTTP 200":
            return
        time.sleep(0.1)  # process start-up only
    raise ProcessError(f"{proc.name} did not answer {url} in {timeout:.0f} s ({last}); log:\n{proc.tail()}")


def wait_line(proc: Proc, prefix: str, timeout: float = 20.0) -> str:
    """The first line of the process's log that starts with `prefix` (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        proc.check_alive()
        for line in proc.log().splitlines():
            if line.startswith(prefix):
                return line
        time.sleep(0.05)  # process start-up only
    raise ProcessError(f"{proc.name} printed no '{prefix}' in {timeout:.0f} s; log:\n{proc.tail()}")

"""Gunicorn on loopback for benchmarks and load tests.

The server runs the real WSGI entry point with production settings, the way a deployment
does, so what is measured is what ships. The listening socket is bound here (port 0) and
handed to gunicorn as ``fd://`` so two benchmarks never race for a port.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

PROJECT_DIR = Path(__file__).resolve().parent.parent

# Filled in only when the caller's env does not say otherwise: production settings refuse
# to start without them, and plain http on loopback must not redirect to https.
LOOPBACK_DEFAULTS = {
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
}


class GunicornError(RuntimeError):
    """Gunicorn did not start or died; the message carries the tail of its log."""


def gunicorn_command() -> list[str]:
    """The venv's gunicorn script, else the running interpreter's module."""
    script = Path(sys.executable).with_name("gunicorn")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gunicorn"]


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(part) for part in text.split()]
    except FileNotFoundError:
        pass
    # Kernels without CONFIG_PROC_CHILDREN: scan every process's parent.
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name may contain spaces; fields after ")" are fixed.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Gunicorn:
    """``with Gunicorn(env) as server: … server.base_url …``

    ``env`` is laid over ``os.environ`` and the loopback defaults (ALLOWED_HOSTS, no https
    redirect); SECRET_KEY is random when neither sets it.
    """

    def __init__(
        self,
        env: dict[str, str],
        workers: int = 2,
        settings: str = "cms.settings.production",
        *,
        threads: int = 1,
        timeout: float = 120,
        start_timeout: float = 90,
        extra_args: list[str] | None = None,
        app: str = "cms.wsgi",
    ) -> None:
        self.env = env
        self.app = app
        self.workers = workers
        self.settings = settings
        self.threads = threads
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.extra_args = extra_args or []
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.base_url = ""
        self._log = None
        self._peak_kb = 0

    # Lifecycle -----------------------------------------------------------------------

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        env = {**os.environ, **LOOPBACK_DEFAULTS, **self.env}
        if not env.get("SECRET_KEY"):
            env["SECRET_KEY"] = secrets.token_urlsafe(50)
        env["DJANGO_SETTINGS_MODULE"] = self.settings
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), env.get("PYTHONPATH")]))

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(2048)
        self.port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        # Closed in stop(); gunicorn writes to it for the whole run.
        self._log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        command = [
            *gunicorn_command(),
            self.app,
            "--bind",
            f"fd://{sock.fileno()}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--timeout",
            str(int(self.timeout)),
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
            *self.extra_args,
        ]
        try:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT_DIR,
                env=env,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                pass_fds=[sock.fileno()],
            )
        finally:
            sock.close()
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def wait_ready(self, old_pids: set[int] | None = None) -> None:
        """Until every worker is booted and the site answers (any HTTP status)."""
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            self._check_alive()
            pids = set(self.worker_pids())
            if len(pids) >= self.workers and not (old_pids and pids & old_pids):
                try:
                    urllib.request.urlopen(self.base_url + "/", timeout=30).close()
                    return
                except urllib.error.HTTPError:
                    return
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
            time.sleep(0.2)
        raise GunicornError(
            f"gunicorn did not answer within {self.start_timeout:.0f} s\n{self.log_tail()}"
        )

    def restart_workers(self) -> None:
        """Replace every worker (SIGHUP): clears process-local caches, resets peak RSS."""
        self._remember_peak()
        old = set(self.worker_pids())
        assert self.process is not None
        self.process.send_signal(signal.SIGHUP)
        self.wait_ready(old_pids=old)

    def prime(self, path: str, rounds: int = 2) -> None:
        """Request ``path`` on every worker (in parallel, so each worker takes some)."""
        if not path:
            return
        with ThreadPoolExecutor(self.workers * self.threads * rounds) as pool:
            list(pool.map(self._fetch, [path] * (self.workers * self.threads * rounds)))

    def _fetch(self, path: str) -> int:
        """The status of ``path``; 0 when it did not answer in time (the run goes on, and
        the load run that follows shows the slowness)."""
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=self.timeout) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            return 0

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self._remember_peak()
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._log is not None:
            self._log.close()
            Path(self._log.name).unlink(missing_ok=True)
            self._log = None

    # Inspection ----------------------------------------------------------------------

    def worker_pids(self) -> list[int]:
        if self.process is None or self.process.poll() is not None:
            return []
        return _children(self.process.pid)

    def rss_mb(self) -> float:
        """Largest current resident size of a worker."""
        return max((_status_kb(pid, "VmRSS") for pid in self.worker_pids()), default=0) / 1024

    def peak_rss_mb(self) -> float:
        """Largest peak resident size (VmHWM) of any worker this server has had."""
        self._remember_peak()
        return self._peak_kb / 1024

    def _remember_peak(self) -> None:
        for pid in self.worker_pids():
            self._peak_kb = max(self._peak_kb, _status_kb(pid, "VmHWM"))

    def log_tail(self, lines: int = 30) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        text = Path(self._log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def _check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            raise GunicornError(f"gunicorn exited (code {code})\n{self.log_tail()}")

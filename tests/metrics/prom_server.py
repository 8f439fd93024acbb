"""A real Prometheus (Debian's `prometheus` binary) on a free loopback port, scraping given targets every second.

Used by the metric tests and bench/bench_metrics.py. Its config and storage live in a temporary directory;
`stop()` terminates it (then kills it) so no Prometheus outlives a test session.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

BINARY_HINT = "install it: apt-get install --no-install-recommends prometheus"


def prometheus_binary() -> str | None:
    found = shutil.which("prometheus")
    if found is None and os.access("/usr/bin/prometheus", os.X_OK):
        found = "/usr/bin/prometheus"
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalPrometheus:
    def __init__(self, binary: str, targets: list[str], *, scrape_interval: str = "1s"):
        self.binary = binary
        self.targets = targets
        self.scrape_interval = scrape_interval
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._dir = tempfile.TemporaryDirectory(prefix="launchpad-prometheus-")
        self.log_path = Path(self._dir.name) / "prometheus.log"

    def start(self, ready_within: float = 60.0) -> "LocalPrometheus":
        folder = Path(self._dir.name)
        targets = ", ".join(f'"{target}"' for target in self.targets)
        (folder / "prometheus.yml").write_text(
            f"global:\n  scrape_interval: {self.scrape_interval}\n  scrape_timeout: {self.scrape_interval}\n"
            f"scrape_configs:\n  - job_name: demo\n    static_configs:\n      - targets: [{targets}]\n",
            encoding="utf-8")
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [self.binary, f"--config.file={folder / 'prometheus.yml'}", f"--storage.tsdb.path={folder / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        give_up = time.monotonic() + ready_within
        while time.monotonic() < give_up:
            if self.process.poll() is not None:
                raise RuntimeError(f"prometheus exited with {self.process.returncode}: {self.log()}")
            try:
                if httpx.get(f"{self.url}/-/ready", timeout=1.0, trust_env=False).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"prometheus was not ready within {ready_within:g}s: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def close(self) -> None:
        self.stop()
        self._dir.cleanup()

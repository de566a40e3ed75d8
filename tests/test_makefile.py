"""`make serve` / `make demo`: the address they print is the one they serve on, and Ctrl-C stops the
server and its task worker with one clean line (no "Segmentation fault", no worker left behind)."""

import os
import pty
import select
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read_until(fd, marker: bytes, deadline: float) -> bytes:
    seen = b""
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the terminal closed: everything has exited
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_make_demo_prints_the_port_it_serves_on():
    plan = subprocess.run(
        ["make", "-n", "demo", "PORT=8101"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "manage.py load_demo --url http://127.0.0.1:8101/" in plan.stdout
    assert "runserver --noreload 127.0.0.1:8101" in plan.stdout


def test_ctrl_c_stops_make_serve_cleanly(tmp_path):
    port = _free_port()
    env = {**os.environ, "FIRSTLINE_VAR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "firstline.settings"}
    env.pop("DATABASE_URL", None)
    # -o: never reinstall here, whatever the stamp's age; Ctrl-C is typed into a real terminal, so
    # SIGINT reaches make, the shell, the server and the worker together, as it does for a person.
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.execvpe("make", ["make", "-o", ".venv/.installed-stamp", "serve", f"PORT={port}"], env)
    try:
        started = _read_until(fd, b"Quit the server with CONTROL-C.", time.monotonic() + 60)
        assert f"Serving on http://127.0.0.1:{port}/".encode() in started
        assert b"Quit the server with CONTROL-C." in started
        worker_log = tmp_path / "worker.log"
        deadline = time.monotonic() + 60
        while "Starting worker" not in (worker_log.read_text() if worker_log.exists() else ""):
            assert time.monotonic() < deadline, "the task worker did not start"
            time.sleep(0.2)
        os.write(fd, b"\x03")
        stopped = _read_until(fd, b"\0", time.monotonic() + 30)
        _, status = os.waitpid(pid, 0)
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.close(fd)
    text = stopped.decode(errors="replace")
    assert "Segmentation fault" not in text and "Interrupt" not in text and "Error" not in text
    assert text.strip().splitlines()[-1].strip().lstrip("^C") == "Stopped the server and the task worker."
    left = subprocess.run(
        ["pgrep", "-f", f"runserver --noreload 127.0.0.1:{port}"], capture_output=True, text=True
    )
    assert left.stdout == ""
    assert "shutting down" in worker_log.read_text()  # the worker was stopped, and waited for

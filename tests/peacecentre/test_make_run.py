"""`make run`'s processes (the Procfile under honcho) stop quietly on Ctrl-C.

The test starts the Procfile's web, worker, beat and relay under honcho as `make run` does, on the
filesystem broker and the test database, waits until all four are up, then sends SIGINT to
honcho's process group as a terminal's Ctrl-C does. Honcho then sends SIGTERM to each
process's group: the worker must make a warm shutdown, with no pool process killed under it
(once logged as "ERROR ... ForkPoolWorker-1 exited with 'signal 15 (SIGTERM)'").
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

STARTED = {
    "web": "Starting development server at",
    "worker": "ready.",
    "beat": "beat: Starting...",
    "relay": "Outbox relay started",
}
START_TIMEOUT = 60  # seconds, on a busy two-core machine
STOP_TIMEOUT = 15  # honcho kills what is left 5 seconds after the first process stops


def database_url() -> str:
    """The test database, for processes started outside this one."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Output:
    """Lines of a process's output, read as they come."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def text(self) -> str:
        return "\n".join(self.lines)

    def has(self, process: str, words: str) -> bool:
        """Did the process (honcho's prefix "12:00:00 worker.1 | ") print these words?"""
        return any(
            line.split("|", 1)[0].split()[-1:] == [f"{process}.1"] and words in line
            for line in self.lines
        )

    def finish(self) -> str:
        self._thread.join(timeout=5)
        return self.text()


def test_ctrl_c_stops_web_worker_beat_and_relay_without_errors(transactional_db, tmp_path):
    base = Path(settings.BASE_DIR)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peacecentre.settings.dev",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": "filesystem://",
        "PEACECENTRE_VAR_DIR": str(tmp_path),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
    }
    honcho = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "honcho",
            "start",
            "--no-colour",
            "-f",
            "Procfile",
            "-p",
            str(free_port()),
        ],
        cwd=base,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a group of its own, like a job in a terminal
    )
    output = Output(honcho.stdout)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not all(output.has(name, words) for name, words in STARTED.items()):
            assert honcho.poll() is None, f"honcho stopped before all started:\n{output.text()}"
            assert time.monotonic() < deadline, f"not all started:\n{output.text()}"
            time.sleep(0.2)

        stop_asked = time.monotonic()
        os.killpg(honcho.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
        returncode = honcho.wait(timeout=STOP_TIMEOUT)
        stopped_in = time.monotonic() - stop_asked
    finally:
        if honcho.poll() is None:  # the test failed: leave nothing running
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait()
            for pid in re.findall(r"started \(pid=(\d+)\)", output.text()):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(int(pid), signal.SIGKILL)  # each in a session of its own
    text = output.finish()

    assert returncode == 130, text  # honcho's answer to SIGINT
    assert "SIGINT received" in text
    assert output.has("worker", "worker: Warm shutdown")
    for word in ("ERROR", "Traceback", "CRITICAL"):
        assert word not in text, f"{word} after Ctrl-C:\n{text}"
    assert stopped_in < STOP_TIMEOUT, stopped_in

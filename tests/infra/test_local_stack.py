"""deploy/local/stack.sh behaves under repeat and failure (FerretDB on spare ports).

Kafka shares the same start/stop/pid-file code; FerretDB starts in about a
second, so it carries these checks. A separate data dir and port keep this test
away from the stack the rest of the suite uses.
"""

import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from trellis_shared.testing.infrastructure import STACK_SCRIPT

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def stack(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TRELLIS_MONGODB_URI", "TRELLIS_KAFKA_BOOTSTRAP")
    }
    env.update(
        {"TRELLIS_DATA_DIR": str(tmp_path / "data"), "TRELLIS_FERRETDB_PORT": str(free_port())}
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(STACK_SCRIPT), *args, "ferretdb"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    yield run, tmp_path / "data" / "ferretdb" / "ferretdb.pid"
    run("down")


def test_up_is_idempotent_and_survives_a_stale_pid_file(stack) -> None:  # type: ignore[no-untyped-def]
    run, pid_file = stack
    first = run("up")
    assert first.returncode == 0, first.stdout + first.stderr
    pid = int(pid_file.read_text().split()[0])

    again = run("up")
    assert again.returncode == 0
    assert "already running" in again.stdout
    assert int(pid_file.read_text().split()[0]) == pid

    os.kill(pid, signal.SIGKILL)
    restarted = run("up")
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    assert int(pid_file.read_text().split()[0]) != pid

    status = run("status")
    assert status.returncode == 0
    assert "running" in status.stdout


def test_down_with_nothing_running_is_fine(stack) -> None:  # type: ignore[no-untyped-def]
    run, _ = stack
    assert run("down").returncode == 0
    assert run("down").returncode == 0
    assert run("status").returncode == 3

"""`make run` from an empty data directory to the printed portal URL (target < 3 min).

Runs the real `make run` with a fresh TRELLIS_DATA_DIR and its own Kafka and
FerretDB ports (caches warm: the jars, the FerretDB binary, the Python
environment and the compiled matching loops are already on the machine), times
each milestone it prints, then stops it with Ctrl-C and takes its stack down.
The services listen on their usual ports (50051-50054, 8000), so nothing else
may hold them while this runs.

    python -m benchmarks.first_run
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 180.0
DONE_LINE = "Press Ctrl-C to stop."
MILESTONES = (
    "kafka: ready",
    "ferretdb: ready",
    "run: portal is serving",
    "run: posting demo opportunities",
    "run: Trellis is running",
)
SERVICE_PORTS = (50050, 50051, 50052, 50053, 50054, 8000)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def busy(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def main() -> int:
    taken = [port for port in SERVICE_PORTS if busy(port)]
    if taken:
        print(f"[trellis] bench first-run: skipped, ports {taken} are in use (stop `make run`)")
        return 0
    data_dir = Path(tempfile.mkdtemp(prefix="trellis-first-run-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRELLIS_")},
        "TRELLIS_DATA_DIR": str(data_dir),
        "TRELLIS_KAFKA_PORT": str(free_port()),
        "TRELLIS_KAFKA_CONTROLLER_PORT": str(free_port()),
        "TRELLIS_FERRETDB_PORT": str(free_port()),
    }
    print(f"[trellis] bench first-run: `make run` with an empty {data_dir} ...")
    start = time.monotonic()
    seen: dict[str, float] = {}
    run = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert run.stdout is not None
        for line in run.stdout:
            elapsed = time.monotonic() - start
            for milestone in MILESTONES:
                if milestone in line and milestone not in seen:
                    seen[milestone] = elapsed
            if DONE_LINE in line:
                seen[DONE_LINE] = elapsed
                break
    finally:
        os.killpg(run.pid, signal.SIGINT)
        try:
            run.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
        subprocess.run(
            ["bash", "deploy/local/stack.sh", "down"], cwd=REPO_ROOT, env=env, check=False,
            capture_output=True,
        )  # fmt: skip
    for milestone in MILESTONES:
        at = seen.get(milestone)
        print(f"  {milestone:<36} {'-' if at is None else f'{at:6.1f} s'}")
    total = seen.get(DONE_LINE)
    if total is None:
        print("[trellis] bench first-run: `make run` did not finish (see its output above)")
        return 1
    verdict = "ok" if total < TARGET_S else "OVER TARGET"
    print(
        f"first-run  portal URL printed after {total:.1f} s (target < {TARGET_S:.0f} s) {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

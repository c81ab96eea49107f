"""Start-up: from typing `codesign serve` to a warm pool, the figure that says how early to start.

Run: .venv/bin/python benchmarks/bench_startup.py   (about 2–4 minutes)

For each pool size, on a fresh copy of the demo workshop (`codesign init`, `codesign
demo`), runs `codesign serve --port 0 --participants N` exactly as a facilitator would (both
servers, loopback only) and times from launching it to (1) its two URLs printed and
(2) a warm pool: N kernels started, each has run the participant notebook, and the whole
process tree has gone idle (Voilà reports the pool "filled" before the notebooks have
run, so its log line comes too early). Ctrl-C then stops it, as a facilitator would.
The smaller pool is the baseline: what a pool of any size costs before its kernels.
"""

import asyncio
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docs_figures
import server_processes as procs

from codesign.serving import serve

CODESIGN = str(Path(sys.executable).with_name("codesign"))
PARTICIPANTS = (8, serve.DEFAULT_PARTICIPANTS)  # pools of 10 and 50
WARM_TIMEOUT = 300  # seconds: a pool that is not warm by then is a failure, not a figure
STOP_TIMEOUT = 60


def codesign(*args: str) -> None:
    subprocess.run([CODESIGN, *args], check=True, stdout=subprocess.DEVNULL)


def urls_printed(proc: subprocess.Popen[str]) -> None:
    """Read `codesign serve`'s two lines; its stdout closing first means it failed."""
    assert proc.stdout is not None
    for prefix in ("Participants: http://127.0.0.1:", "Facilitator: http://127.0.0.1:"):
        line = proc.stdout.readline()
        if not line.startswith(prefix):
            raise SystemExit(f"codesign serve printed {line!r}, not {prefix}…")


def time_to_warm(db: str, participants: int) -> tuple[float, float]:
    """Seconds from launching `codesign serve` to its URLs, and to a warm pool."""
    pool = serve.size_for(participants).pool
    started = time.monotonic()
    proc = subprocess.Popen(
        [CODESIGN, "serve", "--port", "0", "--participants", str(participants), "--db", db],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        urls_printed(proc)
        printed = time.monotonic() - started
        if not asyncio.run(procs.wait_quiet(proc.pid, pool, timeout=WARM_TIMEOUT)):
            raise SystemExit(f"a pool of {pool} was not warm within {WARM_TIMEOUT} s")
        return printed, time.monotonic() - started
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[str]) -> None:
    """Ctrl-C, as a facilitator would; `serve`'s servers die with it if it must be killed."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main() -> None:
    rows: list[docs_figures.Row] = []
    print(f"{'--pool':>6} {'URLs printed':>13} {'pool warm':>10}")
    for participants in PARTICIPANTS:
        pool = serve.size_for(participants).pool
        with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
            db = f"sqlite:///{folder}/demo.sqlite"
            codesign("init", "--db", db)
            codesign("demo", "--db", db)
            printed, warm = time_to_warm(db, participants)
        print(f"{pool:>6} {printed:>12.1f}s {warm:>9.1f}s")
        rows.append({"--pool": pool, "URLs printed (s)": printed, "pool warm (s)": warm})
    docs_figures.record("startup", rows)


if __name__ == "__main__":
    main()

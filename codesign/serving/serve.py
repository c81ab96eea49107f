"""`codesign serve`: Voilà for participants and JupyterLab for facilitators, side by side.

Participants are served ONLY `notebooks/participant.ipynb`, standalone (in directory
mode Voilà would list and render every notebook and preheat a pool for each), through
codesign's template (Exit this page, helpline, mobile CSS), with gzip, tracebacks off,
sources stripped, template and theme locked. Kernels are preheated for a room arriving
at once (a long refill delay, or the refills themselves take the 2 cores), and idle
kernels are culled because Voilà 0.5.13's tab-close shutdown fails (voila#1458).
Facilitators get JupyterLab on another port over `notebooks/`, behind a generated
secret that is part of the printed URL. Both listen on 127.0.0.1 unless told otherwise.
"""

import ctypes
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from codesign.config import ENV_VAR, PROJECT_ROOT, database_url
from codesign.serving import kernels

NOTEBOOKS = PROJECT_ROOT / "notebooks"
PARTICIPANT_NOTEBOOK = NOTEBOOKS / "participant.ipynb"
JUPYTER_DATA = Path(__file__).resolve().parents[1] / "share" / "jupyter"
TEMPLATE = "codesign"
DEFAULT_POOL = 50
DEFAULT_PARTICIPANTS = 40
DEFAULT_MB_PER_PARTICIPANT = 200
KERNEL_MB = 80  # a participant kernel's RSS, measured (benchmarks/bench_participant_page.py)
SERVERS_MB = 350  # Voilà itself (about 200 MB under load) and JupyterLab (about 150 MB)
POOL_HEADROOM = 4  # one spare warm kernel per 4 people: reloads and second devices
FILL_DELAY_SECONDS = 10
CELL_ERROR = "Sorry, this page could not load. Please reload it, or ask a facilitator for help."
STOP_SECONDS = 3
PR_SET_PDEATHSIG = 1
STATUS_PATH = "codesign/status"  # served by codesign.serving.voila_app
EXIT_PATH = "codesign/exit"  # likewise: "Exit this page" clears the site's cookies here


class BudgetTooSmall(ValueError):
    """The memory budget cannot hold the pool and a kernel for everyone expected."""


@dataclass(frozen=True)
class Sizing:
    """Pool and kernel cap for a room: what `codesign serve --participants N` runs with."""

    participants: int
    pool: int
    max_in_use: int

    @property
    def memory_mb(self) -> int:
        """The most these kernels and the servers can take together."""
        return SERVERS_MB + (self.pool + self.max_in_use) * KERNEL_MB


def size_for(participants: int, mb_per_participant: int = DEFAULT_MB_PER_PARTICIPANT) -> Sizing:
    """Size the pool from the people expected, and cap the kernels by the memory budget.

    The pool has a kernel per person and a spare per 4 (1.25 per person, rounded down, so
    a room of 1 to 3 fits the default budget too), so a whole room arriving at once (and a
    few reloads) is served from warm kernels; whatever the budget (participants × MB each;
    the servers' own ~350 MB come on top) affords beyond the pool is the cap on kernels in
    use, so a flood of page loads is told "try again in a minute" instead of exhausting
    memory.
    """
    pool = participants + participants // POOL_HEADROOM
    affordable = participants * mb_per_participant // KERNEL_MB
    if affordable - pool < participants:
        needed = math.ceil((pool + participants) * KERNEL_MB / participants)
        raise BudgetTooSmall(
            f"{mb_per_participant} MB per participant cannot hold a warm pool of {pool} and "
            f"a kernel for each of {participants} people: allow at least {needed} MB."
        )
    return Sizing(participants, pool, affordable - pool)


@dataclass(frozen=True)
class Lifecycle:
    """How kernels are kept: see `codesign.serving.kernels` for why each rule exists."""

    max_in_use: int = 0  # kernels claimed by pages at most (0: no cap)
    per_client: int = kernels.PER_CLIENT
    join_grace: float = kernels.JOIN_GRACE_SECONDS
    away: float = kernels.AWAY_SECONDS
    sweep_interval: float = kernels.SWEEP_SECONDS

    def args(self) -> list[str]:
        return [f"--CodesignVoila.{name}={value}" for name, value in asdict(self).items()]


def voila_args(
    notebook: Path,
    host: str,
    port: int,
    pool: int,
    *,
    fill_delay: int = FILL_DELAY_SECONDS,
    lifecycle: Lifecycle = Lifecycle(),
) -> list[str]:
    """The Voilà options `serve` uses (benchmarks reuse them for a bare notebook)."""
    preheat = pool > 0
    return [
        str(notebook),
        "--no-browser",
        f"--Voila.ip={host}",
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--template={TEMPLATE}",
        "--theme=light",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--show_tracebacks=False",
        "--strip_sources=True",
        f"--VoilaExecutor.cell_error_instruction={CELL_ERROR}",
        "--VoilaConfiguration.file_allowlist=[]",
        f"--preheat_kernel={preheat}",
        f"--pool_size={pool}",
        f"--VoilaKernelManager.fill_delay={fill_delay}",
        # Kernels talk over local sockets, not TCP ports: a pool of 50 starting at once
        # drew the same free port twice ("ZMQError: Address already in use") and lost kernels.
        "--KernelManager.transport=ipc",
        *lifecycle.args(),
    ]


def lab_args(root: Path, host: str, port: int, token: str) -> list[str]:
    as_root = ["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []  # containers, CI
    return [
        *as_root,
        "--no-browser",
        f"--ServerApp.ip={host}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
    ]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _url_host(host: str) -> str:
    return socket.gethostname() if host in ("0.0.0.0", "", "::") else host


@dataclass
class Server:
    """A running `codesign serve`: its two URLs, its log, and `stop()`."""

    participant_url: str
    facilitator_url: str | None
    log_path: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self, grace: float = STOP_SECONDS) -> None:
        """Ask each server to shut down (they stop their kernels), then kill what is left.

        The grace is short because Voilà shuts a warm pool's kernels down one polite
        request at a time, which on a busy 2-core machine outlasts any patience at a
        Ctrl-C; a killed server's kernels exit on their own once their parent is gone.
        A second Ctrl-C while waiting kills at once instead of leaving servers behind.
        """
        for proc in self.processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        try:
            for proc in self.processes:
                proc.wait(max(0.0, deadline - time.monotonic()))
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            pass
        finally:
            for proc in self.processes:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)  # its own session: see _spawn
                    proc.wait()

    def wait(self) -> int:
        """Block until one of the servers exits; returns its exit code."""
        while True:
            for proc in self.processes:
                if (code := proc.poll()) is not None:
                    return code
            time.sleep(0.5)

    def status(self) -> dict[str, int]:
        """The participant server's counts: pool, warm, in_use, max_in_use, kernels."""
        with urllib.request.urlopen(self.participant_url + STATUS_PATH, timeout=10) as reply:
            counts: dict[str, int] = json.load(reply)
        return counts

    def wait_until_ready(self, timeout: float = 120) -> dict[str, int]:
        """Wait until every pool kernel has started and run the notebook, so a room
        arriving at once is served from the pool; returns the status then."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                counts = self.status()
            except OSError:
                counts = {}
            if counts and counts["warm"] >= counts["pool"]:
                return counts
            time.sleep(0.2)
        raise RuntimeError(f"The kernel pool was not ready within {timeout:.0f} s.")

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _die_with_parent() -> None:
    """On Linux, have the kernel send SIGTERM to the server if `serve` itself is killed,
    so a crashed or killed `serve` (or test run) leaves no servers and kernels behind."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _spawn(args: list[str], env: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    # A new session: Ctrl-C in the terminal reaches `serve` only, which then stops the
    # servers in order, instead of JupyterLab asking "Shutdown this server (y/[n])?".
    return subprocess.Popen(
        [sys.executable, *args], env=env, stdin=subprocess.DEVNULL, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent,
    )  # fmt: skip


def _wait_for_port(host: str, port: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"A server exited while starting (code {proc.returncode}).")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Nothing listened on {host}:{port} within {timeout:.0f} s.")


def start(
    db: str | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8866,
    pool: int = DEFAULT_POOL,
    facilitator: bool = True,
    facilitator_port: int = 0,
    notebook: Path = PARTICIPANT_NOTEBOOK,
    log_path: Path | None = None,
    timeout: float = 60,
    fill_delay: int = FILL_DELAY_SECONDS,
    lifecycle: Lifecycle = Lifecycle(),
) -> Server:
    """Start the participant (and facilitator) servers; returns once both accept connections.

    Port 0 means a free port. The database URL reaches every kernel as `$CODESIGN_DB`.
    """
    port = port or free_port(host)
    log_path = log_path or Path(tempfile.mkdtemp(prefix="codesign-serve-")) / "serve.log"
    env = {**os.environ, ENV_VAR: database_url(db)}
    env["JUPYTER_PATH"] = os.pathsep.join(
        filter(None, [str(JUPYTER_DATA), env.get("JUPYTER_PATH")])
    )
    log = log_path.open("ab")
    server = Server(f"http://{_url_host(host)}:{port}/", None, log_path)
    try:
        voila = _spawn(
            [
                "-m",
                "codesign.serving.voila_app",
                *voila_args(notebook, host, port, pool, fill_delay=fill_delay, lifecycle=lifecycle),
            ],
            env,
            log,
        )
        server.processes.append(voila)
        if facilitator:
            lab_port = facilitator_port or free_port(host)
            token = secrets.token_urlsafe(24)
            lab = _spawn(
                ["-m", "jupyterlab", *lab_args(NOTEBOOKS, host, lab_port, token)], env, log
            )
            server.processes.append(lab)
            server.facilitator_url = f"http://{_url_host(host)}:{lab_port}/lab?token={token}"
            _wait_for_port(host, lab_port, lab, timeout)
        _wait_for_port(host, port, voila, timeout)
    except BaseException:
        server.stop()
        raise
    finally:
        log.close()
    return server

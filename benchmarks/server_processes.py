"""A Voilà server's process tree read from /proc: its kernels, their memory, quiet moments.

Voilà starts one kernel process per page load (and per preheated pool slot) as a child of
its own process, so the tree under the server's pid is the whole server-side cost.
"""

import asyncio
import statistics
import time
from dataclasses import dataclass

import psutil

MB = 1024 * 1024
QUIET_WINDOW = 0.25  # seconds per CPU sample
QUIET_SHARE = 0.15  # of one core: the tree counts as idle below this


def _tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def _is_kernel(proc: psutil.Process) -> bool:
    try:
        return any("ipykernel" in part for part in proc.cmdline())
    except psutil.Error:
        return False


def kernels(server_pid: int) -> list[psutil.Process]:
    return [p for p in _tree(server_pid)[1:] if _is_kernel(p)]


def kernel_process(server_pid: int, kernel_id: str) -> psutil.Process | None:
    """The kernel whose connection file names `kernel_id` (the id the page was given)."""
    for proc in kernels(server_pid):
        try:
            if any(kernel_id in part for part in proc.cmdline()):
                return proc
        except psutil.Error:
            continue
    return None


def rss_mb(proc: psutil.Process) -> float:
    return proc.memory_info().rss / MB


@dataclass(frozen=True)
class Memory:
    """RSS (what `ps` shows) and PSS (shared pages split between processes) in MB."""

    server_rss: float
    kernel_rss: list[float]
    kernel_pss: list[float]

    @property
    def total_rss(self) -> float:
        return self.server_rss + sum(self.kernel_rss)

    @property
    def total_pss(self) -> float:
        return self.server_rss + sum(self.kernel_pss)

    @property
    def median_kernel_rss(self) -> float:
        return statistics.median(self.kernel_rss)


def memory(server_pid: int) -> Memory:
    rss, pss = [], []
    for proc in kernels(server_pid):
        try:
            full = proc.memory_full_info()
        except psutil.Error:  # a kernel culled or shut down while we looked
            continue
        rss.append(full.rss / MB)
        pss.append(full.pss / MB)
    return Memory(rss_mb(psutil.Process(server_pid)), rss, pss)


def cpu_seconds(server_pid: int) -> float:
    total = 0.0
    for proc in _tree(server_pid):
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


async def wait_quiet(server_pid: int, kernels_at_least: int = 0, timeout: float = 40) -> bool:
    """Wait until there are `kernels_at_least` kernels and the tree is idle; False if never.

    A pool kernel counts as started (Voilà logs the pool "filled") before it has run the
    notebook, and Voilà refills its pool `fill_delay` seconds after a kernel is taken, so
    a measurement that starts too soon would share the 2 cores with notebook runs.
    """
    deadline = time.monotonic() + timeout
    quiet_windows = 0
    while quiet_windows < 2:
        if time.monotonic() > deadline:
            return False
        before = cpu_seconds(server_pid)
        await asyncio.sleep(QUIET_WINDOW)
        busy = (cpu_seconds(server_pid) - before) / QUIET_WINDOW
        enough = len(kernels(server_pid)) >= kernels_at_least
        quiet_windows = quiet_windows + 1 if busy < QUIET_SHARE and enough else 0
    return True

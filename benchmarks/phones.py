"""Simulated phones: a page load at HTTP level, the page and then all its assets.

Twenty headless browsers saturate 2 cores by themselves, so a room arriving at once is
simulated with HTTP clients that do what a browser's network stack does and nothing
else: GET the page to its end (Voilà streams it while the kernel runs the notebook), then
fetch the page's assets six at a time, as browsers do per host. They open no kernel
websocket and render nothing, so they slightly understate the server's work.
"""

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

PER_HOST = 6
TIMEOUT = httpx.Timeout(60.0)


@dataclass(frozen=True)
class Load:
    """Seconds from the common start, and bytes as sent (`wire`) and as decoded."""

    first_byte: float
    html_done: float
    all_done: float
    wire_bytes: int
    body_bytes: int
    failures: int


async def _fetch(client: httpx.AsyncClient, url: str) -> tuple[int, int, bool]:
    async with client.stream("GET", url) as response:
        body = sum([len(chunk) async for chunk in response.aiter_bytes()])
        return response.num_bytes_downloaded, body, response.status_code == 200


async def load_page(
    page_url: str, assets: Sequence[str], *, gzip: bool = True, start: float | None = None
) -> Load:
    """One phone: the page, then every asset (paths under `page_url`), six at a time."""
    start = time.perf_counter() if start is None else start
    encoding = "gzip" if gzip else "identity"
    limits = httpx.Limits(max_connections=PER_HOST)
    async with httpx.AsyncClient(
        headers={"Accept-Encoding": encoding}, limits=limits, timeout=TIMEOUT
    ) as client:
        async with client.stream("GET", page_url) as response:
            first_byte = time.perf_counter() - start
            body = sum([len(chunk) async for chunk in response.aiter_bytes()])
            wire, ok = response.num_bytes_downloaded, response.status_code == 200
        html_done = time.perf_counter() - start
        gate = asyncio.Semaphore(PER_HOST)

        async def one(url: str) -> tuple[int, int, bool]:
            async with gate:
                return await _fetch(client, url)

        fetched = await asyncio.gather(*(one(page_url + path) for path in assets))
    return Load(
        first_byte,
        html_done,
        time.perf_counter() - start,
        wire + sum(f[0] for f in fetched),
        body + sum(f[1] for f in fetched),
        (not ok) + sum(not f[2] for f in fetched),
    )


async def crowd(page_url: str, assets: Sequence[str], count: int, start: float) -> list[Load]:
    """`count` phones that all arrive at `start` (a room scanning the QR code at once)."""
    return list(
        await asyncio.gather(*(load_page(page_url, assets, start=start) for _ in range(count)))
    )


async def trickle(page_url: str, assets: Sequence[str], count: int, spread: float) -> list[Load]:
    """`count` phones arriving evenly over `spread` seconds (people reloading their page)."""

    async def later(n: int) -> Load:
        await asyncio.sleep(spread * n / count)
        return await load_page(page_url, assets)

    return list(await asyncio.gather(*(later(n) for n in range(count))))

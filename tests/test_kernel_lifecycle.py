"""Participant kernels over HTTP on loopback: who keeps one, who loses it, and the caps.

A real `codesign serve` Voilà with a one-widget notebook and short timings (an 8 s join
grace, sweeps every second), driven the way browsers drive it: `GET /` for the page (the
kernel id is in the page), the kernel's websocket for a page that loaded its widgets, the
tab-close beacon's POST. Each scenario runs on its own thread and event loop.
"""

import asyncio
import re
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import nbformat
import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from codesign.serving import serve

GRACE = 8.0  # long enough for a page to load and join on a busy 2-core machine
LIFECYCLE = serve.Lifecycle(max_in_use=20, per_client=2, join_grace=GRACE, away=60,
                            sweep_interval=1)  # fmt: skip
WAIT = GRACE + 6  # the grace, two sweeps, and a busy machine's slack


def tiny_notebook(folder: Path) -> Path:
    path = folder / "tiny.ipynb"
    cell = nbformat.v4.new_code_cell("import ipywidgets\nipywidgets.Button(description='Hi')")
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nbformat.v4.new_notebook(cells=[cell], metadata={"kernelspec": kernelspec}),
                   path)  # fmt: skip
    return path


def start(folder: Path, pool: int, lifecycle: serve.Lifecycle) -> serve.Server:
    server = serve.start(
        f"sqlite:///{folder}/unused.sqlite", port=0, pool=pool, fill_delay=1, facilitator=False,
        notebook=tiny_notebook(folder), log_path=folder / "serve.log", lifecycle=lifecycle,
        timeout=120,
    )  # fmt: skip
    server.wait_until_ready(timeout=120)
    return server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[serve.Server]:
    with start(tmp_path_factory.mktemp("lifecycle"), 1, LIFECYCLE) as running:
        yield running


def run_apart(scenario: Callable[[], Awaitable[None]]) -> None:
    """Run an async scenario on a thread of its own, leaving the suite's event loop alone."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(scenario())  # type: ignore[arg-type]
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


async def open_page(browser: httpx.AsyncClient, url: str) -> str:
    """Load the page as a browser (cookies kept in `browser`); returns its kernel's id."""
    response = await browser.get(url)
    assert response.status_code == 200, response.status_code
    found = re.search(r'"kernelId": "([0-9a-f-]+)"', response.text)
    assert found, "the page names no kernel"
    return found.group(1)


async def alive(url: str, kernel_id: str) -> bool:
    async with httpx.AsyncClient() as client:
        return (await client.get(f"{url}api/kernels/{kernel_id}")).status_code == 200


async def join(url: str, kernel_id: str) -> WebSocketClientConnection:
    """What a page does once its scripts have loaded: open its kernel's websocket."""
    ws_url = url.replace("http://", "ws://") + f"api/kernels/{kernel_id}/channels"
    return await websocket_connect(HTTPRequest(ws_url, connect_timeout=30))


async def leave(socket: WebSocketClientConnection) -> None:
    """Close a page's websocket and wait until it is closed (its kernel may be gone)."""
    socket.close()
    while await socket.read_message() is not None:
        pass


async def until(check: Callable[[], Awaitable[bool]], timeout: float = WAIT) -> float:
    """Seconds until `check()` is true; fails after `timeout`."""
    start = time.monotonic()
    while not await check():
        assert time.monotonic() - start < timeout, "timed out"
        await asyncio.sleep(0.25)
    return time.monotonic() - start


def test_a_page_nobody_opens_loses_its_kernel_after_the_grace(server: serve.Server) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient() as stranger:
            kernel = await open_page(stranger, server.participant_url)
        took = await until(lambda: _gone(server, kernel), timeout=GRACE + 10)
        assert took >= GRACE - 1.5  # not before the grace (the page loaded ~1 s earlier)

    run_apart(scenario)


async def _gone(server: serve.Server, kernel: str) -> bool:
    return not await alive(server.participant_url, kernel)


def test_a_joined_page_keeps_its_kernel_and_a_reload_lets_the_old_one_go(
    server: serve.Server,
) -> None:
    async def scenario() -> None:
        url = server.participant_url
        async with httpx.AsyncClient() as phone:
            first = await open_page(phone, url)
            socket = await join(url, first)
            await asyncio.sleep(GRACE + 2)
            assert await alive(url, first)  # joined: kept past the grace
            await leave(socket)
            second = await open_page(phone, url)  # the reload, same cookies
            reloaded = await join(url, second)
            await until(lambda: _gone(server, first), timeout=5)
            assert await alive(url, second)
            await leave(reloaded)

    run_apart(scenario)


def test_one_browser_holds_at_most_its_cap_even_with_every_page_open(
    server: serve.Server,
) -> None:
    async def scenario() -> None:
        url = server.participant_url
        async with httpx.AsyncClient() as script:
            kernels, sockets = [], []
            for _ in range(3):
                kernels.append(await open_page(script, url))
                sockets.append(await join(url, kernels[-1]))
            assert not await alive(url, kernels[0])  # the oldest, though still connected
            assert all([await alive(url, kernel) for kernel in kernels[1:]])
            for socket in sockets:
                await leave(socket)

    run_apart(scenario)


def test_only_the_browser_that_opened_a_page_can_shut_its_kernel(server: serve.Server) -> None:
    """Voilà's tab-close beacon: a form POST carrying the page's `_xsrf` cookie."""

    async def beacon(browser: httpx.AsyncClient, kernel: str) -> int:
        token = browser.cookies.get("_xsrf") or ""
        response = await browser.post(f"{server.participant_url}voila/api/shutdown/{kernel}",
                                      data={"_xsrf": token})  # fmt: skip
        return response.status_code

    async def scenario() -> None:
        url = server.participant_url
        async with httpx.AsyncClient() as phone, httpx.AsyncClient() as other:
            kernel = await open_page(phone, url)
            socket = await join(url, kernel)
            await open_page(other, url)
            assert await beacon(other, kernel) == 403
            assert await alive(url, kernel)
            assert await beacon(phone, kernel) == 204
            assert not await alive(url, kernel)
            await leave(socket)

    run_apart(scenario)


def test_past_the_total_cap_new_pages_are_told_to_come_back(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    capped = serve.Lifecycle(max_in_use=2)  # a 90 s grace: the two pages stay claimed

    async def scenario(url: str) -> None:
        async with httpx.AsyncClient() as a, httpx.AsyncClient() as b, httpx.AsyncClient() as c:
            await open_page(a, url)
            await open_page(b, url)
            refused = await c.get(url)
            assert refused.status_code == 503 and "0808 2000 247" in refused.text
            assert refused.headers["Retry-After"] == "60"

    with start(tmp_path_factory.mktemp("capped"), 0, capped) as running:
        run_apart(lambda: scenario(running.participant_url))

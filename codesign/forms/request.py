"""The page request's query string (`?code=…`) inside a preheated Voilà kernel.

A preheated kernel runs the notebook before anyone asks for the page, so the request's
details arrive later over a small websocket that Voilà opens for the kernel. Voilà's own
helper (`voila.utils.wait_for_request`) does the same but imports jupyter_server,
nbconvert and jupyterlab_server on the way — about 50 MB more in every participant's
kernel and a pool that fills five times slower. Tornado is already loaded in every
kernel, so this reads the same message with it.
"""

import asyncio
import json
import os
import threading

from tornado.websocket import websocket_connect

CONNECT_TIMEOUT_SECONDS = 5.0


def query_url(environ: "os._Environ[str] | dict[str, str]") -> str:
    """Where Voilà (0.5) tells a preheated kernel about the request that claimed it."""
    protocol = environ.get("VOILA_WS_PROTOCOL", "ws")
    host = environ.get("VOILA_APP_IP", "127.0.0.1")
    port = environ.get("VOILA_APP_PORT", "8866")
    base = environ.get("VOILA_WS_BASE_URL", environ.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{host}:{port}{base}voila/query/{environ.get('VOILA_KERNEL_ID', '')}"


async def _receive(url: str) -> str | None:
    connection = await websocket_connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        message = await connection.read_message()
    finally:
        connection.close()
    return message if isinstance(message, str) else None


def _fetch(url: str) -> str | None:
    """Read one message on a private event loop: the kernel's own loop is busy running us."""
    result: list[str | None] = [None]

    def run() -> None:
        loop = asyncio.new_event_loop()
        try:
            result[0] = loop.run_until_complete(_receive(url))
        except (OSError, TimeoutError):
            result[0] = None  # no Voilà to ask (e.g. run outside it): behave as no query
        finally:
            loop.close()

    worker = threading.Thread(target=run, name="voila-request-info")
    worker.start()
    worker.join()
    return result[0]


def request_query() -> str:
    """The query string of the page request, waiting for it when the kernel was preheated."""
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        message = _fetch(query_url(os.environ))
        if message:
            for key, value in json.loads(message).items():
                os.environ[key] = str(value)
    return os.environ.get("QUERY_STRING", "")

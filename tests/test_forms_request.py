"""Reading the page's query string in a preheated kernel, without Voilà's heavy helper."""

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port
from tornado.web import Application
from tornado.websocket import WebSocketHandler

from codesign.forms import request


def test_query_url_follows_voila_environment() -> None:
    environ = {
        "VOILA_APP_IP": "127.0.0.1",
        "VOILA_APP_PORT": "9000",
        "VOILA_WS_BASE_URL": "/codesign/",
        "VOILA_KERNEL_ID": "abc",
    }
    assert request.query_url(environ) == "ws://127.0.0.1:9000/codesign/voila/query/abc"


def test_without_preheat_the_environment_already_holds_the_query(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "code=HKT479")
    assert request.request_query() == "code=HKT479"


class _Query(WebSocketHandler):
    def open(self, kernel_id: str) -> None:
        self.write_message(json.dumps({"QUERY_STRING": f"code=HKT479&k={kernel_id}"}))


@contextmanager
def voila_query_endpoint() -> Iterator[int]:
    """Voilà's `/voila/query/<kernel>` websocket, served on its own thread and event loop
    so the test never touches the event loop other tests (and nbval) are using."""
    ready = threading.Event()
    port: list[int] = []
    loop = asyncio.new_event_loop()

    def run() -> None:
        asyncio.set_event_loop(loop)
        sock, bound = bind_unused_port()
        server = HTTPServer(Application([(r"/voila/query/(.*)", _Query)]))
        server.add_sockets([sock])
        port.append(bound)
        ready.set()
        loop.run_forever()
        server.stop()
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield port[0]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def test_preheated_kernel_reads_the_request_over_the_websocket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k1")
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    monkeypatch.delenv("VOILA_WS_BASE_URL", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    with voila_query_endpoint() as port:
        monkeypatch.setenv("VOILA_APP_PORT", str(port))
        assert request.request_query() == "code=HKT479&k=k1"

"""Reading the page's query string in a preheated kernel, without Voilà's heavy helper."""

import json

import pytest
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
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


def test_preheated_kernel_reads_the_request_over_the_websocket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sock, port = bind_unused_port()
    server = HTTPServer(Application([(r"/voila/query/(.*)", _Query)]))
    server.add_sockets([sock])
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_KERNEL_ID", "k1")
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    monkeypatch.delenv("VOILA_WS_BASE_URL", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    loop = IOLoop.current()
    try:
        result = loop.run_sync(lambda: loop.run_in_executor(None, request.request_query), 20)
    finally:
        server.stop()
    assert result == "code=HKT479&k=k1"

"""What a participant's URL can reach on a real `codesign serve`: the participant form and
nothing else — no facilitator notebook, no file tree, no contents or kernel API through
which another group's data could be read. The facilitator server needs its secret.

Group isolation inside the form itself is the package's job (a participant actor reads
only its own group: see test_access_matrix.py); these tests close the HTTP side.
"""

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from codesign import store
from codesign.demo import workshop as demo
from codesign.serving import serve
from codesign.store import migrations

PARTICIPANT_PROBES = [
    "voila/render/facilitator.ipynb",
    "voila/render/session_review.ipynb",
    "voila/render/participant.ipynb",
    "voila/tree",
    "voila/tree/notebooks",
    "tree",
    "lab",
    "notebooks/facilitator.ipynb",
    "files/facilitator.ipynb",
    "voila/files/facilitator.ipynb",
    "voila/files/../workshop_data/codesign.sqlite",
    "voila/static/../../codesign/config.py",
    "api/contents",
    "api/contents/facilitator.ipynb",
    "api/kernels",
    "api/sessions",
    "api/terminals",
]
FACILITATOR_PROBES = ["lab", "tree", "api/contents", "api/contents/facilitator.ipynb",
                      "files/facilitator.ipynb", "api/kernels"]  # fmt: skip


def _status(url: str) -> tuple[int, str]:
    """HTTP status and the final URL (after redirects) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.url
    except urllib.error.HTTPError as error:
        return error.code, url


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[serve.Server]:
    url = f"sqlite:///{tmp_path_factory.mktemp('serve') / 'codesign.sqlite'}"
    migrations.upgrade(url)
    demo.load(url)
    store.dispose(url)
    with serve.start(url, port=0, pool=0, timeout=120) as server:
        yield server


def _lab_root(server: serve.Server) -> str:
    assert server.facilitator_url is not None
    return server.facilitator_url.split("/lab?")[0] + "/"


def test_servers_listen_on_localhost_only(served: serve.Server) -> None:
    assert served.participant_url.startswith("http://127.0.0.1:")
    assert _lab_root(served).startswith("http://127.0.0.1:")


def test_participant_url_serves_the_form(served: serve.Server) -> None:
    with urllib.request.urlopen(served.participant_url, timeout=120) as response:
        body = response.read().decode("utf-8")
    assert response.status == 200
    assert "Traceback" not in body and "import codesign" not in body


@pytest.mark.parametrize("path", PARTICIPANT_PROBES)
def test_participant_url_reaches_nothing_else(served: serve.Server, path: str) -> None:
    status, _ = _status(served.participant_url + path)
    assert status in (403, 404)


@pytest.mark.parametrize("path", FACILITATOR_PROBES)
def test_facilitator_server_needs_its_secret(served: serve.Server, path: str) -> None:
    status, final = _status(_lab_root(served) + path)
    assert status in (403, 404) or "/login" in final


def test_the_secret_opens_the_facilitator_server(served: serve.Server) -> None:
    """The control: with the token from the printed URL the same request works."""
    assert served.facilitator_url is not None
    token = served.facilitator_url.split("token=")[1]
    status, final = _status(f"{_lab_root(served)}api/contents/facilitator.ipynb?token={token}")
    assert status == 200 and "/login" not in final
    assert Path(serve.NOTEBOOKS / "facilitator.ipynb").exists()

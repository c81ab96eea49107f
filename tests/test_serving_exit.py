"""What the participant page leaves on a phone, on a real `codesign serve`: no cookie that
outlives the browser session, nothing at all after "Exit this page", and a policy that
lets no other origin's script run (issue 10, finding 11)."""

import urllib.request
from collections.abc import Iterator
from email.message import Message

import pytest

from codesign import store
from codesign.serving import serve
from codesign.serving.voila_app import NEUTRAL_PAGE
from codesign.store import migrations


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Message, str]]:
    """The participant page's URL, its response headers and its body."""
    url = f"sqlite:///{tmp_path_factory.mktemp('exit') / 'codesign.sqlite'}"
    migrations.upgrade(url)
    store.dispose(url)
    with (
        serve.start(url, port=0, pool=0, timeout=120) as server,
        urllib.request.urlopen(server.participant_url, timeout=120) as response,
    ):
        yield server.participant_url, response.headers, response.read().decode()


def test_no_cookie_outlives_the_browser_session(page: tuple[str, Message, str]) -> None:
    cookies = page[1].get_all("Set-Cookie") or []
    assert {c.split("=", 1)[0] for c in cookies} >= {"_xsrf", "codesign_client"}
    lasting = [c for c in cookies if "expires=" in c.lower() or "max-age" in c.lower()]
    assert lasting == []


def test_exit_clears_every_cookie_and_the_site_data(page: tuple[str, Message, str]) -> None:
    base, headers, body = page
    assert 'href="codesign/exit"' in body and '"codesign/exit"' in body  # link and script
    sent = [c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or []]
    request = urllib.request.Request(base + serve.EXIT_PATH, headers={"Cookie": "; ".join(sent)})
    with urllib.request.urlopen(request, timeout=60) as reply:
        assert f'window.location.replace("{NEUTRAL_PAGE}")' in reply.read().decode()
    assert {"cookies", "storage", "cache"} <= set(
        reply.headers["Clear-Site-Data"].replace('"', "").replace(" ", "").split(",")
    )
    cleared = reply.headers.get_all("Set-Cookie") or []
    assert {c.split("=", 1)[0] for c in cleared} == {s.split("=", 1)[0] for s in sent}
    assert all("max-age=0" in c.lower() or "expires=" in c.lower() for c in cleared)


def test_the_page_runs_script_from_this_server_only(page: tuple[str, Message, str]) -> None:
    policy = [p.strip() for p in page[1]["Content-Security-Policy"].split(";")]
    scripts = next(p for p in policy if p.startswith("script-src"))
    assert scripts.split()[1:] == ["'self'", "'unsafe-inline'", "'unsafe-eval'"]
    assert "object-src 'none'" in policy and "frame-ancestors 'self'" in policy

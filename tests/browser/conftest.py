"""A real `codesign serve` on a free port over a demo database, and Debian's Chromium.

One server and one browser for the whole browser suite; each test opens fresh browser
contexts (nothing cached or stored between them). Browser tests never skip in CI: a
missing Chromium or axe-core fails there, and only skips on a developer's machine.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

from codesign import store
from codesign.demo import workshop as demo
from codesign.serving import serve
from codesign.store import migrations

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / ".cache/node/node_modules/axe-core/axe.min.js"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PHONE: ViewportSize = {"width": 390, "height": 844}
NARROW: ViewportSize = {"width": 360, "height": 740}
NEUTRAL_SITE = "https://www.bbc.co.uk/"


def need(path: Path, what: str) -> None:
    if path.exists():
        return
    message = f"{what} not found at {path}: run `make setup`"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def served_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('served') / 'demo.sqlite'}"
    migrations.upgrade(url)
    demo.load(url)
    yield url
    store.dispose(url)


@pytest.fixture(scope="session")
def server(served_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[serve.Server]:
    """Pool of 3 refilled after 1 s: tests load pages one after another, not in a burst."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    running = serve.start(served_db, port=0, pool=3, fill_delay=1, log_path=log)
    try:
        running.wait_until_ready()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    need(CHROMIUM, "Chromium")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=1)
    # No network here: the neutral site the Exit control goes to answers locally.
    ctx.route(f"{NEUTRAL_SITE}**", lambda route: route.fulfill(body="<h1>Weather</h1>"))
    ctx.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()

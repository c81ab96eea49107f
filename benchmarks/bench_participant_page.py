"""The participant page against a bare one-widget Voilà notebook, served the same way.

Run: .venv/bin/python benchmarks/bench_participant_page.py   (about 5–6 minutes)

Both notebooks are served by `codesign.serve.start` with the settings `codesign serve`
uses (codesign template, gzip, preheated pool of 50, fill_delay 10, culling), one after
the other on the same machine in the same run, so every participant figure is printed
beside the bare notebook's. Per notebook:

1. single participant (fresh server): 10 loads in Debian Chromium, each in a fresh
   browser context, timed from navigation until `click(trial=True)` succeeds on the first
   control (Join / Submit). Loads come in batches that end before the first pool refill
   fires, and the server is left to finish its refills between batches, so each load
   meets a quiet server. Then bytes per page load (the browser's own count through the
   DevTools protocol, and an HTTP client with and without `Accept-Encoding: gzip`), and
   10 submits: click → row committed, seen by polling the database.
2. burst (fresh server): one participant joins and waits on the form; then 39 simulated
   phones (page + all assets, 6 requests at a time) and one real browser arrive at the
   same instant while the waiting participant keeps submitting. Then 20 reloads over
   5 s, and once the pool has refilled, the memory of the server and its kernels.

Goals (issue 3): TTI ≤ 1.3× bare; burst p95 all-assets ≤ 4.5 s and the real browser
interactive ≤ 2 s; ≤ 70 MB RSS per kernel; ≤ 1.5 MB per page load.
"""

import asyncio
import math
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import bare_notebook
import phones
import server_processes as procs
from playwright.async_api import Browser, Locator, Page, Response, async_playwright, expect

from codesign import demo, migrations, serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PHONE = {"width": 390, "height": 844}
LOAD_MS = 60_000
POOL = serve.DEFAULT_POOL
FILL_DELAY = serve.FILL_DELAY_SECONDS
LOADS = 10
SUBMITS = 10
CROWD = 40
RELOADS = 20
RELOAD_SPREAD = 5.0
BATCH_SECONDS = FILL_DELAY - 3  # start no load later than this after a batch's first
PAUSE = 0.2  # seconds between one submit's end and typing the next, as a person would
AGREE = "I agree to take part and for what I write and my votes to be used to design the programme."
NOTED = "I have noted my code — continue"
MB = 1024 * 1024
STARTED = time.monotonic()


def note(text: str) -> None:
    """Progress on stderr, so a slow phase on a busy machine shows where the time went."""
    print(f"[{time.monotonic() - STARTED:4.0f} s] {text}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Form:
    """What the benchmark needs to know about a notebook's form."""

    name: str
    notebook: Path
    db_url: str
    table: str  # where a submitted text lands
    first_control: Callable[[Page], Locator]
    box: Callable[[Page], Locator]
    send: Callable[[Page], Locator]
    get_ready: Callable[[Page], Awaitable[None]]  # from a loaded page to a form to submit
    # After a commit, until the kernel has finished the click: ipywidgets holds back a
    # value update while an earlier message is unanswered but sends a click at once, so
    # typing the next text too early would let the click overtake it.
    settled: Callable[[Page, str], Awaitable[None]]

    def saved(self, text: str) -> bool:
        path = self.db_url.removeprefix("sqlite:///")
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            query = f"SELECT 1 FROM {self.table} WHERE text = ?"  # table: one of our constants
            return db.execute(query, (text,)).fetchone() is not None


def bare_form(folder: Path) -> Form:
    notebook, url = bare_notebook.create(folder)

    async def ready(page: Page) -> None:
        await page.get_by_placeholder("Your idea").wait_for()

    async def settled(page: Page, text: str) -> None:
        await expect(page.get_by_text(f"Saved: {text}")).to_be_visible(timeout=LOAD_MS)

    def submit(page: Page) -> Locator:
        return page.get_by_role("button", name="Submit")

    return Form(
        "bare", notebook, url, table="sub", first_control=submit,
        box=lambda page: page.get_by_placeholder("Your idea"), send=submit,
        get_ready=ready, settled=settled,
    )  # fmt: skip


def participant_form(folder: Path) -> Form:
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    migrations.upgrade(url)
    demo.load(url)
    code = demo.demo_code("bc-live")

    def box(page: Page) -> Locator:
        return page.get_by_label("Your idea or comment")

    async def join_and_consent(page: Page) -> None:
        await page.get_by_label("Session code").fill(code)
        await page.get_by_role("button", name="Join", exact=True).click()
        await page.get_by_role("checkbox", name=AGREE).check()
        await page.get_by_role("button", name="Continue").click()
        await page.get_by_role("button", name=NOTED).click()
        await box(page).wait_for()

    async def settled(page: Page, _text: str) -> None:
        await expect(box(page)).to_have_value("", timeout=LOAD_MS)  # cleared after the save

    return Form(
        "participant", serve.PARTICIPANT_NOTEBOOK, url, table="contributions",
        first_control=lambda page: page.get_by_role("button", name="Join", exact=True),
        box=box, send=lambda page: page.get_by_role("button", name="Send"),
        get_ready=join_and_consent, settled=settled,
    )  # fmt: skip


# --- the server and the browser ---------------------------------------------------------


@contextmanager
def served(form: Form, folder: Path) -> Iterator[serve.Server]:
    """`codesign serve`'s Voilà (no facilitator server) with its pool full."""
    server = serve.start(form.db_url, port=0, pool=POOL, fill_delay=FILL_DELAY,
                         facilitator=False, notebook=form.notebook,
                         log_path=folder / f"{form.name}-{time.time_ns()}.log")  # fmt: skip
    with server:
        server.wait_until_warm(timeout=180)
        yield server


def pid(server: serve.Server) -> int:
    return server.processes[0].pid


async def new_page(browser: Browser) -> Page:
    """A fresh context: nothing cached. The page's CDN font CSS fails fast, as offline."""
    context = await browser.new_context(viewport=PHONE)
    await context.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
    page = await context.new_page()
    page.set_default_timeout(LOAD_MS)
    return page


async def time_to_interactive(page: Page, url: str, form: Form) -> float:
    start = time.perf_counter()
    await page.goto(url, wait_until="commit")  # not 'load': a dead CDN could delay it
    await form.first_control(page).click(trial=True, timeout=LOAD_MS)
    return time.perf_counter() - start


async def round_trip(page: Page, form: Form, text: str) -> float:
    """Click → the row is committed and visible to another process."""
    await form.box(page).fill(text)
    start = time.perf_counter()
    await form.send(page).click()
    while not form.saved(text):
        if time.perf_counter() - start > LOAD_MS / 1000:
            shown = (await page.inner_text("body"))[-400:]
            raise RuntimeError(f"{form.name}: {text!r} was never committed; page ends {shown!r}")
        await asyncio.sleep(0.005)
    took = time.perf_counter() - start
    await form.settled(page, text)
    await asyncio.sleep(PAUSE)
    return took


async def kernel_id(page: Page) -> str:
    return str(
        await page.evaluate(
            "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
        )
    )


def is_asset(response: Response, url: str) -> bool:
    """Static files a phone fetches after the page (not the page, not kernel API calls)."""
    request = response.request
    return (
        request.method == "GET"
        and request.resource_type != "document"
        and response.url.startswith(url)
        and not urlsplit(response.url).path.startswith(("/api/", "/voila/api/"))
        and response.status == 200
    )


async def first_look(browser: Browser, url: str, form: Form) -> tuple[list[str], int]:
    """One load that lists the page's assets and counts bytes as the browser received them."""
    page = await new_page(browser)
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")
    received: list[int] = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    assets: list[str] = []  # as paths: the burst's server listens on another port

    def seen(response: Response) -> None:
        if is_asset(response, url):
            assets.append(response.url.removeprefix(url))

    page.on("response", seen)
    await time_to_interactive(page, url, form)
    await page.wait_for_load_state("networkidle")
    await page.context.close()
    return assets, sum(received)


# --- the two phases -----------------------------------------------------------------------


@dataclass
class Single:
    assets: list[str]
    browser_bytes: int
    tti: list[float]
    gzip: phones.Load
    identity: phones.Load
    submits: list[float]


async def quiet_loads(browser: Browser, server: serve.Server, form: Form) -> list[float]:
    """LOADS page loads, each meeting a server with no pool refill under way."""
    times: list[float] = []
    while len(times) < LOADS:
        await procs.wait_quiet(pid(server), timeout=30)
        batch_start = time.monotonic()
        while len(times) < LOADS and time.monotonic() - batch_start < BATCH_SECONDS:
            page = await new_page(browser)
            times.append(await time_to_interactive(page, server.participant_url, form))
            await page.context.close()
        await asyncio.sleep(max(0.0, batch_start + BATCH_SECONDS + 3.5 - time.monotonic()))
    return times


async def single(browser: Browser, form: Form, folder: Path) -> Single:
    with served(form, folder) as server:
        note(f"{form.name}: single participant")
        url = server.participant_url
        await procs.wait_quiet(pid(server), POOL, timeout=60)
        assets, browser_bytes = await first_look(browser, url, form)
        tti = await quiet_loads(browser, server, form)
        note(f"{form.name}: bytes and submits")
        gzip = await phones.load_page(url, assets, gzip=True)
        identity = await phones.load_page(url, assets, gzip=False)
        await procs.wait_quiet(pid(server), timeout=30)
        page = await new_page(browser)
        await page.goto(url, wait_until="commit")
        await form.get_ready(page)
        trips = [
            await round_trip(page, form, f"alone {n} {time.time_ns()}") for n in range(SUBMITS)
        ]
        await page.context.close()
    return Single(assets, browser_bytes, tti, gzip, identity, trips)


@dataclass
class Burst:
    loads: list[phones.Load]
    browser_tti: float
    submits: list[float]
    reloads: list[phones.Load]
    memory: procs.Memory
    joined_rss: float  # the kernel of a participant who joined and submitted
    kernels: int


async def submit_until(page: Page, form: Form, done: asyncio.Event) -> list[float]:
    trips: list[float] = []
    while not done.is_set() and len(trips) < 4 * CROWD:
        trips.append(await round_trip(page, form, f"burst {len(trips)} {time.time_ns()}"))
    return trips


async def arrive_together(
    browser: Browser, server: serve.Server, form: Form, assets: Sequence[str], waiting: Page
) -> tuple[list[phones.Load], float, list[float]]:
    """CROWD − 1 phones and one browser at the same instant; `waiting` submits meanwhile."""
    url = server.participant_url
    arriving = await new_page(browser)
    done = asyncio.Event()

    async def crowd() -> list[phones.Load]:
        try:
            return await phones.crowd(url, assets, CROWD - 1, time.perf_counter())
        finally:
            done.set()

    loads, tti, trips = await asyncio.gather(
        crowd(), time_to_interactive(arriving, url, form), submit_until(waiting, form, done)
    )
    await arriving.context.close()
    return loads, tti, trips


async def settle(server: serve.Server) -> None:
    """Let the refills `fill_delay` after the last arrival start, then finish."""
    await asyncio.sleep(FILL_DELAY + 0.5)
    await procs.wait_quiet(pid(server), timeout=90)


async def burst(browser: Browser, form: Form, folder: Path, assets: Sequence[str]) -> Burst:
    with served(form, folder) as server:
        note(f"{form.name}: burst of {CROWD}")
        url = server.participant_url
        waiting = await new_page(browser)
        await waiting.goto(url, wait_until="commit")
        await form.get_ready(waiting)
        await round_trip(waiting, form, f"warm {time.time_ns()}")
        joined = await kernel_id(waiting)
        await settle(server)
        loads, tti, trips = await arrive_together(browser, server, form, assets, waiting)
        await settle(server)
        note(f"{form.name}: {RELOADS} reloads, then memory")
        reloads = await phones.trickle(url, assets, RELOADS, RELOAD_SPREAD)
        await settle(server)
        memory = procs.memory(pid(server))
        kernel = procs.kernel_process(pid(server), joined)
        joined_rss = procs.rss_mb(kernel) if kernel else math.nan
        await waiting.context.close()
    return Burst(loads, tti, trips, reloads, memory, joined_rss, len(memory.kernel_rss))


# --- the table ------------------------------------------------------------------------


def p95(values: Sequence[float]) -> float:
    """Nearest-rank 95th percentile (with 10 values, the largest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def med(values: Sequence[float]) -> float:
    return statistics.median(values)


@dataclass(frozen=True)
class Row:
    label: str
    value: Callable[[Single, Burst], float]
    unit: str
    goal: str = ""
    met: Callable[[float, float], bool] | None = None  # (participant, bare) → goal met


ROWS = [
    Row("single: navigation → interactive, median", lambda s, b: med(s.tti), "s",
        "≤ 1.3× bare", lambda p, bare: p <= 1.3 * bare),
    Row("single: navigation → interactive, max", lambda s, b: max(s.tti), "s"),
    Row("burst 40: all assets, median", lambda s, b: med([x.all_done for x in b.loads]), "s"),
    Row("burst 40: all assets, p95", lambda s, b: p95([x.all_done for x in b.loads]), "s",
        "≤ 4.5 s", lambda p, bare: p <= 4.5),
    Row("burst 40: HTML done, median", lambda s, b: med([x.html_done for x in b.loads]), "s"),
    Row("burst 40: real browser interactive", lambda s, b: b.browser_tti, "s",
        "≤ 2 s", lambda p, bare: p <= 2.0),
    Row("submit alone: median", lambda s, b: med(s.submits), "s"),
    Row("submit alone: p95", lambda s, b: p95(s.submits), "s"),
    Row("submit during burst: median", lambda s, b: med(b.submits), "s"),
    Row("submit during burst: p95", lambda s, b: p95(b.submits), "s"),
    Row("submits during burst (count)", lambda s, b: len(b.submits), ""),
    Row("20 reloads over 5 s: all assets, p95", lambda s, b: p95([x.all_done for x in b.reloads]),
        "s"),
    Row("kernel RSS, median over all", lambda s, b: b.memory.median_kernel_rss, "MB",
        "≤ 70 MB", lambda p, bare: p <= 70),
    Row("kernel RSS, joined + submitted", lambda s, b: b.joined_rss, "MB",
        "≤ 70 MB", lambda p, bare: p <= 70),
    Row("kernel PSS, median over all", lambda s, b: med(b.memory.kernel_pss), "MB"),
    Row("voila server RSS", lambda s, b: b.memory.server_rss, "MB"),
    Row("kernels after 40 joins + 20 reloads", lambda s, b: b.kernels, ""),
    Row("server total RSS (voila + kernels)", lambda s, b: b.memory.total_rss / 1024, "GB"),
    Row("server total PSS (voila RSS + kernels)", lambda s, b: b.memory.total_pss / 1024, "GB"),
    Row("page load, browser (DevTools count)", lambda s, b: s.browser_bytes / MB, "MB",
        "≤ 1.5 MB", lambda p, bare: p <= 1.5),
    Row("page load, HTTP gzip", lambda s, b: s.gzip.wire_bytes / MB, "MB",
        "≤ 1.5 MB", lambda p, bare: p <= 1.5),
    Row("page load, HTTP identity", lambda s, b: s.identity.wire_bytes / MB, "MB"),
    Row("requests per page load (assets + page)", lambda s, b: len(s.assets) + 1, ""),
]  # fmt: skip


def table(results: dict[str, tuple[Single, Burst]]) -> list[str]:
    bare, part = results["bare"], results["participant"]
    lines = [f"{'figure':<42} {'bare':>8} {'participant':>12} {'ratio':>6}  goal"]
    for row in ROWS:
        b, p = row.value(*bare), row.value(*part)
        verdict = "" if row.met is None else ("ok" if row.met(p, b) else "MISSED")
        ratio = f"{p / b:6.2f}" if b else "     –"
        lines.append(
            f"{row.label:<42} {b:8.3g} {p:12.3g} {ratio}  {row.goal} {verdict}".rstrip()
            + (f"  [{row.unit}]" if row.unit else "")
        )
    return lines


def failures(results: dict[str, tuple[Single, Burst]]) -> int:
    """HTTP errors seen by any simulated phone (a figure from failed loads means nothing)."""
    return sum(
        load.failures
        for single_, burst_ in results.values()
        for load in [single_.gzip, single_.identity, *burst_.loads, *burst_.reloads]
    )


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-participant-") as tmp:
        folder = Path(tmp)
        forms = [bare_form(folder), participant_form(folder)]
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                       args=CHROMIUM_ARGS)  # fmt: skip
            singles = {form.name: await single(browser, form, folder) for form in forms}
            bursts = {
                form.name: await burst(browser, form, folder, singles[form.name].assets)
                for form in forms
            }
            await browser.close()
    results = {name: (singles[name], bursts[name]) for name in singles}
    print(f"pool {POOL}, fill_delay {FILL_DELAY} s, gzip, Chromium {PHONE['width']} px wide; "
          f"{LOADS} loads, {SUBMITS} submits, burst {CROWD}, {RELOADS} reloads")  # fmt: skip
    print("\n".join(table(results)))
    print(f"HTTP failures: {failures(results)}; took {time.monotonic() - STARTED:.0f} s")


if __name__ == "__main__":
    asyncio.run(main())

"""The participant page against a bare one-widget Voilà notebook, served the same way.

Run: .venv/bin/python benchmarks/bench_participant_page.py   (about 5 minutes)

Both notebooks are served by `codesign.serving.serve.start` with the settings `codesign serve`
uses (codesign template, gzip, preheated pool of 50, fill_delay 10, culling), one after
the other in the same run, so every participant figure is printed beside the bare
notebook's. For each notebook, on a fresh server once its pool has run the notebook:

1. one participant opens the page in Debian Chromium (its assets and the bytes the
   browser received are noted), gets to the form, and stays there;
2. 39 simulated phones (page + all assets, 6 requests at a time) and one real browser
   arrive at the same instant, while the participant from 1. keeps submitting
   (click → row committed, seen by polling the database from here);
3. 20 reloads over 5 s (HTTP level); once the pool has refilled, the memory of the
   server and of every kernel, read from /proc;
4. one participant at a time: 10 loads, each in a fresh browser context, timed from
   navigation until `click(trial=True)` succeeds on the first control (Join / Submit),
   in batches that end before the first pool refill fires, so each meets an idle
   server; a page load's bytes over HTTP with and without gzip; 10 submits alone.

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
import docs_figures
import phones
import server_processes as procs
from playwright.async_api import (
    Browser,
    Locator,
    Page,
    Response,
    ViewportSize,
    async_playwright,
    expect,
)

from codesign.demo import workshop as demo
from codesign.serving import serve
from codesign.store import migrations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PHONE: ViewportSize = {"width": 390, "height": 844}
LOAD_MS = 60_000
POOL = serve.DEFAULT_POOL
FILL_DELAY = serve.FILL_DELAY_SECONDS
LOADS = 10
SUBMITS = 10
CROWD = 40
RELOADS = 20
RELOAD_SPREAD = 5.0
BATCH_SECONDS = FILL_DELAY - 3  # start no load later than this after a batch's first
SETTLE_SECONDS = 120
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
    """`codesign serve`'s Voilà for this notebook (no facilitator server)."""
    server = serve.start(form.db_url, port=0, pool=POOL, fill_delay=FILL_DELAY,
                         facilitator=False, notebook=form.notebook,
                         log_path=folder / f"{form.name}.log")  # fmt: skip
    with server:
        yield server


def pid(server: serve.Server) -> int:
    return server.processes[0].pid


async def settle(server: serve.Server, kernels: int = 0, refills: bool = True) -> None:
    """Let the pool refills `fill_delay` after the last arrival start, then finish."""
    if refills:
        await asyncio.sleep(FILL_DELAY + 0.5)
    if not await procs.wait_quiet(pid(server), kernels, timeout=SETTLE_SECONDS):
        note(f"the server was still busy after {SETTLE_SECONDS} s; measuring anyway")


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


async def first_look(page: Page, url: str, form: Form) -> tuple[list[str], int]:
    """Load the page, listing its assets and counting bytes as the browser received them."""
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")
    received: list[int] = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    assets: list[str] = []  # as paths under the page's URL

    def seen(response: Response) -> None:
        if is_asset(response, url):
            assets.append(response.url.removeprefix(url))

    page.on("response", seen)
    await time_to_interactive(page, url, form)
    await page.wait_for_load_state("networkidle")
    await cdp.detach()
    return assets, sum(received)


# --- one notebook, end to end -----------------------------------------------------------


@dataclass
class Figures:
    ready_after: float  # serve.start → the pool has run the notebook and the server is idle
    assets: list[str]
    browser_bytes: int
    loads: list[phones.Load]  # the burst's simulated phones
    browser_tti: float  # the real browser among them
    burst_submits: list[float]
    reloads: list[phones.Load]
    memory: procs.Memory
    joined_rss: float  # the kernel of a participant who joined and kept submitting
    tti: list[float]  # one participant at a time
    gzip: phones.Load
    identity: phones.Load
    submits: list[float]  # one participant alone


async def quiet_loads(browser: Browser, server: serve.Server, form: Form) -> list[float]:
    """LOADS page loads in fresh contexts, each meeting a server with no refill under way."""
    times: list[float] = []
    while len(times) < LOADS:
        await settle(server, refills=False)
        batch_start = time.monotonic()
        while len(times) < LOADS and time.monotonic() - batch_start < BATCH_SECONDS:
            page = await new_page(browser)
            times.append(await time_to_interactive(page, server.participant_url, form))
            await page.context.close()
        await asyncio.sleep(max(0.0, batch_start + FILL_DELAY + 0.5 - time.monotonic()))
    return times


async def submit_until(page: Page, form: Form, done: asyncio.Event) -> list[float]:
    trips: list[float] = []
    while not done.is_set() and len(trips) < 4 * CROWD:
        trips.append(await round_trip(page, form, f"burst {len(trips)} {time.time_ns()}"))
    return trips


async def arrive_together(
    browser: Browser, url: str, form: Form, assets: Sequence[str], waiting: Page
) -> tuple[list[phones.Load], float, list[float]]:
    """CROWD − 1 phones and one browser at the same instant; `waiting` submits meanwhile."""
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


async def measure(browser: Browser, form: Form, folder: Path) -> Figures:
    """Burst, reloads and memory first (on a fresh pool), then one participant at a time."""
    started = time.monotonic()
    with served(form, folder) as server:
        url = server.participant_url
        await settle(server, POOL, refills=False)
        ready_after = time.monotonic() - started
        note(f"{form.name}: pool ready after {ready_after:.0f} s; one participant joins")
        waiting = await new_page(browser)  # stays open, joined, for the whole run
        assets, browser_bytes = await first_look(waiting, url, form)
        await form.get_ready(waiting)
        await round_trip(waiting, form, f"warm {time.time_ns()}")
        await settle(server)
        note(f"{form.name}: {CROWD} arrive at once")
        loads, tti, burst_trips = await arrive_together(browser, url, form, assets, waiting)
        await settle(server)
        note(f"{form.name}: {RELOADS} reloads, then memory")
        reloads = await phones.trickle(url, assets, RELOADS, RELOAD_SPREAD)
        await settle(server)
        memory = procs.memory(pid(server))
        kernel = procs.kernel_process(pid(server), await kernel_id(waiting))
        joined_rss = procs.rss_mb(kernel) if kernel else math.nan
        note(f"{form.name}: {LOADS} single loads, bytes, {SUBMITS} submits")
        single = await quiet_loads(browser, server, form)
        gzip = await phones.load_page(url, assets, gzip=True)
        identity = await phones.load_page(url, assets, gzip=False)
        await settle(server)
        trips = [
            await round_trip(waiting, form, f"alone {n} {time.time_ns()}") for n in range(SUBMITS)
        ]
        await waiting.context.close()
    return Figures(ready_after, assets, browser_bytes, loads, tti, burst_trips, reloads, memory,
                   joined_rss, single, gzip, identity, trips)  # fmt: skip


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
    value: Callable[[Figures], float]
    unit: str
    goal: str = ""
    met: Callable[[float, float], bool] | None = None  # (participant, bare) → goal met


ROWS = [
    Row("single: navigation → interactive, median", lambda f: med(f.tti), "s",
        "≤ 1.3× bare", lambda p, bare: p <= 1.3 * bare),
    Row("single: navigation → interactive, max", lambda f: max(f.tti), "s"),
    Row("burst 40: all assets, median", lambda f: med([x.all_done for x in f.loads]), "s"),
    Row("burst 40: all assets, p95", lambda f: p95([x.all_done for x in f.loads]), "s",
        "≤ 4.5 s", lambda p, bare: p <= 4.5),
    Row("burst 40: HTML done, median", lambda f: med([x.html_done for x in f.loads]), "s"),
    Row("burst 40: real browser interactive", lambda f: f.browser_tti, "s",
        "≤ 2 s", lambda p, bare: p <= 2.0),
    Row("submit alone: median", lambda f: med(f.submits), "s"),
    Row("submit alone: p95", lambda f: p95(f.submits), "s"),
    Row("submit during burst: median", lambda f: med(f.burst_submits), "s"),
    Row("submit during burst: p95", lambda f: p95(f.burst_submits), "s"),
    Row("submits during burst (count)", lambda f: len(f.burst_submits), ""),
    Row("20 reloads over 5 s: all assets, p95", lambda f: p95([x.all_done for x in f.reloads]),
        "s"),
    Row("kernel RSS, median over all", lambda f: f.memory.median_kernel_rss, "MB",
        "≤ 70 MB", lambda p, bare: p <= 70),
    Row("kernel RSS, joined + submitting", lambda f: f.joined_rss, "MB",
        "≤ 70 MB", lambda p, bare: p <= 70),
    Row("kernel PSS, median over all", lambda f: med(f.memory.kernel_pss), "MB"),
    Row("voila server RSS", lambda f: f.memory.server_rss, "MB"),
    Row("kernels after 40 joins + 20 reloads", lambda f: len(f.memory.kernel_rss), ""),
    Row("server total RSS (voila + kernels)", lambda f: f.memory.total_rss / 1024, "GB"),
    Row("server total PSS (voila RSS + kernels)", lambda f: f.memory.total_pss / 1024, "GB"),
    Row("page load, browser (DevTools count)", lambda f: f.browser_bytes / MB, "MB",
        "≤ 1.5 MB", lambda p, bare: p <= 1.5),
    Row("page load, HTTP gzip", lambda f: f.gzip.wire_bytes / MB, "MB",
        "≤ 1.5 MB", lambda p, bare: p <= 1.5),
    Row("page load, HTTP identity", lambda f: f.identity.wire_bytes / MB, "MB"),
    Row("requests per page load (assets + page)", lambda f: len(f.assets) + 1, ""),
]  # fmt: skip


def figure_rows(results: dict[str, Figures]) -> list[docs_figures.Row]:
    """Each row's figure for both notebooks, their ratio and whether the goal was met."""
    bare, part = results["bare"], results["participant"]
    rows: list[docs_figures.Row] = []
    for row in ROWS:
        b, p = row.value(bare), row.value(part)
        verdict = "" if row.met is None else ("ok" if row.met(p, b) else "MISSED")
        rows.append(
            {
                "figure": row.label,
                "bare": b,
                "participant": p,
                "ratio": p / b if b else None,
                "goal": f"{row.goal} {verdict}".strip(),
                "unit": row.unit,
            }
        )
    return rows


def table(rows: list[docs_figures.Row]) -> list[str]:
    lines = [f"{'figure':<42} {'bare':>8} {'participant':>12} {'ratio':>6}  goal"]
    for row in rows:
        ratio = "     –" if row["ratio"] is None else f"{row['ratio']:6.2f}"
        lines.append(
            f"{row['figure']:<42} {row['bare']:8.3g} {row['participant']:12.3g} {ratio}  "
            f"{row['goal']}".rstrip()
            + (f"  [{row['unit']}]" if row["unit"] else "")
        )
    return lines


def failures(results: dict[str, Figures]) -> int:
    """HTTP errors seen by any simulated phone (a figure from failed loads means nothing)."""
    return sum(
        load.failures
        for f in results.values()
        for load in [f.gzip, f.identity, *f.loads, *f.reloads]
    )


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-participant-") as tmp:
        folder = Path(tmp)
        forms = [bare_form(folder), participant_form(folder)]
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                       args=CHROMIUM_ARGS)  # fmt: skip
            results = {form.name: await measure(browser, form, folder) for form in forms}
            await browser.close()
    print(f"pool {POOL}, fill_delay {FILL_DELAY} s, gzip, Chromium {PHONE['width']} px wide; "
          f"{LOADS} loads, {SUBMITS} submits, burst {CROWD}, {RELOADS} reloads")  # fmt: skip
    rows = figure_rows(results)
    print("\n".join(table(rows)))
    print(f"HTTP failures: {failures(results)}; took {time.monotonic() - STARTED:.0f} s")
    docs_figures.record("participant_page", rows)


if __name__ == "__main__":
    asyncio.run(main())

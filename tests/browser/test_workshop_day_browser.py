"""A whole workshop day for both Co-Design Groups, played in Chromium end to end.

The facilitator works in the facilitator notebook (rendered by JupyterLab's Voilà, as a
facilitator's browser shows it) and chooses the session from its picker; five phones per
group join, consent and write in English and Urdu; two phones reload and one opens a
second tab, and all three carry on as the same person. The facilitator puts ideas on the
ballot, groups the proposals, opens agree/disagree voting and then dot voting, reveals
the results and closes the session after confirming. The projector follows each phase;
the review report and exports are produced at the end. The screenshots in
docs/facilitators.md and docs/participants.md come from this test.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from codesign.cli import main
from codesign.forms.i18n import Translator
from codesign.people.codes import display_join_code
from codesign.serving.serve import Server
from tests.browser.conftest import NARROW, NEUTRAL_SITE
from tests.browser.test_participant_browser import AGREE, IMAGES, LOAD_MS, no_sideways_scroll, said

pytestmark = pytest.mark.browser

ROOM: ViewportSize = {"width": 1280, "height": 720}
DESK: ViewportSize = {"width": 1366, "height": 900}
SLOW_MS = 120_000  # clustering loads the sentence model in the facilitator's kernel
PHONES_PER_GROUP = 5
WORDS = {
    "black-communities": [
        ("en", "Sessions run by facilitators from our own communities"),
        ("en", "Talk about the racism men meet from police and courts"),
        ("en", "Include the wider family, not just the man"),
        ("en", "Space to talk about faith and church"),
        ("en", "Check on the safety of partners every week"),
    ],
    "south-asian-communities": [
        ("en", "Sessions in our own language with trained interpreters"),
        ("ur", "ہمیں اپنی زبان میں بات کرنے والا سہولت کار چاہیے"),
        ("ur", "خاندان کے بڑوں کو بھی شامل کریں"),
        ("en", "Talk about immigration status and fear of deportation"),
        ("en", "Work with imams and temple leaders on respect at home"),
    ],
}
LANGUAGE_NAMES = {"ur": "اردو"}


@dataclass
class Phone:
    """One participant's phone: its browser context and the tab they use."""

    context: BrowserContext
    page: Page
    text: str
    tr: Translator


def cli(db: str, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    return result.output


def new_session(db: str, group: str) -> str:
    """The session the coordinator set up before the day (its join code)."""
    made = cli(db, "session", "new", "--group", group, "--template", "workshop-day",
               "--title", "Workshop day", "--json")  # fmt: skip
    return str(json.loads(made)["code"])


def notebook_page(server: Server, notebook: str) -> str:
    assert server.facilitator_url, "codesign serve starts JupyterLab for the facilitator"
    base, token = server.facilitator_url.split("/lab?token=")
    return f"{base}/voila/render/{notebook}?token={token}"


@pytest.fixture
def facilitator(browser: Browser, server: Server) -> Iterator[Page]:
    ctx = browser.new_context(viewport=DESK, device_scale_factor=1)
    page = ctx.new_page()
    page.goto(notebook_page(server, "facilitator.ipynb"), wait_until="commit")
    expect(page.get_by_role("button", name="Open this session")).to_be_visible(timeout=SLOW_MS)
    yield page
    ctx.close()


@pytest.fixture
def projector(browser: Browser, server: Server) -> Iterator[Page]:
    ctx = browser.new_context(viewport=ROOM, device_scale_factor=1)
    page = ctx.new_page()
    page.goto(notebook_page(server, "projector.ipynb"), wait_until="commit")
    yield page
    ctx.close()


def phone(browser: Browser, server: Server, code: str, language: str, text: str) -> Phone:
    """A participant joins by code, consents, notes their withdrawal code and writes in
    their language (the form switched to it when it is not English)."""
    ctx = browser.new_context(viewport=NARROW, device_scale_factor=1)
    ctx.route(f"{NEUTRAL_SITE}**", lambda route: route.fulfill(body="<h1>Weather</h1>"))
    page = ctx.new_page()
    page.goto(server.participant_url, wait_until="commit")
    page.get_by_label("Session code").fill(code, timeout=LOAD_MS)
    page.get_by_role("button", name="Join").click()
    page.get_by_role("checkbox", name=AGREE).check(timeout=LOAD_MS)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="I have noted my code — continue").click()
    tr = Translator(language)
    box = page.get_by_label(tr("Your idea or comment"))
    if language != "en":
        box = page.get_by_label(Translator("en")("Your idea or comment"))
        box.fill(text)
        page.get_by_label("Language", exact=True).focus()  # a tap: the box hands its text over
        page.get_by_label("Language", exact=True).select_option(label=LANGUAGE_NAMES[language])
        box = page.get_by_label(tr("Your idea or comment"))
    else:
        box.fill(text)
    page.get_by_role("button", name=tr("Send"), exact=True).click()
    said(page, tr("Thank you — saved. You can write another one."))
    expect(page.locator(".cs-item .cs-text").filter(has_text=text)).to_be_visible()
    return Phone(ctx, page, text, tr)


def choose_session(page: Page, code: str) -> None:
    """The facilitator picks the day's session from the picker at the top."""
    picker = page.get_by_label("Session", exact=True)
    offered = picker.locator("option", has_text=f"{display_join_code(code)} ·")
    expect(offered).to_have_count(1, timeout=LOAD_MS)  # made after the page opened
    picker.select_option(label=offered.inner_text())
    page.get_by_role("button", name="Open this session").click()
    expect(page.get_by_text("the projector shows it too")).to_be_visible(timeout=SLOW_MS)


def act(page: Page, button: str, reply: str | re.Pattern[str]) -> None:
    """Press a facilitator control and read what it says it did."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_text(reply).first).to_be_visible(timeout=SLOW_MS)


def open_phase(page: Page, name: str) -> None:
    phase = page.get_by_label("Phase", exact=True)
    option = phase.locator("option", has_text=f". {name} (")
    expect(option).to_have_count(1, timeout=LOAD_MS)
    phase.select_option(label=option.inner_text())
    act(page, "Open phase", f"“{name}” is open on the phones")


def projector_shows(projector: Page, words: str) -> None:
    expect(projector.locator("body")).to_contain_text(words, timeout=SLOW_MS)


def resumes_after_reload(p: Phone) -> None:
    """A reload carries on as the same person: their note is there, with Edit beside it."""
    p.page.reload(wait_until="commit")
    expect(p.page.locator(".cs-item .cs-text").filter(has_text=p.text)).to_be_visible(
        timeout=LOAD_MS
    )
    expect(p.page.get_by_role("button", name=p.tr("Edit")).first).to_be_visible()


def second_tab_is_the_same_person(p: Phone, server: Server) -> None:
    other = p.context.new_page()
    other.goto(server.participant_url, wait_until="commit")
    expect(other.locator(".cs-item .cs-text").filter(has_text=p.text)).to_be_visible(
        timeout=LOAD_MS
    )
    other.close()


def ballot_everything(page: Page) -> None:
    """Ideas reach the ballot only when the facilitator puts them there."""
    page.get_by_role("tab", name="Ballot").click()
    waiting = page.get_by_label("Not on it", exact=True)
    expect(waiting.locator("option").first).to_be_attached(timeout=SLOW_MS)
    chosen = waiting.locator("option").all_inner_texts()
    waiting.select_option(label=chosen)
    act(page, "Put on the ballot", re.compile(rf"^Put {len(chosen)} on the ballot\.$"))


def vote_agree(p: Phone) -> None:
    """Agree with the first item; the phone moves on to the next."""
    p.page.get_by_role("button", name=p.tr("Agree"), exact=True).first.click(timeout=LOAD_MS)
    expect(p.page.locator(".cs-note").first).to_contain_text(
        p.tr("Proposal {number} of {total}", number=2, total="")
    )


def add_a_dot(p: Phone) -> None:
    p.page.get_by_role("button", name=p.tr("Add a dot")).first.click(timeout=LOAD_MS)
    expect(p.page.locator(".cs-dots").first).to_contain_text(p.tr("Your dots here: {dots}", dots=1))


def shoot(page: Page, name: str) -> None:
    page.evaluate("(e => e && (e.scrollTop = 0))(document.getElementById('rendered_cells'))")
    page.screenshot(path=str(IMAGES / name), full_page=False)


@pytest.mark.parametrize("group", ["black-communities", "south-asian-communities"])
def test_a_whole_workshop_day(
    browser: Browser, server: Server, served_db: str, facilitator: Page, projector: Page,
    group: str, tmp_path: Path,
) -> None:  # fmt: skip
    code = new_session(served_db, group)
    choose_session(facilitator, code)
    projector_shows(projector, "Welcome")
    open_phase(facilitator, "Proposals for the programme")
    projector_shows(projector, "Proposals for the programme")

    phones = [phone(browser, server, code, lang, text) for lang, text in WORDS[group]]
    english = next(p for p in phones if p.tr.code == "en")
    if group == "south-asian-communities":
        urdu = next(p for p in phones if p.tr.code == "ur")
        assert no_sideways_scroll(urdu.page)
        shoot(urdu.page, "workshop-phone-ur.png")
    else:
        shoot(english.page, "workshop-phone-en.png")
    resumes_after_reload(phones[0])
    resumes_after_reload(phones[1])
    second_tab_is_the_same_person(phones[2], server)
    projector_shows(projector, phones[-1].text[:20])
    if group == "black-communities":
        shoot(projector, "workshop-projector.png")

    ballot_everything(facilitator)
    open_phase(facilitator, "Grouping the proposals")
    facilitator.get_by_role("tab", name="Components").click()
    act(facilitator, "Cluster", re.compile(r"^\d+ components\.$"))  # no edits yet
    projector_shows(projector, "Grouping the proposals")

    open_phase(facilitator, "First reactions")
    act(facilitator, "Open voting", "agree / disagree / pass on each item")
    for p in phones:
        vote_agree(p)
    projector_shows(projector, "First reactions")
    if group == "black-communities":
        shoot(facilitator, "workshop-facilitator.png")

    open_phase(facilitator, "Spend your dots")  # voting stays open, now with dots
    expect(facilitator.get_by_text("5 dots each, at most 3 on one item")).to_be_visible()
    for p in phones:
        add_a_dot(p)
    act(facilitator, "Reveal results", "Results are on the projector and the phones.")
    projector_shows(projector, "Results")

    facilitator.get_by_role("button", name="Close session…").click()
    act(facilitator, "Yes, close the session", "Session closed: nobody can add anything")
    projector_shows(projector, "Thank you for taking part.")
    expect(english.page.locator("body")).to_contain_text(
        english.tr("This session has closed. Thank you for taking part."), timeout=LOAD_MS
    )

    html = tmp_path / "day.html"
    cli(served_db, "export", "--session", code, "--out", str(html))
    shown = html.read_text(encoding="utf-8")
    assert all(p.text in shown for p in phones)
    xlsx = tmp_path / "day.xlsx"
    cli(served_db, "export", "--session", code, "--out", str(xlsx))
    cells = {str(c.value) for ws in load_workbook(xlsx) for row in ws.iter_rows() for c in row}
    assert all(p.text in cells for p in phones)
    for p in phones:
        p.context.close()

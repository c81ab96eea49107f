"""A participant's whole journey in Chromium against a real `codesign serve`.

Phone-sized screens, English and Urdu, the keyboard alone, axe-core on every page, the
Exit control, and the screenshots docs/participants.md shows.
"""

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from codesign import store
from codesign.access import ADMIN
from codesign.advisory import feedback, rounds
from codesign.demo import workshop as demo
from codesign.serving.serve import Server
from codesign.store.models import FeedbackItem
from codesign.workshop import contributions, sessions, votes
from tests.browser.conftest import AXE, NARROW, need

pytestmark = pytest.mark.browser

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
AGREE = "I agree to take part and for what I write and my votes to be used to design the programme."
LOAD_MS = 60_000


def axe_problems(page: Page) -> list[dict[str, object]]:
    """Serious and critical axe-core violations on the page as it is now."""
    need(AXE, "axe-core")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .map(v => ({id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def no_sideways_scroll(page: Page) -> bool:
    return bool(
        page.evaluate(
            """() => [document.documentElement, document.getElementById('rendered_cells')]
                 .every(e => !e || e.scrollWidth <= e.clientWidth + 1)"""
        )
    )


def open_form(page: Page, server: Server, query: str = "") -> None:
    page.goto(server.participant_url + query, wait_until="commit")
    expect(page.locator(".cs-app")).to_be_visible(timeout=LOAD_MS)


def join_and_consent(page: Page, server: Server, key: str) -> None:
    open_form(page, server)
    page.get_by_label("Session code").fill(demo.demo_code(key).lower())
    page.get_by_role("button", name="Join").click()
    page.get_by_role("checkbox", name=AGREE).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".cs-withdrawal-code")).to_have_text(re.compile(r"\w{5}-\w{5}"))
    page.get_by_role("button", name="I have noted my code — continue").click()


def said(page: Page, words: str) -> None:
    """The form's message is in a live region (announced), visible on screen."""
    expect(page.get_by_role("status").filter(has_text=words)).to_be_visible()


def check_page(page: Page, where: str) -> None:
    assert axe_problems(page) == [], where
    assert no_sideways_scroll(page), where


def own_texts(url: str, key: str) -> list[str]:
    sid = sessions.by_code(demo.demo_code(key), url).id
    with store.reading(url) as db:
        from sqlalchemy import select

        from codesign.store.models import Contribution

        return list(db.scalars(select(Contribution.text).where(Contribution.session_id == sid)))


def test_join_consent_contribute_edit_withdraw(page: Page, server: Server, served_db: str) -> None:
    open_form(page, server)
    expect(page.get_by_role("link", name="Exit this page")).to_be_visible()
    expect(page.locator(".cs-bar")).to_contain_text("0808 2000 247")
    check_page(page, "join")
    page.get_by_label("Session code").fill("ZZZ 999")
    page.get_by_role("button", name="Join").click()
    said(page, "could not find a session")
    page.get_by_label("Session code").fill(demo.demo_code("bc-live").lower())
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("button", name="Continue")).to_be_visible()
    check_page(page, "consent")
    page.get_by_role("checkbox", name=AGREE).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".cs-withdrawal-code")).to_be_visible()
    check_page(page, "withdrawal code")
    page.get_by_role("button", name="I have noted my code — continue").click()
    box = page.get_by_label("Your idea or comment")
    marker = f"<b>Browser idea {time.time_ns()}</b>"
    box.fill(marker)
    expect(page.locator(".cs-counter")).to_contain_text(f"{len(marker)} of 2000")
    page.get_by_role("button", name="Send").click()
    said(page, "Thank you — saved")
    expect(page.locator(".cs-item .cs-text")).to_have_text(marker)  # shown as text, not HTML
    assert marker in own_texts(served_db, "bc-live")
    page.evaluate("document.getElementById('rendered_cells').scrollTop = 0")
    page.screenshot(path=str(IMAGES / "participant-en.png"), full_page=False)
    check_page(page, "contribute")
    page.get_by_role("button", name="Edit").click()
    expect(box).to_have_value(marker)
    box.fill(marker + " (edited)")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".cs-item .cs-text")).to_have_text(marker + " (edited)")
    page.get_by_role("button", name="Withdraw", exact=True).click()
    page.get_by_role("button", name="Yes, withdraw it").click()
    said(page, "Withdrawn and deleted")
    assert not [t for t in own_texts(served_db, "bc-live") if t.startswith(marker)]


def test_keyboard_alone_completes_the_main_flow(page: Page, server: Server, served_db: str) -> None:
    open_form(page, server)
    page.get_by_label("Session code").focus()
    page.keyboard.type(demo.demo_code("bc-live"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Join
    consent = page.get_by_role("checkbox", name=AGREE)
    expect(consent).to_be_visible()
    consent.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Continue")).to_be_focused()
    page.keyboard.press("Enter")
    noted = page.get_by_role("button", name="I have noted my code — continue")
    expect(noted).to_be_visible()
    noted.focus()
    page.keyboard.press("Enter")
    box = page.get_by_label("Your idea or comment")
    expect(box).to_be_visible()
    box.focus()
    typed = f"Typed without a mouse {time.time_ns()}"
    page.keyboard.type(typed)
    page.keyboard.press("Tab")  # kind
    page.keyboard.press("Tab")  # language
    page.keyboard.press("Tab")  # Send
    expect(page.get_by_role("button", name="Send")).to_be_focused()
    page.keyboard.press("Enter")
    said(page, "Thank you — saved")
    assert typed in own_texts(served_db, "bc-live")


def test_urdu_keeps_typed_text_and_reads_right_to_left(page: Page, server: Server) -> None:
    join_and_consent(page, server, "bc-live")
    box = page.get_by_label("Your idea or comment")
    box.fill("ہمیں بھروسے کی ضرورت ہے")
    language = page.get_by_label("Language", exact=True)
    language.focus()  # as a tap would: the text box loses focus and hands its text over
    language.select_option(label="اردو")
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("link", name="یہ صفحہ چھوڑیں")).to_be_visible()
    expect(page.locator(".cs-machine")).to_be_visible()
    urdu_box = page.get_by_label("آپ کا خیال یا تبصرہ")
    expect(urdu_box).to_have_value("ہمیں بھروسے کی ضرورت ہے")
    assert urdu_box.get_attribute("dir") == "auto"
    font = page.evaluate("getComputedStyle(document.querySelector('.cs-app')).fontFamily")
    assert "Nastaliq" in font
    page.evaluate("document.getElementById('rendered_cells').scrollTop = 0")
    page.screenshot(path=str(IMAGES / "participant-ur.png"), full_page=False)
    check_page(page, "contribute in Urdu")


def test_exit_leaves_no_way_back_and_clears_storage(page: Page, server: Server) -> None:
    page.goto("data:text/html,<title>before</title>")
    open_form(page, server)
    page.evaluate("localStorage.setItem('draft', 'x'); sessionStorage.setItem('draft', 'y')")
    page.get_by_role("link", name="Exit this page").click()
    page.wait_for_url("https://www.bbc.co.uk/**")
    page.go_back()
    assert not page.url.startswith(server.participant_url)
    check = page.context.new_page()
    check.goto(server.participant_url + "voila/static/nothing-here", wait_until="commit")
    assert check.evaluate("localStorage.getItem('draft')") is None
    assert page.context.cookies(server.participant_url) == []  # HttpOnly ones too


def test_shift_three_times_exits(page: Page, server: Server) -> None:
    open_form(page, server)
    page.locator("body").click(position={"x": 5, "y": 400})
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url("https://www.bbc.co.uk/**")


def test_a_link_with_the_code_joins_and_the_form_follows_the_facilitator(
    page: Page, server: Server, served_db: str
) -> None:
    sid = sessions.by_code(demo.demo_code("sa-live"), served_db).id
    sessions.set_phase(sid, "agree", url=served_db, actor=ADMIN)
    sessions.set_voting(sid, True, url=served_db, actor=ADMIN)
    open_form(page, server, f"?code={demo.demo_code('sa-live').lower()}")
    page.get_by_role("checkbox", name=AGREE).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="I have noted my code — continue").click()
    expect(page.locator(".cs-proposal")).to_be_visible()
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator(".cs-note").first).to_contain_text("Proposal 2 of")
    check_page(page, "agree/disagree")
    sessions.set_phase(
        sid, "dots", url=served_db, actor=ADMIN
    )  # the facilitator moves on: no reload
    add = page.get_by_role("button", name="Add a dot").first
    expect(add).to_be_visible(timeout=10_000)
    add.click()
    expect(page.locator(".cs-dots").first).to_contain_text("Your dots here: 1")
    check_page(page, "dots")
    page.set_viewport_size(NARROW)
    assert no_sideways_scroll(page)
    ballot = votes.ballot(sid, served_db, actor=ADMIN)
    assert ballot
    sessions.set_voting(sid, False, url=served_db, actor=ADMIN)
    sessions.set_phase(sid, "agree", url=served_db, actor=ADMIN)


def test_advisory_feedback(page: Page, server: Server, served_db: str) -> None:
    join_and_consent(page, server, "ag-live")
    page.get_by_text("Read this section").click()
    comment = f"Name the interpreter booking step {time.time_ns()}"
    page.get_by_label("Your comment").fill(comment)
    page.get_by_label("Type of feedback").select_option(label="Suggestion")
    page.get_by_label("Rating (1 = poor, 5 = very good)").select_option(label="5")
    page.get_by_role("button", name="Send feedback").click()
    said(page, "your feedback is saved")
    check_page(page, "feedback")
    from sqlalchemy import select

    with store.reading(served_db) as db:
        item = db.scalar(select(FeedbackItem).where(FeedbackItem.text == comment))
    assert item is not None and item.rating == 5 and item.type == "suggestion"
    assert feedback.TYPES and contributions.MAX_CHARS


def test_a_delphi_round_on_a_phone(page: Page, server: Server, served_db: str) -> None:
    """The rating form appears when the coordinator opens a round, with last round's
    figures beside each criterion; the screenshot docs/advisory.md shows."""
    sid = sessions.by_code(demo.demo_code("ag-live"), served_db).id
    sessions.set_phase(sid, "rating", url=served_db, actor=ADMIN)
    try:
        join_and_consent(page, server, "ag-live")
        rounds.open_round(["equity"], ["relevance", "clarity"], actor=ADMIN, url=served_db)
        clarity = page.get_by_label("Clarity")
        expect(clarity).to_be_visible(timeout=10_000)
        expect(page.locator(".cs-hint").first).to_contain_text("Last round the group")
        page.get_by_label("Relevance").select_option(label="4")
        clarity.select_option(label="Can't judge")
        page.get_by_role("button", name="Send ratings").click()
        said(page, "your ratings are saved")
        page.evaluate("document.getElementById('rendered_cells').scrollTop = 0")
        page.screenshot(path=str(IMAGES / "delphi-phone.png"), full_page=False)
        check_page(page, "rating round")
    finally:
        if rounds.open_number(served_db) is not None:
            rounds.close_round(actor=ADMIN, url=served_db)
        sessions.set_phase(sid, "feedback", url=served_db, actor=ADMIN)


def test_360_pixels_never_scroll_sideways(page: Page, server: Server) -> None:
    page.set_viewport_size(NARROW)
    open_form(page, server)
    assert no_sideways_scroll(page)
    join_and_consent(page, server, "bc-live")
    page.get_by_label("Your idea or comment").fill("w" * 300)
    assert no_sideways_scroll(page)

"""A whole Advisory Group review cycle through the public surface only: the command line,
the members' phone forms and the tracker's functions, as a coordinator would run it."""

from pathlib import Path

import docx

from codesign.access import ADMIN
from codesign.forms.app import ParticipantApp
from codesign.forms.feedback import FeedbackView
from codesign.forms.rating import RatingView
from codesign.workshop import sessions
from tests.cli import run, run_json
from tests.forms_helpers import consent_view, join_view, new_app
from tests.pdf_text import pdf_text

MEETING = (
    "section,type,text,participant,ref,created_at\n"
    "outcomes,concern,Say who decides what success is.,Heron,e-1,2026-11-20T10:00\n"
    "equity,question,Is the fee agreed in writing?,Kite,e-2,2026-11-20T10:05\n"
)


def _phone(url: str, code: str) -> ParticipantApp:
    """A member's phone: join by code and consent."""
    app = new_app(url)
    joining = join_view(app)
    joining.code.value = code
    joining.join_button.click()
    consenting = consent_view(app)
    consenting.contribute.value = True
    consenting.continue_button.click()
    app.go("phase")
    return app


def _rate_on(app: ParticipantApp, score: int) -> RatingView:
    app.poll_once()
    view = app.view("rate")
    assert app.step == "rate" and isinstance(view, RatingView)
    for choice in view.choices:
        choice.value = score
    view.send.click()
    assert view.status.text.startswith("Thank you"), view.status.text
    return view


def test_a_review_cycle_end_to_end(store_url: str, tmp_path: Path) -> None:
    db = ("--db", store_url)
    draft = tmp_path / "draft-1.md"
    draft.write_text("## Equity\n\nPay a fair fee.\n", encoding="utf-8")
    assert "Updated: equity" in run("toolkit", "import", str(draft), *db)
    code = run_json(
        "session", "new", "--group", "advisory", "--title", "Review round 1",
        "--template", "toolkit-section-review", *db,
    )["code"]  # fmt: skip
    session_id = sessions.by_code(code, store_url).id
    sessions.set_phase(session_id, "feedback", url=store_url, actor=ADMIN)
    phones = [_phone(store_url, code) for _ in range(3)]
    form = phones[0].view("feedback")
    assert isinstance(form, FeedbackView)
    form.section.value = "equity"
    form.box.value = "Name the fee in the agreement."
    form.send.click()
    assert form.status.text.startswith("Thank you"), form.status.text

    sheet = tmp_path / "email-round.csv"
    sheet.write_text(MEETING, encoding="utf-8")
    run("feedback", "import", str(sheet), *db)
    sheet.write_text(MEETING + "equity,endorsement,Good start.,Wren,e-3,\n", encoding="utf-8")
    again = run_json("feedback", "import", str(sheet), "--json", *db)
    assert (again["added"], again["unchanged"]) == (1, 2)
    assert len(run_json("feedback", "list", "--json", *db)) == 4

    run("delphi", "open", "--section", "equity", "--criterion", "clarity", *db)
    sessions.set_phase(session_id, "rating", url=store_url, actor=ADMIN)
    for phone, score in zip(phones, (2, 3, 4), strict=True):
        _rate_on(phone, score)
    run("delphi", "close", *db)

    items = {i["text"]: i["id"] for i in run_json("feedback", "list", "--json", *db)}
    for item in items.values():
        run("feedback", "move", str(item), "--to", "under_review", *db)
    redraft = tmp_path / "draft-2.md"
    redraft.write_text("## Equity\n\nPay a fair fee, agreed in writing.\n", encoding="utf-8")
    run("toolkit", "import", str(redraft), *db)
    fee, question = items["Name the fee in the agreement."], items["Is the fee agreed in writing?"]
    run("feedback", "move", str(fee), "--to", "accepted", "--rationale", "Fee named.",
        "--version", "3", *db)  # fmt: skip
    run("feedback", "move", str(question), "--to", "declined", "--rationale", "Out of scope.", *db)
    run("feedback", "correct", str(question), "--to", "partly_accepted", "--version", "3",
        "--rationale", "Misrecorded: writing is now required.", *db)  # fmt: skip
    for text in ("Say who decides what success is.", "Good start."):
        run("feedback", "move", str(items[text]), "--to", "deferred", "--rationale", "Round 3.",
            *db)  # fmt: skip

    run("delphi", "open", "--section", "equity", "--criterion", "clarity", *db)
    second = _rate_on(phones[0], 3)
    (line,) = second.lines
    assert line.group is not None and (line.group.median, line.previous_mine) == (3.0, 2)
    assert "median was 3 (middle half 2.5 to 3.5, 3 ratings)" in second.body.children[2].value
    run("delphi", "close", *db)
    assert run_json("delphi", "compare", "--json", *db)["iqr1"] == {"1": 1, "2": 1}

    assert run("toolkit", "final", "equity", "2", *db).strip() == "Marked equity version 2 final."
    for name in ("r.html", "r.docx", "r.pdf"):
        run("feedback", "report", "--out", str(tmp_path / name), *db)
    html = (tmp_path / "r.html").read_text("utf-8")
    assert "Misrecorded: writing is now required." in html and "Fee named." in html
    words = " ".join(p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs)
    assert "Misrecorded: writing is now required." in words
    assert "Misrecorded" in pdf_text(tmp_path / "r.pdf")

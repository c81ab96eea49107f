"""How fast join codes can be guessed through the participant form, and how long a guesser
needs to hit a live session's code, with and without the form's lock-out.

Run: .venv/bin/python benchmarks/bench_join_codes.py   (about a minute)

The privacy review (issue 10, finding 5) sent 2,000 guesses in 37 s through one kernel's
widget messages, among 729,000 six-character codes. Here the join form is driven in this
process, as the tests drive it, which is faster than any browser or websocket can send:
the rates are upper bounds. Three ways to guess are measured:

1. one tab with no lock-out (each guess through a fresh `CodeTries`): the raw rate;
2. one tab with the lock-out, over a simulated day (the clock is moved, not waited for);
3. a fresh tab for every few guesses: a reload gets a new kernel, so the rate is bounded
   by how fast the server hands out kernels, taken from `startup.json` (the time to warm
   the preheated pool of 50, divided by 50).

The expected number of guesses to hit one of S live codes among N is about N / S.
"""

import itertools
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docs_figures  # noqa: E402

from codesign.demo import workshop as demo  # noqa: E402
from codesign.forms.context import FREE_TRIES, CodeTries  # noqa: E402
from codesign.forms.join import JoinView  # noqa: E402
from codesign.people.codes import DIGITS, JOIN_CODE_SHAPE, JOIN_CODES, LETTERS  # noqa: E402
from codesign.store import migrations  # noqa: E402
from tests.forms_helpers import join_view, new_app  # noqa: E402

OLD_CODES = len(LETTERS) ** 3 * len(DIGITS) ** 3
OPEN_SESSIONS = (1, 10, 100)
DAY = 24 * 3600.0
GUESSES = 2000


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def guesses() -> Iterator[tuple[str, ...]]:
    return itertools.product(*JOIN_CODE_SHAPE)


def unlimited_rate(form: JoinView) -> float:
    """Guesses per second through one tab's join form with the lock-out taken away."""
    started = time.perf_counter()
    for guess in itertools.islice(guesses(), GUESSES):
        form.ctx.code_tries = CodeTries()
        form.code.value = "".join(guess)
        form.join_button.click()
    return GUESSES / (time.perf_counter() - started)


def locked_out_per_day(form: JoinView) -> int:
    """Codes one tab gets looked up in a day, guessing again the moment each wait ends."""
    clock = Clock()
    form.ctx.code_tries = CodeTries(clock=clock)
    for guess in guesses():
        clock.now += form.ctx.code_tries.wait_left()
        if clock.now >= DAY:
            return form.ctx.code_tries.wrong
        form.code.value = "".join(guess)
        form.join_button.click()
    raise AssertionError("unreachable: there are more codes than a day of waits allows")


def seconds_per_fresh_kernel() -> float:
    pools = docs_figures.load(ROOT, "startup").rows
    warm = next(row for row in pools if row["--pool"] == 50)
    return float(warm["pool warm (s)"]) / 50


def human(seconds: float) -> str:
    for unit, size in (("years", 365.25 * DAY), ("days", DAY), ("hours", 3600.0), ("min", 60.0)):
        if seconds >= size:
            return f"{seconds / size:,.1f} {unit}"
    return f"{seconds:,.1f} s"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/demo.sqlite"
        migrations.upgrade(url)
        demo.load(url)
        form = join_view(new_app(url))
        raw = unlimited_rate(form)
        per_day = locked_out_per_day(form)
    fresh = FREE_TRIES / seconds_per_fresh_kernel()
    ways = [
        ("six-character codes, no lock-out (before)", OLD_CODES, raw),
        ("nine-character codes, no lock-out", JOIN_CODES, raw),
        ("nine-character codes, one tab with the lock-out", JOIN_CODES, per_day / DAY),
        ("nine-character codes, a fresh tab every 5 guesses", JOIN_CODES, fresh),
    ]
    rows: list[docs_figures.Row] = []
    for way, codes, rate in ways:
        row: docs_figures.Row = {"guessing": way, "codes": codes, "guesses per second": rate}
        for sessions in OPEN_SESSIONS:
            row[f"expected time, {sessions} open"] = human(codes / sessions / rate)
        print(" | ".join(str(value) for value in row.values()))
        rows.append(row)
    print(f"one tab with the lock-out: {per_day} codes looked up in a day")
    docs_figures.record("join_codes", rows)


if __name__ == "__main__":
    main()

"""`codesign serve` without starting anything: its Voilà settings and its two printed lines."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from codesign.access import ADMIN
from codesign.cli import main
from codesign.serving import serve
from codesign.workshop import sessions


def test_voila_is_configured_for_a_room_arriving_at_once() -> None:
    args = serve.voila_args(serve.PARTICIPANT_NOTEBOOK, "127.0.0.1", 8866, 50)
    assert args[0].endswith("notebooks/participant.ipynb")  # one notebook, not a directory
    for wanted in (
        "--Voila.ip=127.0.0.1", "--preheat_kernel=True", "--pool_size=50",
        "--VoilaKernelManager.fill_delay=10", "--CodesignVoila.join_grace=90.0",
        "--CodesignVoila.per_client=3", "--CodesignVoila.max_in_use=0", "--show_tracebacks=False",
        "--strip_sources=True", "--template=codesign",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
    ):  # fmt: skip
        assert wanted in args
    assert any(a.startswith("--VoilaExecutor.cell_error_instruction=Sorry") for a in args)


def test_the_template_ships_with_the_package() -> None:
    template = serve.JUPYTER_DATA / "voila" / "templates" / serve.TEMPLATE
    assert {"conf.json", "index.html.j2", "codesign.css", "codesign.js"} <= {
        p.name for p in template.iterdir()
    }


class FakeServer:
    participant_url = "http://127.0.0.1:8866/"
    facilitator_url = "http://127.0.0.1:9999/lab?token=secret"
    log_path = Path("/tmp/serve.log")
    stopped = False

    def wait_until_ready(self) -> dict[str, int]:
        return {"pool": 9, "warm": 9}

    def wait(self) -> int:
        raise KeyboardInterrupt

    def stop(self) -> None:
        FakeServer.stopped = True


def test_serve_prints_its_urls_then_ready_and_every_open_session_and_stops_on_ctrl_c(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite: str
) -> None:
    seen: dict[str, object] = {}

    def fake_start(db: str | None, **options: object) -> FakeServer:
        seen.update(options, db=db)
        return FakeServer()

    monkeypatch.setattr(serve, "start", fake_start)
    result = CliRunner().invoke(main, ["serve", "--participants", "7", "--db", demo_sqlite])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "Participants: http://127.0.0.1:8866/",
        "Facilitator: http://127.0.0.1:9999/lab?token=secret",
        "Projector: http://127.0.0.1:9999/voila/render/projector.ipynb?token=secret",
        "Review: http://127.0.0.1:9999/voila/render/session_review.ipynb?token=secret",
    ]
    assert lines[4].startswith("Ready for 7 participants: 9 kernels warm, at most ")
    open_codes = {
        info.code for info in sessions.listing(url=demo_sqlite, actor=ADMIN) if not info.closed
    }
    linked = {line.rsplit("?code=", 1)[1] for line in lines[5:]}
    assert linked == open_codes and len(open_codes) >= 2  # one server, every open session
    assert seen["pool"] == 9 and seen["host"] == "127.0.0.1" and FakeServer.stopped


def test_the_pool_follows_the_people_expected_and_the_budget_caps_the_kernels() -> None:
    sizing = serve.size_for(40, 200)
    assert sizing.pool == 50 and sizing.max_in_use >= 40
    assert sizing.memory_mb <= 40 * 200 + serve.SERVERS_MB
    bigger = serve.size_for(40, 400)
    assert bigger.pool == 50 and bigger.max_in_use > sizing.max_in_use
    with pytest.raises(serve.BudgetTooSmall, match="at least 180 MB"):
        serve.size_for(40, 150)
    assert serve.size_for(40, 180).max_in_use >= 40


def test_serve_refuses_a_budget_too_small_before_starting_anything() -> None:
    result = CliRunner().invoke(main, ["serve", "--memory-per-participant", "100"])
    assert result.exit_code == 2 and "allow at least" in result.output

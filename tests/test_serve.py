"""`codesign serve` without starting anything: its Voilà settings and its two printed lines."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from codesign.cli import main
from codesign.serving import serve


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

    def wait(self) -> int:
        raise KeyboardInterrupt

    def stop(self) -> None:
        FakeServer.stopped = True


def test_serve_prints_two_urls_and_stops_cleanly_on_ctrl_c(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def fake_start(db: str | None, **options: object) -> FakeServer:
        seen.update(options, db=db)
        return FakeServer()

    monkeypatch.setattr(serve, "start", fake_start)
    result = CliRunner().invoke(main, ["serve", "--pool", "7", "--db", "sqlite:///x.sqlite"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Participants: http://127.0.0.1:8866/",
        "Facilitator: http://127.0.0.1:9999/lab?token=secret",
    ]
    assert seen["pool"] == 7 and seen["host"] == "127.0.0.1" and FakeServer.stopped

"""`codesign serve` without starting anything: its Voilà settings and its two printed lines."""

import os
import signal
import subprocess
import sys
import time
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
        "--KernelManager.transport=ipc",  # no TCP ports to collide when 50 kernels start
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
        return {"pool": 10, "warm": 10}

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
    result = CliRunner().invoke(main, ["serve", "--participants", "8", "--db", demo_sqlite])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "Participants: http://127.0.0.1:8866/",
        "Facilitator: http://127.0.0.1:9999/lab?token=secret",
        "Projector: http://127.0.0.1:9999/voila/render/projector.ipynb?token=secret",
        "Review: http://127.0.0.1:9999/voila/render/session_review.ipynb?token=secret",
    ]
    assert lines[4].startswith("Ready for 8 participants: 10 kernels warm, at most ")
    open_codes = {
        info.code for info in sessions.listing(url=demo_sqlite, actor=ADMIN) if not info.closed
    }
    linked = {line.rsplit("?code=", 1)[1] for line in lines[5:]}
    assert linked == open_codes and len(open_codes) >= 2  # one server, every open session
    assert seen["pool"] == 10 and seen["host"] == "127.0.0.1" and FakeServer.stopped


def test_the_pool_follows_the_people_expected_and_the_budget_caps_the_kernels() -> None:
    sizing = serve.size_for(40, 200)
    assert sizing.pool == 50 and sizing.max_in_use >= 40
    assert sizing.memory_mb <= 40 * 200 + serve.SERVERS_MB
    bigger = serve.size_for(40, 400)
    assert bigger.pool == 50 and bigger.max_in_use > sizing.max_in_use
    with pytest.raises(serve.BudgetTooSmall, match="at least 180 MB"):
        serve.size_for(40, 150)
    assert serve.size_for(40, 180).max_in_use >= 40


@pytest.mark.parametrize("participants", [1, 2, 3, 4, 5])
def test_a_small_room_fits_the_default_budget(participants: int) -> None:
    sizing = serve.size_for(participants)
    assert sizing.pool >= participants and sizing.max_in_use >= participants


def test_serve_refuses_a_budget_too_small_before_starting_anything() -> None:
    result = CliRunner().invoke(main, ["serve", "--memory-per-participant", "100"])
    assert result.exit_code == 2 and "allow at least" in result.output


STUBBORN_SERVE = """
import signal, subprocess, sys
from codesign.cli import main, serve as cli_serve
from codesign.serving import serve

def start(*_args, **_kwargs):
    # Servers that ignore SIGTERM, as Voilà does while it shuts down a warm pool.
    stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(300)"
    procs = [subprocess.Popen([sys.executable, "-c", stubborn], start_new_session=True)
             for _ in range(2)]
    print(*(p.pid for p in procs), flush=True, file=sys.stderr)
    return serve.Server("http://127.0.0.1:1/", None, serve.Path("serve.log"), procs)

serve.start = start
serve.Server.wait_until_ready = lambda self: {}
cli_serve.sessions.listing = lambda url: []
main(["serve", "--participants", "1"])
"""


def test_ctrl_c_stops_serve_and_its_servers_within_seconds(tmp_path: Path) -> None:
    """The newcomer's `serve` was still running 45 s after Ctrl-C: it now kills what
    ignores the polite request after a short grace."""
    with subprocess.Popen(
        [sys.executable, "-c", STUBBORN_SERVE], cwd=tmp_path, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as proc:  # fmt: skip
        assert proc.stderr is not None and proc.stdout is not None
        children = [int(pid) for pid in proc.stderr.readline().split()]
        assert next(line for line in proc.stdout if line.startswith("Ready for 1 participants"))
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        assert time.monotonic() - started < 10  # "a few seconds", even on a loaded machine
    for pid in children:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)

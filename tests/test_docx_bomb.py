"""A hostile .docx: a few hundred KB that would unpack to gigabytes is refused before any
of it is inflated, with one clear line (issue 10, finding 11)."""

import resource
import zipfile
from pathlib import Path

from tests.cli import invoke


def _bomb(path: Path, unpacked_mb: int) -> Path:
    """A valid ZIP whose document.xml is `unpacked_mb` MB of one repeated byte."""
    block = b"\0" * 2**20
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(unpacked_mb):
                member.write(block)
    return path


def test_a_docx_zip_bomb_is_refused_before_it_is_read(store_url: str, tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "draft.docx", 200)
    assert bomb.stat().st_size < 1_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = invoke("toolkit", "import", str(bomb), "--db", store_url)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert result.exit_code == 1, result.output
    assert "would unpack to more than 50 MB" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert grown_mb < 50


def test_a_file_that_is_not_a_zip_is_one_clear_line(store_url: str, tmp_path: Path) -> None:
    fake = tmp_path / "draft.docx"
    fake.write_bytes(b"PK\x03\x04 not really")
    result = invoke("toolkit", "import", str(fake), "--db", store_url)
    assert result.exit_code == 1
    assert "could not be read as a Word (.docx) document" in result.output

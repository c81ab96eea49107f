"""Time every export format on the demo workshop (whole programme and one session).

The plain `csv` export is the baseline: every other format builds the same rows first.
Run: .venv/bin/python benchmarks/bench_exports.py
"""

import tempfile
import time
from pathlib import Path

import docs_figures

from codesign import exports, store
from codesign.access import ADMIN
from codesign.demo import workshop as demo
from codesign.exports import FORMATS
from codesign.store import migrations


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite"
        migrations.upgrade(url)
        demo.load(url)
        exports.export(
            None, "html", Path(folder) / "warm.html", url=url, actor=ADMIN
        )  # imports, fonts
        print(f"{'format':<6} {'scope':<10} {'seconds':>8} {'bytes':>9}")
        rows: list[docs_figures.Row] = []
        for code, scope in ((None, "programme"), (demo.demo_code("sa-2"), "session")):
            for fmt in FORMATS:
                out = Path(folder) / f"{scope}.{fmt}"
                start = time.perf_counter()
                exports.export(code, fmt, out, url=url, actor=ADMIN)
                took = time.perf_counter() - start
                print(f"{fmt:<6} {scope:<10} {took:8.2f} {out.stat().st_size:9d}")
                rows.append(
                    {"format": fmt, "scope": scope, "seconds": took, "bytes": out.stat().st_size}
                )
        store.dispose(url)
    docs_figures.record("exports", rows)


if __name__ == "__main__":
    main()

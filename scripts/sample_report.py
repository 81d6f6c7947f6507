"""Write the PDF report of the tests' sample month, in German and in English, to look at it.

    .venv/bin/python scripts/sample_report.py /tmp/pdfcheck

writes ``sample-de.pdf`` and ``sample-en.pdf`` there (no database needed); to see the pages as
images: ``pdftoppm -png -r 70 /tmp/pdfcheck/sample-de.pdf /tmp/pdfcheck/de``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path, help="folder for sample-de.pdf and sample-en.pdf")
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))  # the sample content lives with the tests

    from tests.reports import sample_content
    from welcome_center import i18n
    from welcome_center.reports.pdf import render_pdf

    args.out.mkdir(parents=True, exist_ok=True)
    for lang in i18n.LANGUAGES:
        started = time.perf_counter()
        with i18n.using(lang):
            data = render_pdf(sample_content(lang))
        path = args.out / f"sample-{lang}.pdf"
        path.write_bytes(data)
        print(f"{path}: {len(data):,} bytes in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The workbook as LibreOffice prints it (headless, to PDF): A4 landscape pages and no text under
8 pt. Needs `soffice`, and Carlito (Calibri's metric twin, Debian fonts-crosextra-carlito): without
it LibreOffice measures the workbook's Calibri columns in a wider font than Excel does, so its
pages shrink further than Excel's. Machines without them skip this file (`make print-check`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from recruiter.services import exporting
from tests.factories import AS_OF, Sample

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _has_carlito() -> bool:
    fc = shutil.which("fc-list")
    if fc is None:
        return False
    found = subprocess.run([fc, "Carlito"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


pytestmark = [
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
    pytest.mark.skipif(
        SOFFICE is not None and not _has_carlito(),
        reason="Carlito (fonts-crosextra-carlito) is not installed: LibreOffice would measure "
        "Calibri columns in another font",
    ),
]


def to_pdf(book: Path, out_dir: Path) -> Path:
    """LibreOffice's own print of the workbook, with a throw-away profile."""
    assert SOFFICE is not None
    profile = (out_dir / "lo-profile").as_uri()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out_dir / (book.stem + ".pdf")


def test_libreoffice_prints_every_page_on_a4_landscape_at_8_pt_or_more(
    sample: Sample, tmp_path: Path
) -> None:
    book = tmp_path / "weekly.xlsx"
    exporting.export_workbook(sample.db, book, as_of=AS_OF)
    pdf_path = to_pdf(book, tmp_path)
    with pdfplumber.open(pdf_path) as pdf:
        # Summary over a few pages (rows of wrapped names as tall as their lines), one per
        # small sheet.
        assert 4 <= len(pdf.pages) <= 13
        for page in pdf.pages:
            assert (page.width, page.height) == pytest.approx((842, 595), abs=2)
            sizes = [float(c["size"]) for c in page.chars if c["text"].strip()]
            assert sizes and min(sizes) >= 8, (page.page_number, min(sizes))
        text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "All institutions" in text and "Page 1 of" in text
    # Names are whole on paper: wrapped, never cut at the column edge.
    assert "Professor of Catalysis" in " ".join(text.split())

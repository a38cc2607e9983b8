"""The pages of a folder of scans: images (PNG, JPEG, TIFF, several frames too) and PDF pages.

Each page keeps its file's name and the SHA-256 of the file's bytes (SPEC §12 *Record*); a PDF or a
multi-frame TIFF gives several pages with the same file hash and their page numbers in the file.
Files are taken in name order; files of other kinds (``Thumbs.db``, ``.txt``) are listed as skipped,
never silently read. A file that cannot be decoded is a page with an ``error``, so the reader rejects
it with a reason instead of stopping.

PDF pages are rendered with pypdfium2 at the resolution of the scan they hold (an office scanner's PDF
has one image per page), at most :data:`PDF_DPI`; a PDF without images (a printed ballot) at 300 dpi.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Iterator

import numpy as np

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}
PDF_SUFFIXES = {".pdf"}
PDF_DPI = 300


@dataclass
class SourcePage:
    file: str                       # the file's name (as in the folder)
    file_page: int                  # 1-based page (or frame) within the file
    sha256: str                     # of the whole file's bytes
    image: np.ndarray | None        # 8-bit grey, rows × columns; None when the file cannot be read
    dpi: float | None = None        # as the file states it (None: not stated)
    error: str = ""                 # why the file could not be read (Chinese)


def file_kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in PDF_SUFFIXES:
        return "pdf"
    return None


def scan_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(the files to read, the files skipped) of ``folder``, each in name order; hidden files ignored."""
    files = sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")),
                   key=lambda p: p.name)
    return [p for p in files if file_kind(p)], [p for p in files if not file_kind(p)]


def pages_of_bytes(name: str, data: bytes) -> Iterator[SourcePage]:
    """The pages of one file's bytes (the kind told by the name's suffix)."""
    digest = hashlib.sha256(data).hexdigest()
    kind = file_kind(Path(name))
    try:
        if kind == "pdf":
            yield from _pdf_pages(name, data, digest)
        else:
            yield from _image_pages(name, data, digest)
    except Exception as err:  # noqa: BLE001 - any decoder failure is a page the reader rejects
        yield SourcePage(name, 1, digest, None, error=f"文件无法读取（{type(err).__name__}）")


def pages_of_file(path: Path) -> Iterator[SourcePage]:
    try:
        data = path.read_bytes()
    except OSError as err:
        yield SourcePage(path.name, 1, "", None, error=f"文件无法打开（{err.strerror or err}）")
        return
    yield from pages_of_bytes(path.name, data)


def _image_pages(name: str, data: bytes, digest: str) -> Iterator[SourcePage]:
    from PIL import Image, ImageOps
    with Image.open(BytesIO(data)) as img:
        for frame in range(getattr(img, "n_frames", 1)):
            img.seek(frame)
            dpi = img.info.get("dpi")
            page = ImageOps.exif_transpose(img) if frame == 0 else img
            if page.mode not in ("L", "1") and "A" in page.getbands():
                page = Image.alpha_composite(Image.new("RGBA", page.size, "white"), page.convert("RGBA"))
            grey = np.asarray(page.convert("L"))
            yield SourcePage(name, frame + 1, digest, grey, float(dpi[0]) if dpi and dpi[0] else None)


def _pdf_pages(name: str, data: bytes, digest: str) -> Iterator[SourcePage]:
    import pypdfium2
    doc = pypdfium2.PdfDocument(data)
    try:
        for i in range(len(doc)):
            page = doc[i]
            dpi = min(PDF_DPI, _image_dpi(page) or PDF_DPI)
            array = page.render(scale=dpi / 72, grayscale=True).to_numpy()
            yield SourcePage(name, i + 1, digest, np.array(array[:, :, 0] if array.ndim == 3 else array), dpi)
    finally:
        doc.close()


def _image_dpi(page) -> float | None:
    """The resolution of the page's largest image (a scanner's PDF: the scan), None without images.
    The page is rendered at it (at most :data:`PDF_DPI`), so a 110 dpi scan is read as what it is."""
    import pypdfium2.raw as pdfium_c
    best = None
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
        width_px, _ = obj.get_px_size()
        left, _, right, _ = obj.get_bounds()
        if right > left and (best is None or width_px > best[0]):
            best = (width_px, width_px / ((right - left) / 72))
    return best[1] if best else None

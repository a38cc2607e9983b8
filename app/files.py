"""Files that are whole or absent: write to a temporary name in the same folder, fsync, then rename.

A crash, a pulled plug or a killed process at any moment leaves either the old file (or none) under the
final name, or the complete new one — never a half-written file there. A temporary file left by a
crash has a hidden name starting with ``.`` and ending with ``.部分`` beside the final name, and is
never opened by the program. Used by ``import``, 备份 and every export (Excel, JSON, PDF).
"""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

TEMP_SUFFIX = ".部分"


class TargetExists(FileExistsError):
    """The final name was taken (by another program) while the file was being written."""


def temp_beside(final: str | Path) -> Path:
    final = Path(final)
    return final.with_name(f".{final.name}.{os.getpid()}-{secrets.token_hex(3)}{TEMP_SUFFIX}")


def fsync_file(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: str | Path) -> None:
    """Make a rename durable (POSIX; Windows has no directory handles to sync)."""
    if os.name == "nt":  # pragma: no cover - Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(tmp: str | Path, final: str | Path, *, replace: bool = True) -> None:
    """Move a finished temporary file to its final name, durably. ``replace=False``: never over an
    existing file (TargetExists, the temporary file removed)."""
    tmp, final = Path(tmp), Path(final)
    fsync_file(tmp)
    if replace:
        os.replace(tmp, final)
    else:
        try:
            os.link(tmp, final)           # atomic, and fails when the name is taken
        except FileExistsError:
            tmp.unlink(missing_ok=True)
            raise TargetExists(str(final)) from None
        except OSError:                   # a file system without hard links (FAT32 on a USB stick)
            if final.exists():
                tmp.unlink(missing_ok=True)
                raise TargetExists(str(final)) from None
            os.rename(tmp, final)
        else:
            tmp.unlink()
    fsync_dir(final.parent)


def remove_temp(tmp: str | Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(f"{tmp}{suffix}")
        except FileNotFoundError:
            pass
        except OSError:  # pragma: no cover - e.g. still open on Windows
            pass


@contextmanager
def atomic_path(final: str | Path, *, replace: bool = True) -> Iterator[Path]:
    """``with atomic_path("out.xlsx") as tmp: wb.save(tmp)`` — the file appears under its final name
    only when the block finished; an error leaves nothing behind."""
    tmp = temp_beside(final)
    try:
        yield tmp
        publish(tmp, final, replace=replace)
    except BaseException:
        remove_temp(tmp)
        raise


def write_bytes(final: str | Path, data: bytes, *, replace: bool = True) -> None:
    with atomic_path(final, replace=replace) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)


def write_text(final: str | Path, text: str, *, replace: bool = True) -> None:
    write_bytes(final, text.encode("utf-8"), replace=replace)


def write_with(final, writer: Callable[[Any], object], *, replace: bool = True) -> None:
    """``writer(tmp)`` writes the whole file at ``tmp`` (openpyxl's ``save``, a PDF renderer …). A stream
    instead of a file name (a test's ``BytesIO``) is written to directly."""
    if not isinstance(final, (str, os.PathLike)):
        writer(final)
        return
    with atomic_path(final, replace=replace) as tmp:
        writer(tmp)

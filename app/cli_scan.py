"""``python -m app scan FILE.db FOLDER``: read a folder of scanned 定岗推荐票 into the campaign (SPEC §12).

One JSON line per page on standard output, in the folder's name order::

    {"page": "scan-001.jpg", "sha256": "…", "status": "read", "reason": "", "group": "staff",
     "number": "482913", "marks": {"1001": "agree:P1", "1002": "doubtful", …}, "recorded": "waiting"}

``status`` is ``read`` or ``rejected`` (a blank back page is ``rejected`` with ``code`` ``blank`` and the
reason 空白页（背面），已跳过); ``marks`` are the page's marks as read — ``doubtful`` and ``invalid``
ones wait for review in the campaign (a person decides, a second person confirms, in the window);
``recorded`` says what the page became (entered / waiting / second-channel / rejected / blank).
Exit 0; 2 with a message on stderr when the data file or the folder cannot be used (or the count
does not take ballots now).
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def page_line(page, view) -> dict:
    """The line printed for one page: the reader's reading, with the campaign's refusal if any."""
    from .scan.reader import READ
    read = page.status == READ and view.status != "rejected"
    return {"page": view.file, "sha256": view.sha256, "status": "read" if read else "rejected",
            "reason": "" if read else view.reason, "code": "" if read else view.code,
            "group": view.group, "number": view.number, "marks": dict(page.marks) if read else {},
            "recorded": view.status}


def run_scan(db: str, folder: str, operator: str = "扫描", out: TextIO | None = None, err: TextIO | None = None,
             low: str | None = None, high: str | None = None) -> int:
    from pathlib import Path

    from .services.scanning import scan_folder, set_thresholds, stored_thresholds
    from .services.store import Store, StoreError
    out, err = out or sys.stdout, err or sys.stderr
    if not Path(folder).is_dir():
        print(f"{folder}: 不是文件夹（请给出存放扫描件的文件夹）", file=err)
        return EXIT_BAD_INPUT
    try:
        store = Store.open(db, operator=operator)
    except StoreError as exc:
        print(str(exc), file=err)
        return EXIT_BAD_INPUT
    try:
        if low is not None or high is not None:       # set before the first page (the service refuses after it)
            now = stored_thresholds(store)
            wrote = set_thresholds(store, low if low is not None else str(now.low),
                                   high if high is not None else str(now.high))
            print(wrote.label, file=err)

        def show(page, view) -> None:
            print(json.dumps(page_line(page, view), ensure_ascii=False), file=out, flush=True)
        scan_folder(store, folder, on_page=show)
    except StoreError as exc:
        print(f"扫描计票中止：{exc}", file=err)
        return EXIT_BAD_INPUT
    finally:
        store.close()
    return EXIT_OK

"""扫描计票 in the campaign (SPEC §12, issue 17): scanned 定岗推荐票 become ordinary ballot records.

The engine (:mod:`app.scan`) reads pages; this service decides what a read page becomes:

- a page that names a number not printed for its group, or one already entered, is rejected (the
  reader's ``check_number`` hook asks :func:`reader_for`'s check, and :func:`record_page` asks again
  inside its transaction);
- a page with nothing doubtful becomes an ordinary :class:`app.models.schema.Ballot` at once
  (``entered_by`` = the operator, marks in the JSON ``save_ballot`` stores);
- a page with a doubtful box or an invalid candidate waits for review: its aligned image is kept
  (PNG) and every box's fill; a person decides each doubtful candidate, a second person confirms,
  and the ballot record is made when the last item is confirmed;
- a group that is also read aloud (唱票) is a *second channel*: the scanned page is stored beside the
  keyed ballot and compared with it by number (:func:`channel_differences`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .store import Store, Wrote


@dataclass(frozen=True)
class ScanBox:
    """One box of a candidate's row on a read page."""
    choice: str           # "agree:P1" / "suggest:P3"
    post_name: str
    fill: str             # the measured fill against the blank form, 3 decimals, e.g. "0.412"
    auto: str             # the reader's decision: "empty" / "marked" / "doubtful"
    rect: tuple[int, int, int, int]   # x, y, w, h in the aligned page image's pixels (for highlighting)


@dataclass(frozen=True)
class ReviewItem:
    """One candidate of one scanned ballot that a person must decide (SPEC §12)."""
    key: str              # opaque, e.g. "staff:482913:1001"
    group: str
    number: str           # the ballot number
    person: str
    person_name: str
    page_id: int          # the scanned page that shows the row (for page_image)
    file: str             # the scan's file name (and "#2" for a PDF's 2nd page)
    sha256: str           # of the page as scanned
    why: str              # "doubtful" / "invalid"
    why_text: str         # in Chinese, e.g. "标记不清（填涂 0.31）"
    boxes: tuple[ScanBox, ...]        # the candidate's boxes, in printed order (keys 1..n in the GUI)
    decided: str | None   # the first person's mark: "agree:P1" / "suggest:P3" / "blank" / "invalid"
    decided_by: str | None
    decided_at: str | None
    confirmed_by: str | None
    version: int          # for compare-and-set


@dataclass(frozen=True)
class ScannedPage:
    """One page as recorded."""
    id: int
    file: str
    sha256: str
    status: str           # "entered" / "waiting" / "rejected" / "blank" / "second-channel"
    reason: str           # Chinese, "" unless rejected/blank
    action: str           # what to do (rescan / enter by hand), "" if nothing
    group: str | None
    number: str | None
    ballot_serial: int | None


@dataclass(frozen=True)
class ChannelDifference:
    """A candidate whose mark differs between the keyed (唱票) and the scanned ballot of one number."""
    group: str
    number: str
    person: str           # "" when the whole ballot is missing from one channel
    person_name: str
    keyed: str            # "agree:P1" / "suggest:P3" / "blank" / "invalid" / "void" / "missing"
    scanned: str
    version: int          # for compare-and-set in resolve_difference


def reader_for(store: Store):
    """A :class:`app.scan.reader.Reader` over the stored layouts, with a ``check_number`` hook refusing
    numbers not printed for the group or already entered (unless the group is a second channel)."""
    raise NotImplementedError


def record_page(store: Store, page) -> Wrote:
    """Record one read page (one transaction). ``Wrote.result``: :class:`ScannedPage`."""
    raise NotImplementedError


def scan_folder(store: Store, folder: str | Path, *, on_page: Callable | None = None) -> list[ScannedPage]:
    """Read every page of ``folder`` and record it; ``on_page(page_read, scanned_page)`` after each."""
    raise NotImplementedError


def scanned_pages(store: Store) -> list[ScannedPage]:
    raise NotImplementedError


def review_queue(store: Store) -> list[ReviewItem]:
    """Undecided items first, then decided-but-unconfirmed."""
    raise NotImplementedError


def page_image(store: Store, page_id: int) -> bytes:
    """PNG of the aligned page (kept for pages with something to review)."""
    raise NotImplementedError


def decide(store: Store, key: str, mark: str, *, expected_version: int) -> Wrote:
    """The first person's decision (by ``store.operator``): one of the item's box choices, "blank"
    or "invalid"."""
    raise NotImplementedError


def confirm(store: Store, key: str, confirmer: str, *, expected_version: int) -> Wrote:
    """A second person confirms (``confirmer`` ≠ the decider: StoreError “须由另一人确认”); the last
    confirmed item of a ballot makes it an ordinary ballot record."""
    raise NotImplementedError


def channel_differences(store: Store) -> list[ChannelDifference]:
    raise NotImplementedError


def resolve_difference(store: Store, group: str, number: str, person: str, mark: str, reason: str, *,
                       expected_version: int) -> Wrote:
    """The 监督组's decision on one difference, with a reason (compare-and-set)."""
    raise NotImplementedError

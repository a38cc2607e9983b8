"""扫描计票 in the campaign (SPEC §12, issue 17): scanned 定岗推荐票 become ordinary ballot records.

The engine (:mod:`app.scan`) reads pages; this service decides what a read page becomes.

**Printing.** The numbered 定岗推荐票 is printed in the scannable layout (:func:`ballot_layout`: the
candidates in ballot order with their declared posts, every post a column). The layout is stored when
it is printed (``meta`` ``scan_layout:<digest>``: its JSON and SHA-256; ``scan_layout``: the digest last
printed), so the reader knows it — also from another laptop. Unnumbered ballots keep the old form.

**A read page** (:func:`record_page`, one transaction):

- rejected (SPEC §12): the reader's reasons (QR unreadable, fiducial missing, rotation > 3° …), and
  those this service adds: a number not printed for the group (``number_unknown``), a page already
  entered or scanned (``number_duplicate``), and a layout that is no longer the candidate list's
  (``layout_changed``: the list changed after printing — never read against the wrong list);
- a ballot whose every candidate is clear becomes an ordinary :class:`Ballot` at once, entered by
  the operator with the rule :func:`app.services.ballots.enter_ballot_in` applies to a keyed paper;
- a ballot with a doubtful box or a candidate marked in a way §3 calls invalid **waits**: one review
  item per such candidate; its page's aligned image is kept (PNG, table ``scan_images``, not audited:
  the audited page row carries the PNG's SHA-256); a person decides (:func:`decide`), a second person
  confirms (:func:`confirm`); the ballot is entered when its last item is confirmed;
- a ballot of several pages waits until every page is read (its candidates' marks are joined across
  the pages, so two marks on two pages are invalid as on one).

Every box's fill (3 decimals) and the program's decision are stored on the page row (``boxes``, in
the layout's order); a person's decision on the review item (who, when; confirmed by whom, when).
Void ballots are not a scanning concept: a paper the 监督组 declare 作废 is entered by hand.

**Two channels.** A voter group marked as a second channel (:func:`set_second_channel`) is read aloud
(唱票, the record) *and* scanned: its scanned pages never become ballots; they are compared with the
keyed ballots number by number (:func:`channel_differences`). **Decision:** a number that only one
channel has is a difference from the moment it appears (it disappears when the other channel enters
it); a mark that differs is one difference per candidate; a doubtful scanned mark is a difference
(the paper is looked at, not the image). Each is settled by the 监督组 with a reason
(:func:`resolve_difference`), which corrects the keyed ballot when they say so. A void keyed paper is
not compared (作废 is the 监督组's decision on the paper). The count cannot be closed, nor the stage
confirmed, while a review item, a page waiting for its other pages, or a difference is open.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.ballots import BLANK, INVALID, Mark
from ..core.scheme import GROUP_LABELS, GROUP_SHORT_LABELS, GROUPS
from ..models import audit
from ..models.schema import (Ballot, BallotNumber, Meta, Person, Post, ScanImage, ScanItem, ScanPage,
                             ScanResolution)
from ._put import put
from .ballot_numbers import ENTERED, NOT_OPENED, NOT_OPENED_TEXT, count_state_in, require_count_not_closed
from .ballots import _declared, checked_marks, enter_ballot_in
from .history import conflict
from .stages import require_editable
from .store import Changed, ConflictError, Store, StoreError, Wrote

if TYPE_CHECKING:                     # the scan engine loads numpy, Pillow and zxing-cpp: only when reading
    from ..scan.layout import Layout
    from ..scan.measure import Thresholds
    from ..scan.reader import PageRead, Reader

MEETING_CODE = "DGTJ"
"""The meeting as the QR names it (:class:`app.scan.layout.QrPayload`: 1–10 of 0-9 A-Z . -)."""
LAYOUT_KEY, LAYOUT_PREFIX, SECOND_KEY = "scan_layout", "scan_layout:", "scan_second_channel"

ENTERED_PAGE, WAITING, REJECTED, BLANK_PAGE, SECOND = "entered", "waiting", "rejected", "blank", "second-channel"
STATUS_LABELS = {ENTERED_PAGE: "已计入", WAITING: "待复核", REJECTED: "未识读", BLANK_PAGE: "空白页",
                 SECOND: "第二渠道（比对）"}
DOUBTFUL = "doubtful"
DECISION_CODES = {"empty": "e", "marked": "m", "doubtful": "d"}
CODE_DECISIONS = {v: k for k, v in DECISION_CODES.items()}
EXTRA_REASONS = {
    "layout_changed": ("选票版式与现在的候选人名单不符（印制后名单有变动）",
                       "请交监督组核对：按现在的名单重新制票，或按唱票手工录入该票"),
}
ONLY_KEYED, ONLY_SCANNED, MISSING, PRESENT = "only-keyed", "only-scanned", "missing", "present"


# -- what the GUI and the command line see ------------------------------------------------------------

@dataclass(frozen=True)
class ScanBox:
    """One box of a candidate's row on a read page."""
    choice: str           # "agree:P1" / "suggest:P3"
    post_name: str
    fill: str             # the measured fill against the blank form, 3 decimals, e.g. "0.412"
    auto: str             # the reader's decision: "empty" / "marked" / "doubtful"
    rect: tuple[int, int, int, int]   # x, y, w, h in the aligned page image's pixels (for highlighting)
    page_id: int | None = None        # the scanned page the box is on (a row of a wide ballot spans two)


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
    why_text: str         # in Chinese, e.g. "标记不清（填涂 0.031）"
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
    code: str = ""        # the rejection's reason code (app.scan.reader.REASONS, or layout_changed)


@dataclass(frozen=True)
class ChannelDifference:
    """A difference between the keyed (唱票) and the scanned ballot of one number (SPEC §12)."""
    group: str
    number: str
    person: str           # "" when the whole paper is in one channel only
    person_name: str
    keyed: str            # "agree:P1" / "suggest:P3" / "blank" / "invalid" / "missing" / "present"
    scanned: str          # the same, and "doubtful"
    version: int          # for compare-and-set in resolve_difference (the keyed ballot's version, 0: none)
    kind: str = "marks"   # "marks" / "only-keyed" / "only-scanned"
    words: str = ""       # in Chinese, for the list and the wall


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _fill_text(value: Fraction) -> str:
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.001"), ROUND_HALF_UP))


def mark_words(mark: str, posts: dict[str, str]) -> str:
    """A mark as the clerk reads it: 同意 P1 办公室科长 / 建议 P3 … / 空白 / 无效 / 不清."""
    kind, _, post = mark.partition(":")
    if post:
        return f"{'同意' if kind == 'agree' else '建议'} {post} {posts.get(post, '')}".strip()
    return {BLANK: "空白", INVALID: "无效", DOUBTFUL: "不清", MISSING: "无此票", PRESENT: "有此票"}.get(mark, mark)


# -- the layout --------------------------------------------------------------------------------------

def ballot_layout(store: Store):
    """(layout, text) of the 定岗推荐票 for the candidate list as it is now: the candidates in ballot
    order (:func:`app.services.draws.ballot_order`) with their declared posts, every post a column."""
    from ..scan.layout import Candidate, LayoutError, make_layout
    from ..scan.render import BallotText
    from .draws import ballot_order
    order = ballot_order(store)
    with store.read() as s:
        declared = _declared(s)
        posts = {pid: name for pid, name in s.execute(select(Post.id, Post.name).order_by(Post.sort, Post.id))}
        names = dict(s.execute(select(Person.id, Person.name)).all())
    candidates = [Candidate(p, declared[p]) for p in order if declared.get(p)]
    try:
        layout = make_layout(candidates, list(posts))
    except LayoutError as err:
        raise StoreError(f"定岗推荐票不能按扫描版式印制：{err}") from None
    return layout, BallotText({c.person: names.get(c.person, c.person) for c in candidates}, posts, MEETING_CODE)


def remember_layout(store: Store, layout: "Layout") -> Wrote:
    """Store ``layout`` (its JSON and SHA-256) as printed; ``scan_layout`` names the digest last printed."""
    from ..scan.layout import layout_json
    value = audit.canonical({"sha256": layout.sha256, "layout": layout_json(layout)})
    with store.write("印制定岗推荐票（扫描版式）") as s:
        put(s, Meta, {"key": LAYOUT_PREFIX + layout.digest}, {"value": value})
        put(s, Meta, {"key": LAYOUT_KEY}, {"value": layout.digest})
    return Wrote(Changed.BALLOTS, label=f"定岗推荐票版式 {layout.digest}", entity=f"meta:{LAYOUT_PREFIX}{layout.digest}",
                 value=layout.sha256, seq=store.last_write)


def stored_layouts_in(s: Session) -> dict[str, "Layout"]:
    """digest → every layout printed for this campaign."""
    from ..scan.layout import layout_from_json
    out = {}
    for row in s.execute(select(Meta).where(Meta.key.like(LAYOUT_PREFIX + "%"))).scalars():
        layout = layout_from_json(json.loads(row.value)["layout"])
        out[layout.digest] = layout
    return out


def stored_layouts(store: Store) -> dict[str, "Layout"]:
    with store.read() as s:
        return stored_layouts_in(s)


def printable(store: Store, ballots: Iterable[tuple[str, str]]):
    """The numbered ballots to print in the scannable layout (:class:`app.reports.data.ScannableBallots`),
    the layout stored first."""
    from ..reports.data import ScannableBallots
    layout, text = ballot_layout(store)
    remember_layout(store, layout)
    return ScannableBallots(layout, text, tuple(ballots))


def current_layout_json(store: Store) -> dict:
    """The layout of the candidate list as it is now, as ``--layout L.json`` writes it."""
    from ..scan.layout import layout_json
    return layout_json(ballot_layout(store)[0])


# -- second channel -----------------------------------------------------------------------------------

def second_channels_in(s: Session) -> set[str]:
    row = s.get(Meta, SECOND_KEY)
    return set(json.loads(row.value)) if row is not None and row.value else set()


def second_channels(store: Store) -> set[str]:
    with store.read() as s:
        return second_channels_in(s)


def set_second_channel(store: Store, group: str, on: bool) -> Wrote:
    """Mark ``group`` as read aloud *and* scanned (``on``): its scans are compared with the keyed ballots."""
    if group not in GROUPS:
        raise StoreError(f"未知的投票组 {group}")
    with store.write() as s:
        require_editable(s, "recommendation")
        require_count_not_closed(s)
        groups = second_channels_in(s)
        if not on and s.execute(select(ScanPage.id).where(ScanPage.group == group, ScanPage.status == SECOND)
                                .limit(1)).first():
            raise StoreError(f"{GROUP_LABELS[group]}已有作为第二渠道扫描的选票，不能取消双渠道比对")
        groups = (groups | {group}) if on else (groups - {group})
        put(s, Meta, {"key": SECOND_KEY}, {"value": json.dumps(sorted(groups))})
    what = "唱票与扫描双渠道比对" if on else "取消双渠道比对"
    return Wrote(Changed.BALLOTS, label=f"{GROUP_LABELS[group]}：{what}", entity=f"meta:{SECOND_KEY}",
                 value=",".join(sorted(groups)), seq=store.last_write)


# -- checking a number -------------------------------------------------------------------------------

_LIVE = (ENTERED_PAGE, WAITING, SECOND)


def number_check_in(s: Session, group: str, number: str, page: int) -> tuple[str, str] | None:
    """(code, detail) refusing a scanned ballot page (SPEC §10, §12), or None to take it."""
    printed_for = s.execute(select(BallotNumber.group).where(BallotNumber.number == number)).scalar()
    if printed_for != group:
        return "number_unknown", (f"{number}，是{GROUP_SHORT_LABELS[printed_for]}的票号" if printed_for
                                  else f"{number} 未印制")
    for file, status, serial in s.execute(select(ScanPage.file, ScanPage.status, ScanPage.ballot_serial).where(
            ScanPage.group == group, ScanPage.ballot_no == number, ScanPage.page == page, ScanPage.status.in_(_LIVE))):
        if status == ENTERED_PAGE and serial is not None and s.get(Ballot, serial).status not in ENTERED:
            continue                        # its ballot was taken back (撤销): the paper may be entered again
        return "number_duplicate", f"{number} 第 {page} 页已于 {file} 扫描"
    if group not in second_channels_in(s):
        entered = s.execute(select(Ballot.serial).where(Ballot.ballot_no == number, Ballot.status.in_(ENTERED))
                            .limit(1)).first()
        if entered is not None:
            return "number_duplicate", f"{number} 已录入"
    return None


# -- the two thresholds (SPEC §12: editable; the defaults chosen on the test corpus, app/scan/measure.py) ----

THRESHOLDS_KEY = "scan_thresholds"          # meta: "low high" as exact fractions, e.g. "1/50 1/10"


def _fraction(text: str, what: str) -> Fraction:
    t = (text or "").strip().replace("％", "%")
    try:
        value = Fraction(Decimal(t[:-1]) / 100) if t.endswith("%") else Fraction(t)
    except (ValueError, ZeroDivisionError, ArithmeticError):
        raise StoreError(f"{what}“{text}”不是数（可写 0.02、2% 或 1/50）") from None
    if not 0 < value < 1:
        raise StoreError(f"{what}“{text}”须大于 0、小于 1")
    return value


def _fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def thresholds_in(s: Session) -> "Thresholds":
    from ..scan.measure import Thresholds
    row = s.get(Meta, THRESHOLDS_KEY)
    if row is None or not row.value:
        return Thresholds()
    low, _, high = row.value.partition(" ")
    return Thresholds(Fraction(low), Fraction(high))


def stored_thresholds(store: Store) -> "Thresholds":
    """The campaign's two thresholds (the defaults until the 考评组 set them)."""
    with store.read() as s:
        return thresholds_in(s)


def set_thresholds(store: Store, low: str, high: str) -> Wrote:
    """Set the two fill thresholds of this count: below ``low`` a box is empty, at or above ``high`` marked,
    between them doubtful (a person decides). Allowed only before the first page is recorded, so every page of
    the count is judged by the same two numbers."""
    lo, hi = _fraction(low, "下限"), _fraction(high, "上限")
    if lo >= hi:
        raise StoreError(f"下限“{low}”须小于上限“{high}”（两者之间的框交人判定）")
    with store.write("设定扫描阈值") as s:
        require_editable(s, "recommendation")
        require_count_not_closed(s)
        pages = s.execute(select(func.count()).select_from(ScanPage)).scalar() or 0
        if pages:
            raise StoreError(f"已记录 {pages} 页扫描件，不能再改阈值（同一次计票的每一页须用同一阈值判定）")
        put(s, Meta, {"key": THRESHOLDS_KEY}, {"value": f"{_fraction_text(lo)} {_fraction_text(hi)}"})
    return Wrote(Changed.BALLOTS, label=f"扫描阈值：下限 {_fraction_text(lo)}，上限 {_fraction_text(hi)}",
                 entity=f"meta:{THRESHOLDS_KEY}", value=f"{_fraction_text(lo)} {_fraction_text(hi)}",
                 seq=store.last_write)


def reader_for(store: Store, thresholds=None) -> "Reader":
    """A :class:`app.scan.reader.Reader` over the stored layouts, with a ``check_number`` hook refusing
    numbers not printed for the group or already entered (unless the group is a second channel). The
    reading itself opens no transaction but the hook's short read: a worker thread may run it."""
    from ..scan.reader import Reader
    layouts = stored_layouts(store)

    def check(payload) -> tuple[str, str] | None:
        with store.read() as s:
            return number_check_in(s, payload.group, payload.number, payload.page)
    return Reader(layouts.values(), thresholds or stored_thresholds(store), check_number=check)


# -- recording a page ---------------------------------------------------------------------------------

def _page_name(page: "PageRead") -> str:
    return page.file if page.file_page == 1 else f"{page.file}#{page.file_page}"


def _png(image) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "PNG", optimize=False, compress_level=6)
    return buf.getvalue()


def _decisions(row: ScanPage) -> list[tuple[str, str]]:
    """(fill text, decision) per box of the page row, in the layout's order."""
    if not row.boxes:
        return []
    return [(f, CODE_DECISIONS[d]) for f, d in (x.split(":") for x in row.boxes.split(","))]


def _ballot_marks(layout: "Layout", rows: list[ScanPage]) -> dict[str, str]:
    """The whole ballot's marks from its page rows (every page present), by the reader's rule."""
    from ..scan.measure import marks_of
    persons = list(dict.fromkeys(b.person for p in layout.pages for b in p.boxes))
    triples = [(b.person, b.choice, d) for row in rows
               for b, (_, d) in zip(layout.page(row.page).boxes, _decisions(row))]
    return marks_of(triples, layout, persons)


def _reject(row: ScanPage, code: str, detail: str = "") -> None:
    from ..scan.reader import REASONS
    reason, action = {**REASONS, **EXTRA_REASONS}.get(code, (code, ""))
    row.status, row.code = REJECTED, code
    row.reason, row.action = (f"{reason}（{detail}）" if detail else reason), action
    row.boxes, row.marks = "", "{}"


def _next_page_id(s: Session) -> int:
    return (s.execute(select(func.max(ScanPage.id))).scalar() or 0) + 1


def _view(row: ScanPage) -> ScannedPage:
    return ScannedPage(row.id, row.file, row.sha256, row.status, row.reason, row.action, row.group, row.ballot_no,
                       row.ballot_serial, row.code)


def record_page(store: Store, page: "PageRead") -> Wrote:
    """Record one read page in one transaction (SPEC §12). ``Wrote.result``: :class:`ScannedPage`. A page
    whose ballot has nothing to review becomes an ordinary ballot record at once (Changed.BALLOTS)."""
    from ..scan.reader import BLANK_PAGE as READER_BLANK, READ
    try:
        current = ballot_layout(store)[0].digest
    except StoreError:
        current = None
    keep = None
    with store.write() as s:
        require_editable(s, "recommendation")
        require_count_not_closed(s)
        if count_state_in(s) == NOT_OPENED:
            raise StoreError(NOT_OPENED_TEXT)
        row = ScanPage(id=_next_page_id(s), file=_page_name(page), sha256=page.sha256, status=REJECTED,
                       code="", reason="", action="", group=page.group or None, ballot_no=page.number or None,
                       page=page.page or None, digest=page.digest or None, boxes="", marks="{}",
                       scanned_by=store.operator)
        label = ""
        if page.status == READER_BLANK:
            row.status, row.code, row.reason, row.action = BLANK_PAGE, page.code, page.reason, ""
        elif page.status != READ:
            _reject(row, page.code, page.detail)
        else:
            row.rotation = f"{page.rotation:.2f}"
            refused = number_check_in(s, page.group, page.number, page.page)
            layouts = stored_layouts_in(s)
            if refused:
                _reject(row, *refused)
            elif page.digest not in layouts:
                _reject(row, "layout_unknown", page.digest)
            elif page.digest != current:
                _reject(row, "layout_changed", f"版式 {page.digest}")
            else:
                layout = layouts[page.digest]
                row.boxes = ",".join(f"{_fill_text(b.fill)}:{DECISION_CODES[b.decision]}" for b in page.boxes)
                row.marks = json.dumps(page.marks, ensure_ascii=False, sort_keys=True)
                s.add(row)
                s.flush()
                label = _place(s, store, row, layout)
                if row.status in (WAITING, SECOND) and page.aligned is not None:
                    keep = page.aligned
        if row not in s:
            s.add(row)
        if keep is not None:
            png = _png(keep)
            row.image_sha256 = hashlib.sha256(png).hexdigest()
            s.merge(ScanImage(page_id=row.id, png=png))     # (an image left by a page undone keeps no id)
        s.flush()
        view = _view(row)
    label = label or f"扫描 {view.file}：{STATUS_LABELS[view.status]}" + (f"（{view.reason}）" if view.reason else "")
    return Wrote(Changed.BALLOTS, label=label, entity=f"scan_pages:{view.id}", value=view.status,
                 seq=store.last_write, result=view)


def _place(s: Session, store: Store, row: ScanPage, layout: "Layout") -> str:
    """What a page read against its layout becomes (see the module's text); the label of the write."""
    group, number = row.group, row.ballot_no
    words = f"{GROUP_SHORT_LABELS[group]}票号 {number}"
    if group in second_channels_in(s):
        row.status = SECOND
        return f"扫描 {row.file}：{words}（双渠道比对）"
    rows = s.execute(select(ScanPage).where(ScanPage.group == group, ScanPage.ballot_no == number,
                                            ScanPage.status == WAITING, ScanPage.digest == row.digest)
                     .order_by(ScanPage.id)).scalars().all()
    rows = [r for r in rows if r.id != row.id] + [row]
    missing = sorted({p.page for p in layout.pages} - {r.page for r in rows})
    row.status = WAITING
    if missing:
        row.action = f"请扫描本票第 {'、'.join(map(str, missing))} 页"
        return f"扫描 {row.file}：{words} 第 {row.page} 页（等待其余页）"
    for r in rows:
        r.action = ""
    marks = _ballot_marks(layout, rows)
    review = {p: m for p, m in marks.items() if m in (DOUBTFUL, INVALID)}
    if not review:
        serial = _enter(s, store, group, number, marks, rows)
        return f"扫描 {row.file}：{words} 已计入（序号 {serial}）"
    for person, mark in review.items():
        page_id = _page_showing(layout, rows, person)
        s.add(ScanItem(key=f"{group}:{number}:{person}", group=group, ballot_no=number, person_id=person,
                       page_id=page_id, why=mark, auto=mark))
    for r in rows:
        r.action = "待复核：由一人判定、另一人确认"
    return f"扫描 {row.file}：{words} 有 {len(review)} 人待复核"


def _page_showing(layout: "Layout", rows: list[ScanPage], person: str) -> int:
    """The page row showing the person's doubtful (else marked, else first) box."""
    best: tuple[int, int] | None = None
    for r in rows:
        for b, (_, d) in zip(layout.page(r.page).boxes, _decisions(r)):
            if b.person == person:
                rank = {"doubtful": 0, "marked": 1}.get(d, 2)
                if best is None or rank < best[0]:
                    best = (rank, r.id)
    return best[1] if best else rows[0].id


def _enter(s: Session, store: Store, group: str, number: str, marks: dict[str, str], rows: list[ScanPage]) -> int:
    ballot, _ = enter_ballot_in(s, store.operator, group, {p: Mark.decode(m) for p, m in marks.items()},
                                ballot_no=number)
    for r in rows:
        r.status, r.ballot_serial, r.action = ENTERED_PAGE, ballot.serial, ""
    return ballot.serial


def scan_folder(store: Store, folder: str | Path, *, on_page: Callable | None = None) -> list[ScannedPage]:
    """Read every scan of ``folder`` (name order, page by page) and record each page at once (so a
    page met twice is refused the second time); ``on_page(page_read, scanned_page)`` after each. A
    folder that is missing or holds no scan: :class:`StoreError`."""
    from ..scan.sources import scan_files
    folder = Path(folder)
    if not folder.is_dir():
        raise StoreError(f"{folder} 不是文件夹")
    files, _ = scan_files(folder)
    if not files:
        raise StoreError(f"{folder} 中没有扫描件（PNG、JPEG、TIFF 或 PDF）")
    reader = reader_for(store)
    out = []
    for path in files:
        for page in reader.read_file(path):
            view = record_page(store, page).result
            out.append(view)
            if on_page is not None:
                on_page(page, view)
    return out


# -- reading the record -------------------------------------------------------------------------------

def scanned_pages(store: Store) -> list[ScannedPage]:
    with store.read() as s:
        return [_view(r) for r in s.execute(select(ScanPage).order_by(ScanPage.id)).scalars()]


def _names(s: Session) -> tuple[dict[str, str], dict[str, str]]:
    return (dict(s.execute(select(Person.id, Person.name)).all()),
            dict(s.execute(select(Post.id, Post.name)).all()))


def _item_view(s: Session, item: ScanItem, layouts: dict, names: dict, posts: dict) -> ReviewItem:
    from ..scan.measure import box_rects
    page = s.get(ScanPage, item.page_id)
    layout = layouts.get(page.digest)
    boxes = []
    rows = s.execute(select(ScanPage).where(ScanPage.group == item.group, ScanPage.ballot_no == item.ballot_no,
                                            ScanPage.status.in_((WAITING, ENTERED_PAGE)))
                     .order_by(ScanPage.page)).scalars().all() if layout else []
    for r in rows:
        for b, (fill, d) in zip(layout.page(r.page).boxes, _decisions(r)):
            if b.person == item.person_id:
                rect = box_rects(b)[0]
                boxes.append(ScanBox(b.choice, posts.get(b.post, b.post), fill, d, (rect.x, rect.y, rect.w, rect.h),
                                     r.id))
    if item.why == INVALID:
        marked = [x for x in boxes if x.auto == "marked"]
        text = f"一人划了 {len(marked)} 格（" + "、".join(x.post_name for x in marked) + "）" if len(marked) > 1 \
            else "建议的岗位即其申报岗位"
    else:
        unsure = [x for x in boxes if x.auto == DOUBTFUL]
        text = "标记不清（" + "、".join(f"{x.post_name} 填涂 {x.fill}" for x in unsure) + "）"
    return ReviewItem(item.key, item.group, item.ballot_no, item.person_id, names.get(item.person_id, item.person_id),
                      page.id, page.file, page.sha256, item.why, text, tuple(boxes), item.decided, item.decided_by,
                      item.decided_at, item.confirmed_by, item.version)


def _open_items(s: Session) -> list[ScanItem]:
    return s.execute(select(ScanItem).where(ScanItem.confirmed_by.is_(None)).order_by(ScanItem.key)).scalars().all()


def review_queue(store: Store) -> list[ReviewItem]:
    """Items not yet confirmed: undecided first, then decided-but-unconfirmed (each in scan order)."""
    with store.read() as s:
        layouts = stored_layouts_in(s)
        names, posts = _names(s)
        items = sorted(_open_items(s), key=lambda i: (i.decided is not None, i.page_id, i.key))
        return [_item_view(s, i, layouts, names, posts) for i in items]


def page_image(store: Store, page_id: int) -> bytes:
    """PNG of the aligned page (kept for pages with something to review or compare)."""
    with store.read() as s:
        page, row = s.get(ScanPage, page_id), s.get(ScanImage, page_id)
        if page is None or row is None or not page.image_sha256:
            raise StoreError(f"扫描页 {page_id} 没有保存图像（只保存需要复核的页）")
        png = bytes(row.png)
    if hashlib.sha256(png).hexdigest() != page.image_sha256:
        raise StoreError(f"扫描页 {page_id}（{page.file}）的图像与记录的 SHA-256 不符：图像已被改动，请重新扫描该页")
    return png


def _item(s: Session, key: str) -> ScanItem:
    item = s.get(ScanItem, key)
    if item is None:
        raise StoreError(f"没有待复核项 {key}")
    return item


def _item_words(s: Session, item: ScanItem) -> str:
    names, _ = _names(s)
    return f"{GROUP_SHORT_LABELS[item.group]}票号 {item.ballot_no} {names.get(item.person_id, item.person_id)}"


def decide(store: Store, key: str, mark: str, *, expected_version: int) -> Wrote:
    """The first person's decision on a review item (by ``store.operator``): one of the item's box
    choices, ``blank`` or ``invalid``; anything else is refused naming it. A decision not yet confirmed
    may be changed (by anyone, compare-and-set); a confirmed one may not."""
    with store.write() as s:
        require_editable(s, "recommendation")
        require_count_not_closed(s)
        item = _item(s, key)
        layouts = stored_layouts_in(s)
        page = s.get(ScanPage, item.page_id)
        choices = {b.choice for p in layouts[page.digest].pages for b in p.boxes if b.person == item.person_id}
        words = _item_words(s, item)
        if mark not in choices | {BLANK, INVALID}:
            raise StoreError(f"{words}：“{mark}”不是该人的选项（可选："
                             + "、".join(sorted(choices)) + "、blank 空白、invalid 无效）")
        if item.version != expected_version:
            raise conflict(s, item, wanted=mark)
        if item.confirmed_by:
            raise ConflictError(f"{words} 已由 {item.confirmed_by} 确认，不能再改")
        item.decided, item.decided_by, item.decided_at = mark, store.operator, _now()
        s.flush()
        version = item.version
        _, posts = _names(s)
    return Wrote(Changed.BALLOTS, label=f"{words}：判定为“{mark_words(mark, posts)}”", entity=f"scan_items:{key}",
                 value=mark, version=version, seq=store.last_write)


def send_back(store: Store, key: str, by: str, *, expected_version: int) -> Wrote:
    """The second person does not agree with a decision: it is taken back (logged, with who sent it back)
    and the item waits for a new decision. A confirmed decision cannot be sent back."""
    by = (by or "").strip()
    if not by:
        raise StoreError("退回人姓名不能为空")
    with store.write(f"{by} 退回重判") as s:
        require_editable(s, "recommendation")
        require_count_not_closed(s)
        item = _item(s, key)
        words = _item_words(s, item)
        if item.version != expected_version:
            raise conflict(s, item)
        if item.confirmed_by:
            raise ConflictError(f"{words} 已由 {item.confirmed_by} 确认，不能退回")
        if item.decided is None:
            raise StoreError(f"{words} 尚未判定，无需退回")
        _, posts = _names(s)
        was, decider = mark_words(item.decided, posts), item.decided_by
        item.decided, item.decided_by, item.decided_at = None, None, None
        s.flush()
        version = item.version
    return Wrote(Changed.BALLOTS, label=f"{by} 退回：{words}（{decider} 判为“{was}”），请重新判定",
                 entity=f"scan_items:{key}", value=None, version=version, seq=store.last_write)


def confirm(store: Store, key: str, confirmer: str, *, expected_version: int) -> Wrote:
    """A second person confirms a decision (``confirmer`` ≠ the decider). When the last item of a ballot
    is confirmed the ballot becomes an ordinary ballot record (``Wrote.label`` names its number)."""
    confirmer = (confirmer or "").strip()
    if not confirmer:
        raise StoreError("确认人姓名不能为空")
    with store.write() as s:
        require_editable(s, "recommendation")
        require_count_not_closed(s)
        item = _item(s, key)
        words = _item_words(s, item)
        if item.version != expected_version:
            raise conflict(s, item)
        if item.decided is None:
            raise StoreError(f"{words} 尚未判定，不能确认")
        if item.confirmed_by:
            raise ConflictError(f"{words} 已由 {item.confirmed_by} 确认")
        if confirmer == item.decided_by:
            raise StoreError(f"{words}：须由另一人确认（判定人为 {item.decided_by}）")
        item.confirmed_by, item.confirmed_at = confirmer, _now()
        s.flush()
        version = item.version
        label = f"{words}：{confirmer} 确认"
        siblings = s.execute(select(ScanItem).where(ScanItem.group == item.group,
                                                    ScanItem.ballot_no == item.ballot_no)).scalars().all()
        if all(x.confirmed_by for x in siblings):
            rows = s.execute(select(ScanPage).where(ScanPage.group == item.group, ScanPage.ballot_no == item.ballot_no,
                                                    ScanPage.status == WAITING).order_by(ScanPage.page)).scalars().all()
            layout = stored_layouts_in(s)[rows[0].digest]
            marks = _ballot_marks(layout, rows)
            marks.update({x.person_id: x.decided for x in siblings})
            serial = _enter(s, store, item.group, item.ballot_no, marks, rows)
            label += f"；{GROUP_SHORT_LABELS[item.group]}票号 {item.ballot_no} 已计入（序号 {serial}）"
    return Wrote(Changed.BALLOTS, label=label, entity=f"scan_items:{key}", value=confirmer, version=version,
                 seq=store.last_write)


# -- two channels -------------------------------------------------------------------------------------

def _scanned_ballots(s: Session, group: str, layouts: dict) -> dict[str, dict[str, str]]:
    """number → the scanned marks of a second-channel group (a page not scanned: its candidates doubtful)."""
    by: dict[str, list[ScanPage]] = {}
    for r in s.execute(select(ScanPage).where(ScanPage.group == group, ScanPage.status == SECOND)
                       .order_by(ScanPage.id)).scalars():
        by.setdefault(r.ballot_no, []).append(r)
    out = {}
    for number, rows in by.items():
        layout = layouts[rows[0].digest]
        marks = _ballot_marks(layout, rows)
        for p in layout.pages:
            if p.page not in {r.page for r in rows}:
                for person in p.persons():
                    marks[person] = DOUBTFUL
        out[number] = marks
    return out


def _differences_in(s: Session) -> list[ChannelDifference]:
    groups = second_channels_in(s)
    if not groups:
        return []
    layouts = stored_layouts_in(s)
    names, posts = _names(s)
    resolved = {(r.key, r.keyed, r.scanned) for r in s.execute(select(ScanResolution)).scalars()}
    out = []
    for group in GROUPS:
        if group not in groups:
            continue
        keyed = {b.ballot_no: b for b in s.execute(select(Ballot).where(
            Ballot.group == group, Ballot.status.in_(ENTERED), Ballot.ballot_no.is_not(None))).scalars()}
        scanned = _scanned_ballots(s, group, layouts)
        label = GROUP_SHORT_LABELS[group]
        for number in sorted(set(keyed) | set(scanned)):
            k, sc = keyed.get(number), scanned.get(number)
            found = []
            if k is None:
                found.append(ChannelDifference(group, number, "", "", MISSING, PRESENT, 0, ONLY_SCANNED,
                                               f"{label}票号 {number}：已扫描，唱票中没有此票"))
            elif sc is None:
                found.append(ChannelDifference(group, number, "", "", PRESENT, MISSING, k.version, ONLY_KEYED,
                                               f"{label}票号 {number}：已唱票录入，扫描中没有此票"))
            elif k.status == "valid":
                km = json.loads(k.marks)
                for person in sorted(set(km) | set(sc)):
                    a, b = km.get(person, BLANK), sc.get(person, BLANK)
                    if a != b:
                        name = names.get(person, person)
                        found.append(ChannelDifference(
                            group, number, person, name, a, b, k.version, "marks",
                            f"{label}票号 {number}：{name} 唱票为“{mark_words(a, posts)}”，"
                            f"扫描为“{mark_words(b, posts)}”"))
            out += [d for d in found if (f"{group}:{number}:{d.person}", d.keyed, d.scanned) not in resolved]
    return out


def channel_differences(store: Store) -> list[ChannelDifference]:
    """Every open difference between the two channels, group by group, number by number."""
    with store.read() as s:
        return _differences_in(s)


def resolve_difference(store: Store, group: str, number: str, person: str, mark: str, reason: str, *,
                       expected_version: int) -> Wrote:
    """The 监督组's decision on one difference, with a reason (compare-and-set on the keyed ballot's
    version). A candidate's difference: ``mark`` is what the paper says — the keyed ballot is corrected
    to it if it differs. A paper in one channel only (``person`` ""): ``"keyed"`` — the keyed record
    stands (only keyed) or the scan is set aside (only scanned); ``"scanned"`` — an only-scanned paper is
    entered from its scan (every mark clear)."""
    if not reason or not reason.strip():
        raise StoreError("解决差异须由监督组说明理由")
    with store.write(reason.strip()) as s:
        require_editable(s, "recommendation")
        require_count_not_closed(s)
        found = next((d for d in _differences_in(s) if (d.group, d.number, d.person) == (group, number, person)), None)
        if found is None:
            raise ConflictError(f"{GROUP_SHORT_LABELS.get(group, group)}票号 {number} 的这处差异已不存在（刚被解决或更正），"
                                "请刷新后核对")
        ballot = s.execute(select(Ballot).where(Ballot.ballot_no == number, Ballot.status.in_(ENTERED))
                           ).scalar_one_or_none()
        if found.version != expected_version:
            raise conflict(s, ballot if ballot is not None else f"ballots:{number}", wanted=mark)
        keyed_now = found.keyed
        if found.kind == "marks":
            if mark != found.keyed:
                marks = {p: Mark.decode(m) for p, m in json.loads(ballot.marks).items()}
                marks[person] = Mark.decode(mark)
                ballot.marks = checked_marks(s, marks)
                s.flush()
                keyed_now = mark
        elif mark == "scanned" and found.kind == ONLY_SCANNED:
            marks = _scanned_ballots(s, group, stored_layouts_in(s))[number]
            if DOUBTFUL in marks.values():
                raise StoreError(f"票号 {number} 的扫描有不清的标记，不能按扫描计入；请按纸票唱票录入")
            enter_ballot_in(s, store.operator, group, {p: Mark.decode(m) for p, m in marks.items()}, ballot_no=number)
            keyed_now = PRESENT
        elif mark != "keyed":
            raise StoreError(f"票号 {number} 只在一个渠道中：请选择 keyed（以唱票为准）"
                             + ("或 scanned（按扫描计入）" if found.kind == ONLY_SCANNED else ""))
        key = f"{group}:{number}:{person}"
        put(s, ScanResolution, {"key": key}, {"group": group, "ballot_no": number, "person_id": person,
                                              "keyed": keyed_now, "scanned": found.scanned, "mark": mark,
                                              "reason": reason.strip(), "resolved_by": store.operator,
                                              "resolved_at": _now()})
        s.flush()
        version = ballot.version if ballot is not None else 0
    return Wrote(Changed.BALLOTS, label=f"监督组解决差异：{found.words}；定为“{mark}”", entity=f"scan_resolutions:{key}",
                 value=mark, version=version, seq=store.last_write)


# -- what keeps the count open ----------------------------------------------------------------------

def open_findings_in(s: Session) -> list[str]:
    """What of the scanning is still open (the count cannot be closed nor the stage confirmed)."""
    out = []
    items = s.execute(select(func.count()).select_from(ScanItem).where(ScanItem.confirmed_by.is_(None))).scalar()
    if items:
        out.append(f"扫描计票：{items} 项待复核（须一人判定、另一人确认）")
    waiting = s.execute(select(ScanPage.group, ScanPage.ballot_no).where(ScanPage.status == WAITING)
                        .distinct()).all()
    pending = [f"{GROUP_SHORT_LABELS[g]}票号 {n}" for g, n in waiting
               if not s.execute(select(ScanItem.key).where(ScanItem.group == g, ScanItem.ballot_no == n)
                                .limit(1)).first()]
    if pending:
        out.append(f"扫描计票：{len(pending)} 张选票缺页，等待扫描其余页（{'、'.join(pending[:5])}）")
    diffs = _differences_in(s)
    if diffs:
        out.append(f"扫描计票：唱票与扫描有 {len(diffs)} 处差异未解决")
    return out


# -- the record in the campaign file -----------------------------------------------------------------

def export_scans(s: Session) -> dict | None:
    """The scan record for the campaign file (``recommendation.scans``; ``compute`` ignores it)."""
    pages = s.execute(select(ScanPage).order_by(ScanPage.id)).scalars().all()
    if not pages:
        return None
    return {
        "pages": [{"id": r.id, "file": r.file, "sha256": r.sha256, "status": r.status, "code": r.code,
                   "reason": r.reason, "action": r.action, "group": r.group, "number": r.ballot_no, "page": r.page,
                   "layout": r.digest, "rotation": r.rotation, "boxes": r.boxes, "marks": json.loads(r.marks or "{}"),
                   "image_sha256": r.image_sha256, "ballot_serial": r.ballot_serial, "scanned_by": r.scanned_by}
                  for r in pages],
        "items": [{"key": i.key, "group": i.group, "number": i.ballot_no, "person": i.person_id, "page": i.page_id,
                   "why": i.why, "auto": i.auto, "decided": i.decided, "decided_by": i.decided_by,
                   "decided_at": i.decided_at, "confirmed_by": i.confirmed_by, "confirmed_at": i.confirmed_at}
                  for i in s.execute(select(ScanItem).order_by(ScanItem.key)).scalars()],
        "resolutions": [{"key": r.key, "group": r.group, "number": r.ballot_no, "person": r.person_id,
                         "keyed": r.keyed, "scanned": r.scanned, "mark": r.mark, "reason": r.reason,
                         "resolved_by": r.resolved_by, "resolved_at": r.resolved_at}
                        for r in s.execute(select(ScanResolution).order_by(ScanResolution.key)).scalars()],
    }


def import_scans(s: Session, scans: dict | None, operator: str) -> None:
    """Read back what :func:`export_scans` wrote (images are not in the file)."""
    if not scans:
        return
    for r in scans.get("pages") or []:
        s.add(ScanPage(id=int(r["id"]), file=str(r["file"]), sha256=str(r["sha256"]), status=str(r["status"]),
                       code=str(r.get("code") or ""), reason=str(r.get("reason") or ""),
                       action=str(r.get("action") or ""), group=r.get("group"), ballot_no=r.get("number"),
                       page=r.get("page"), digest=r.get("layout"), rotation=r.get("rotation"),
                       boxes=str(r.get("boxes") or ""), marks=json.dumps(r.get("marks") or {}, ensure_ascii=False,
                                                                        sort_keys=True),
                       image_sha256=r.get("image_sha256"), ballot_serial=r.get("ballot_serial"),
                       scanned_by=str(r.get("scanned_by") or operator)))
    s.flush()
    for i in scans.get("items") or []:
        s.add(ScanItem(key=str(i["key"]), group=str(i["group"]), ballot_no=str(i["number"]), person_id=str(i["person"]),
                       page_id=int(i["page"]), why=str(i["why"]), auto=str(i.get("auto") or i["why"]),
                       decided=i.get("decided"), decided_by=i.get("decided_by"), decided_at=i.get("decided_at"),
                       confirmed_by=i.get("confirmed_by"), confirmed_at=i.get("confirmed_at")))
    for r in scans.get("resolutions") or []:
        s.add(ScanResolution(key=str(r["key"]), group=str(r["group"]), ballot_no=str(r["number"]),
                             person_id=str(r.get("person") or ""), keyed=str(r["keyed"]), scanned=str(r["scanned"]),
                             mark=str(r["mark"]), reason=str(r["reason"]), resolved_by=str(r["resolved_by"]),
                             resolved_at=str(r["resolved_at"])))

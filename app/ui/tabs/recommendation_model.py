"""6 定岗推荐计票 — what the tab shows: one snapshot read through the services, the paper table
(到会 / 发出 / 收回 / 有效 per voter group) and the pair table (counts by group, 推荐率, the 1/3
line, 推荐得分)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ...core.ballots import PaperBallot, tally
from ...core.declarations import effective_declaration
from ...core.numbers import ScoreError
from ...core.recommendation import Recommendation, recommendation
from ...core.scheme import GROUP_LABELS, GROUPS, Scheme
from ...core.scoring import satisfaction
from ...services import ballot_checks, ballots, declarations, draws, recommendation as rec_service, roster, scores
from ...services.ballot_checks import PaperCount
from ...services.store import Store
from ..table import CENTER, LEFT, RIGHT, Index, score_text
from ..workbench import Workbench, first_then

GROUP_SHORT = {"leaders": "局领导", "staff": "其他行政", "unit_heads": "事业单位", "county_chiefs": "县局长"}
GREEN, RED, AMBER, GREY = QColor("#1e6b2e"), QColor("#b00020"), QColor("#9a5b00"), QColor("#777777")
BALLOT_BG = QColor("#eef4fb")   # a group tallied from paper ballots (唱票): not typed here


# -- the snapshot -----------------------------------------------------------------------------------

@dataclass
class Snapshot:
    """Everything the tab shows, read once per redraw (services only)."""

    scheme: Scheme
    names: dict[str, str]                       # person → name, roster order
    candidates: list[str]                       # persons with an effective declaration, roster order
    declared: dict[str, tuple[str, ...]]
    posts: dict[str, str]                       # post → name, post order
    presence: dict[str, int]
    typed: dict[tuple[str, str], dict[str, int]]
    merged: dict[tuple[str, str], dict[str, int]]
    ballot_groups: set[str]
    keyed: dict[str, int]                       # ballots keyed per group (唱票)
    ballots: list[ballots.BallotRow]
    papers: dict[str, PaperCount]
    passed: dict[str, bool]                     # §五 result per person with a 满意度 record
    problem: str | None                         # why the full results cannot be computed yet
    warnings: dict[str, list[str]] = field(default_factory=dict)
    # The candidates in the printed 定岗推荐票's order (speaking order once drawn): the 唱票 form
    # follows the paper the clerk reads top down; the pair table keeps roster order (as 定岗推荐结果).
    ballot_order: list[str] = field(default_factory=list)


def read_snapshot(store: Store) -> Snapshot:
    names = roster.names(store)
    declared = {pid: effective_declaration(rounds) for pid, rounds in declarations.declarations(store).items()}
    candidates = [pid for pid in names if declared.get(pid)]
    posts = {p.id: p.name for p in roster.list_posts(store)}
    presence = rec_service.presence(store)
    typed = rec_service.counts(store)
    rows = ballots.list_ballots(store)
    # The counts the rules see (same rule as services.ballots.merged_counts): the ballot tally for a
    # group that has ballots, the typed counts otherwise.
    t = tally(PaperBallot(b.serial, b.group, b.marks) for b in rows)
    by_ballot = {g for g in GROUPS if t.ballots[g]}
    merged: dict[tuple[str, str], dict[str, int]] = {}
    for key, per_group in t.counts.items():
        for g in by_ballot:
            if per_group.get(g):
                merged.setdefault(key, {})[g] = per_group[g]
    for key, per_group in typed.items():
        for g, n in per_group.items():
            if g not in by_ballot:
                merged.setdefault(key, {})[g] = n
    # Only what this tab shows is computed (not the whole campaign): it redraws after every ballot.
    passed = satisfaction_passed(store)
    problem = None
    papers = ballot_checks.paper_counts(store)
    totals: dict[str, dict[str, int]] = {}
    for (person, _), per_group in merged.items():
        for g, n in per_group.items():
            totals.setdefault(g, {})[person] = totals.get(g, {}).get(person, 0) + n
    warnings = ballot_checks.cross_check(presence, papers, keyed=dict(t.ballots), person_totals=totals, names=names)
    return Snapshot(store.scheme(), names, candidates, declared, posts, presence, typed, merged, by_ballot,
                    dict(t.ballots), rows, papers, passed, problem, warnings,
                    [pid for pid in draws.ballot_order(store) if declared.get(pid)])


def satisfaction_passed(store: Store) -> dict[str, bool]:
    """§五 per person with a 满意度测评 on record: 不满意率 < 1/3 (exact)."""
    scheme = store.scheme()
    out = {}
    for person, items in scores.list_scores(store, "sat:").items():
        if "sat:present" in items and "sat:dissatisfied" in items:
            try:
                out[person] = satisfaction(int(items["sat:present"].value), int(items["sat:dissatisfied"].value),
                                           scheme).passed
            except ScoreError:
                pass
    return out


# -- the pair table ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PairRow:
    person: str
    name: str
    post: str
    post_name: str
    kind: str                         # 申报 / 申报(2) / 建议
    counts: dict[str, int | None]     # group → recommendations (None: nothing recorded)
    typed: dict[str, int]             # what count mode holds (for undo)
    present: int
    rec: Recommendation | None
    score: Decimal | None
    note: str                         # why a cell is blank, for the tooltip


def pair_rows(snap: Snapshot, extra: set[tuple[str, str]] | frozenset = frozenset()) -> list[PairRow]:
    """Declared pairs in the person's order, then suggested ones (counted or added), by post order."""
    post_order = {p: i for i, p in enumerate(snap.posts)}
    keys: list[tuple[str, str]] = []
    persons = snap.candidates + sorted({p for p, _ in snap.merged} - set(snap.candidates))
    suggested = set(snap.merged) | set(extra)
    for person in persons:
        mine = list(snap.declared.get(person, ()))
        mine += sorted({post for p, post in suggested if p == person and post not in mine},
                       key=lambda post: (post_order.get(post, len(post_order)), post))
        keys += [(person, post) for post in mine]
    passed = snap.passed
    present = sum(snap.presence.get(g, 0) for g in GROUPS)
    rows = []
    for person, post in keys:
        declared = snap.declared.get(person, ())
        kind = "建议" if post not in declared else ("申报" if len(declared) == 1 or declared.index(post) == 0
                                                   else "申报(2)")
        merged = snap.merged.get((person, post), {})
        counts = {g: merged.get(g, 0 if g in snap.ballot_groups else None) for g in GROUPS}
        note, rec, score = "", None, None
        try:
            rec = recommendation(snap.presence, merged, snap.scheme)
            score = rec.score
            if rec.eligible and not passed.get(person, True):
                score = None
                note = "满意度测评不满意率达三分之一以上，不得推荐（§五）"
        except ScoreError as err:
            note = str(err)
        rows.append(PairRow(person, snap.names.get(person, person), post, snap.posts.get(post, post), kind, counts,
                            dict(snap.typed.get((person, post), {})), present, rec, score, note))
    return rows


class PairModel(QAbstractTableModel):
    """Counts per (person, post) × voter group, editable in count mode; the computed columns live."""

    HEADERS = ("姓名", "岗位", "申报/建议", *(GROUP_SHORT[g] for g in GROUPS), "合计", "到会", "推荐率",
               "三分之一线", "推荐得分")
    COL_NAME, COL_POST, COL_KIND, COL_GROUP = 0, 1, 2, 3
    COL_SUM, COL_PRESENT, COL_RATE, COL_LINE, COL_SCORE = 7, 8, 9, 10, 11
    TIPS = {COL_SUM: "各投票组推荐数之和 Σn", COL_PRESENT: "各投票组到会人数之和 Σ到会",
            COL_RATE: "推荐率 = 合计 ÷ 到会（显示三位小数，是否达到按精确分数判断）",
            COL_LINE: "§十一(三) 推荐率达到会人数三分之一以上（含三分之一）为达到",
            COL_SCORE: "§十一(四) 推荐得分 = 100 × Σ 权重 × 推荐数 ÷ 到会，仅达到三分之一者计算"}

    def __init__(self, bench: Workbench, parent: Any = None):
        super().__init__(parent)
        self.bench = bench
        self._rows: list[PairRow] = []
        self.count_mode = False
        self.ballot_groups: set[str] = set()   # groups tallied from paper ballots: not typed here
        self.last_ok = True

    def set_rows(self, rows: list[PairRow], ballot_groups: set[str] | None = None) -> None:
        """Same pairs in the same order: update in place (the cursor stays where the clerk is)."""
        self.ballot_groups = set(ballot_groups or ())
        if [(r.person, r.post) for r in rows] == [(r.person, r.post) for r in self._rows] and rows:
            self._rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.HEADERS) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def set_count_mode(self, on: bool) -> None:
        self.count_mode = on
        if self._rows:   # flags changed: views re-query them on the next paint
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.HEADERS) - 1))

    def row_at(self, row: int) -> PairRow:
        return self._rows[row]

    def rows(self) -> list[PairRow]:
        return list(self._rows)

    def find(self, person: str, post: str) -> int:
        return next((i for i, r in enumerate(self._rows) if (r.person, r.post) == (person, post)), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole and section >= 0 else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            if self.COL_GROUP <= section < self.COL_GROUP + len(GROUPS):
                return GROUP_LABELS[GROUPS[section - self.COL_GROUP]] + "推荐数"
            return self.TIPS.get(section)
        return None

    def _group(self, col: int) -> str | None:
        return GROUPS[col - self.COL_GROUP] if self.COL_GROUP <= col < self.COL_GROUP + len(GROUPS) else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        group = self._group(index.column())
        if group and self.count_mode and group not in self.ballot_groups:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r, col = self._rows[index.row()], index.column()
        group = self._group(col)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col, group)
        if role == Qt.ItemDataRole.EditRole:
            return str(r.typed[group]) if group and group in r.typed else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(LEFT if col < self.COL_GROUP else (CENTER if col == self.COL_LINE else RIGHT))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self.COL_LINE and r.rec is not None:
                return QBrush(GREEN if r.rec.eligible else RED)
            if col == self.COL_KIND and r.kind == "建议":
                return QBrush(AMBER)
            if col == self.COL_SCORE and r.score is None:
                return QBrush(GREY)
        if role == Qt.ItemDataRole.BackgroundRole and group in self.ballot_groups:
            return QBrush(BALLOT_BG)
        if role == Qt.ItemDataRole.ToolTipRole:
            if group in self.ballot_groups:
                return f"{GROUP_LABELS[group]}：由唱票逐张统计，不能直接录入"
            if col == self.COL_POST:
                return f"{r.post} {r.post_name}"
            if r.note and col >= self.COL_RATE:
                return r.note
        return None

    def _text(self, r: PairRow, col: int, group: str | None) -> str:
        if col == 0:
            return r.name
        if col == 1:
            return f"{r.post} {r.post_name}"
        if col == self.COL_KIND:
            return r.kind
        if group:
            n = r.counts[group]
            return "" if n is None else str(n)
        if col == self.COL_SUM:
            return str(sum(n or 0 for n in r.counts.values()))
        if col == self.COL_PRESENT:
            return str(r.present)
        if r.rec is None:
            return ""
        if col == self.COL_RATE:
            return score_text(r.rec.rate_shown)
        if col == self.COL_LINE:
            return "达到" if r.rec.eligible else "未达到"
        if col == self.COL_SCORE:
            return "不得推荐" if r.note and r.rec.eligible and r.score is None else score_text(r.score)
        return ""

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        group = self._group(index.column()) if index.isValid() else None
        if role != Qt.ItemDataRole.EditRole or not group or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        r = self._rows[index.row()]
        text = str(value).strip()
        old = r.typed.get(group)
        if text == "" or text == str(old):
            self.last_ok = True        # nothing typed, or the same number: nothing to save
            return True
        person, post = r.person, r.post
        self.last_ok = self.bench.edit(
            f"{r.name} → {r.post_name} · {GROUP_LABELS[group]}推荐数 {text}",
            first_then(lambda store: rec_service.set_count(store, person, post, group, text, expected=old),
                       lambda store: rec_service.set_count(store, person, post, group, text)),
            # No service deletes a typed count: undoing a first entry records 0 (SPEC: same rate).
            lambda store: (rec_service.clear_count(store, person, post, group) if old is None
                           else rec_service.set_count(store, person, post, group, old)))
        return self.last_ok


# -- the paper table ------------------------------------------------------------------------------

PAPER_ROWS = (("present", "到会人数"), ("issued", "发出票数"), ("returned", "收回票数"), ("valid", "有效票数"),
              ("keyed", "已唱票张数"), ("check", "核对"))


class PaperModel(QAbstractTableModel):
    """Rows 到会 / 发出 / 收回 / 有效 (typed, saved at once), 已唱票, 核对; one column per voter group."""

    EDITABLE = ("present", "issued", "returned", "valid")

    def __init__(self, bench: Workbench, parent: Any = None):
        super().__init__(parent)
        self.bench = bench
        self.snap: Snapshot | None = None
        self.last_ok = True

    def set_snapshot(self, snap: Snapshot) -> None:
        first = self.snap is None
        self.snap = snap
        if first:
            self.beginResetModel()
            self.endResetModel()
        else:
            self.dataChanged.emit(self.index(0, 0), self.index(len(PAPER_ROWS) - 1, len(GROUPS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.snap is None else len(PAPER_ROWS)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.snap is None else len(GROUPS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(GROUPS):
            if role == Qt.ItemDataRole.DisplayRole:
                return GROUP_SHORT[GROUPS[section]]
            if role == Qt.ItemDataRole.ToolTipRole:
                return GROUP_LABELS[GROUPS[section]]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(PAPER_ROWS):
            if role == Qt.ItemDataRole.DisplayRole:
                return PAPER_ROWS[section][1]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if PAPER_ROWS[index.row()][0] in self.EDITABLE:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def value(self, kind: str, group: str) -> int | None:
        snap = self.snap
        if snap is None:
            return None
        if kind == "present":
            return snap.presence.get(group)
        if kind == "keyed":
            return snap.keyed.get(group, 0) if group in snap.ballot_groups else None
        return snap.papers[group].get(kind)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.snap is None or not 0 <= index.row() < len(PAPER_ROWS):
            return None
        kind, group = PAPER_ROWS[index.row()][0], GROUPS[index.column()]
        warnings = self.snap.warnings.get(group, [])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if kind == "check":
                return "" if role == Qt.ItemDataRole.EditRole else (f"⚠ {len(warnings)} 项" if warnings else "✓")
            n = self.value(kind, group)
            return "" if n is None else str(n)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(CENTER if kind == "check" else RIGHT)
        if role == Qt.ItemDataRole.ForegroundRole and kind == "check":
            return QBrush(RED if warnings else GREEN)
        if role == Qt.ItemDataRole.ToolTipRole:
            if kind == "check":
                return "\n".join(warnings) or "发出、收回、有效票数与到会人数相符"
            if kind == "keyed":
                return "唱票方式已录入的选票张数（撤销的票不计）"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.snap is None:
            return False
        kind, group = PAPER_ROWS[index.row()][0], GROUPS[index.column()]
        if kind not in self.EDITABLE:
            return False
        text, old = str(value).strip(), self.value(kind, group)
        if text == (str(old) if old is not None else ""):
            self.last_ok = True
            return True
        label = f"{GROUP_LABELS[group]}{dict(PAPER_ROWS)[kind]} {text or '（清空）'}"
        if kind == "present":
            if not text:
                self.bench.message.emit(f"{GROUP_LABELS[group]}到会人数不能为空（无人到会请录 0）", True)
                self.last_ok = False
                return False
            do: Callable[[Store], Any] = lambda store: rec_service.set_presence(store, group, text)
            undo: Callable[[Store], Any] = lambda store: rec_service.set_presence(store, group, old or 0)
        else:
            do = lambda store: ballot_checks.set_paper_count(store, group, kind, text)  # noqa: E731
            undo = lambda store: ballot_checks.set_paper_count(store, group, kind, old)  # noqa: E731
        self.last_ok = self.bench.edit(label, do, undo)
        return self.last_ok

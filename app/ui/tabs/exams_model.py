"""考试与测评: what the grid shows per person, the entry grid model, and the keyboard entry view.

The computed columns (民主测评, 考核均分, 加分, 考评量化, 不满意率) come from
``campaign_io.compute_results`` when the whole campaign is computable; while data are still
incomplete (a part of the exam missing, a half-entered speech sheet …) each person is computed
from their own stored values with the same core functions, and a value that cannot be computed
stays blank — never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Callable, Mapping, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ...core.numbers import ScoreError, round_score
from ...core.scheme import DIMENSION_LABELS, DIMENSIONS, Scheme
from ...core.scoring import (Satisfaction, appraisal_average, democratic, dimension_from_grades, exam_total,
                             quantified, rank_bonus, satisfaction)
from ...services import scores
from ...services.scores import Entry, list_scores
from ...services.store import Store
from ..table import CENTER, LEFT, RIGHT, Index, score_text
from ..workbench import Workbench, first_then

CONFIRMED_BG = QBrush(QColor("#e2f2e0"))
ENTERED_BG = QBrush(QColor("#fff6d6"))
COMPUTED_BG = QBrush(QColor("#f1f3f5"))
FAILED_BG = QBrush(QColor("#f8d0d0"))
FAILED_FG = QBrush(QColor("#9b0000"))
UNDO_REASON = "撤销录入"


# --- what is stored ------------------------------------------------------------------------------

def stored_entries(store: Store) -> dict[str, dict[str, Entry]]:
    """person → item → the stored entry with its status."""
    return list_scores(store)


# --- what is computed ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    exam: Decimal | None
    dims: Mapping[str, Decimal | None]
    democratic: Decimal | None
    appraisal_avg: Decimal | None
    bonus: Decimal | None
    quantified: Decimal | None
    satisfaction: Satisfaction | None


def _try(compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except (ScoreError, ValueError, ArithmeticError, KeyError):
        return None


def person_figures(values: Mapping[str, str], rank: str, appraisal: Sequence[Decimal], scheme: Scheme) -> Figures:
    """One person's figures from their stored values, read as the campaign export reads them:
    exam parts win over a total, grade counts over a dimension score (SPEC §2, §8)."""
    def exam() -> Decimal | None:
        parts = {item[5:]: Decimal(v) for item, v in values.items() if item.startswith("exam:")}
        if parts:
            return exam_total(parts, scheme)
        return round_score(Decimal(values["exam"])) if "exam" in values else None

    def dimension(d: str) -> Decimal | None:
        grades = {item.split(":")[2]: int(v) for item, v in values.items() if item.startswith(f"grade:{d}:")}
        if grades:
            return dimension_from_grades(grades, scheme)
        return Decimal(values[f"dem:{d}"]) if f"dem:{d}" in values else None

    exam_score = _try(exam)
    dims = {d: _try(lambda d=d: dimension(d)) for d in DIMENSIONS}
    dem = _try(lambda: democratic(dims, scheme)) if all(v is not None for v in dims.values()) else None
    avg = _try(lambda: appraisal_average(appraisal, scheme)) if appraisal else None
    bonus = _try(lambda: rank_bonus(rank, scheme))
    quant = None
    if None not in (exam_score, dem, avg, bonus):
        quant = _try(lambda: quantified(exam_score, dem, avg, bonus, scheme))
    sat = None
    if "sat:present" in values and "sat:dissatisfied" in values:
        sat = _try(lambda: satisfaction(int(values["sat:present"]), int(values["sat:dissatisfied"]), scheme))
    return Figures(exam_score, dims, dem, avg, bonus, quant, sat)


def from_results(figures: Figures, result: Any) -> Figures:
    """The figures as ``compute_results`` published them (the dimension scores are not in the results)."""
    return replace(figures, exam=result.exam, democratic=result.democratic, appraisal_avg=result.appraisal_avg,
                   bonus=result.bonus, quantified=result.quantified, satisfaction=result.satisfaction)


@dataclass(frozen=True)
class PersonRow:
    id: str
    name: str
    rank: str
    entries: Mapping[str, Entry]
    figures: Figures

    def items_behind(self, item: str) -> list[str]:
        """The stored items a cell shows: a total made of parts, a dimension tallied from grades."""
        if item == "exam" or item == "exam_total":
            parts = [i for i in self.entries if i.startswith("exam:")]
            return parts or (["exam"] if "exam" in self.entries else [])
        if item.startswith("dem:"):
            grades = [i for i in self.entries if i.startswith(f"grade:{item[4:]}:")]
            return grades or ([item] if item in self.entries else [])
        return [item] if item in self.entries else []

    def status_of(self, item: str) -> str | None:
        behind = [self.entries[i].status for i in self.items_behind(item)]
        if not behind:
            return None
        return "confirmed" if all(s == "confirmed" for s in behind) else "entered"

    def unconfirmed(self) -> list[str]:
        return [i for i, e in self.entries.items() if e.status != "confirmed"]


# --- the grid ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Col:
    key: str            # a stored item ("exam", "exam:行测", "sat:present", "dem:de") or a computed key
    header: str
    width: int
    entry: bool = False
    tip: str | None = None


def build_columns(scheme: Scheme, parts_mode: bool, grade_mode: bool) -> list[Col]:
    cols = [Col("id", "编号", 48), Col("name", "姓名", 62), Col("rank", "职级", 70)]
    if parts_mode:
        cols += [Col(f"exam:{p}", p, 60, True, f"{p}，满分 {full}") for p, full in scheme.exam_parts.items()]
        cols.append(Col("exam_total", "考试", 60, tip="考试总分 = " + " + ".join(scheme.exam_parts)))
    else:
        cols.append(Col("exam", "考试", 60, True, "考试总分（百分制）"))
    cols += [Col("sat:present", "实到人数", 64, True, "满意度测评实际参加人数"),
             Col("sat:dissatisfied", "不满意票", 64, True, "满意度测评不满意票数"),
             Col("rate", "不满意率", 90, tip="不满意票 / 实到人数；达三分之一以上（≥ 1/3）不合格（§五）")]
    for d in DIMENSIONS:
        tip = f"民主测评·{DIMENSION_LABELS[d]}" + ("（由等次票数折算）" if grade_mode else "")
        cols.append(Col(f"dem:{d}", DIMENSION_LABELS[d], 58, not grade_mode, tip))
    cols += [Col("democratic", "民主测评", 70, tip="德30% 能15% 勤10% 绩25% 廉20%（§六）"),
             Col("appraisal", "考核均分", 70, tip="近三年年度考核分的平均分"),
             Col("bonus", "加分", 50, tip="正科实职4 正科虚职2 副科实职1 副科虚职0（§八）"),
             Col("quantified", "考评量化", 70, tip="考试10% + 民主测评30% + 考核均分60% + 加分（§八）"),
             Col("status", "状态", 80, tip="黄色：已录入待确认；绿色：已确认")]
    return cols


COUNT_ITEMS = ("sat:present", "sat:dissatisfied")


class ExamModel(QAbstractTableModel):
    """One row per person (roster order); entry columns save through the workbench at once."""

    def __init__(self, bench: Workbench, parent: Any = None):
        super().__init__(parent)
        self.bench = bench
        self.parts_mode = False
        self.grade_mode = False
        self.scheme = Scheme()
        self.columns: list[Col] = build_columns(self.scheme, False, False)
        self.rows: list[PersonRow] = []
        self.from_results = False        # whether compute_results could compute the campaign
        self.ask_reason: Callable[[str], str | None] = lambda label: None

    # -- content ------------------------------------------------------------------------------

    def reload(self) -> None:
        from ...services.campaign_io import compute_results
        from ...services.roster import list_people
        from ...services.store import StoreError
        store = self.bench.store
        self.scheme = store.scheme()
        entries = stored_entries(store)
        try:
            _, results = compute_results(store)
            published = {p.id: p for p in results.people}
        except (StoreError, ScoreError, ValueError):
            published = {}
        self.from_results = bool(published)
        rows = []
        for person, _version in list_people(store):
            mine = entries.get(person.id, {})
            figures = person_figures({i: e.value for i, e in mine.items()}, person.rank, person.appraisal, self.scheme)
            if person.id in published:
                figures = from_results(figures, published[person.id])
            rows.append(PersonRow(person.id, person.name, person.rank, mine, figures))
        self._apply(rows, build_columns(self.scheme, self.parts_mode, self.grade_mode))

    def set_modes(self, parts_mode: bool, grade_mode: bool) -> None:
        self.parts_mode, self.grade_mode = parts_mode, grade_mode
        self._apply(self.rows, build_columns(self.scheme, parts_mode, grade_mode))

    def _apply(self, rows: list[PersonRow], columns: list[Col]) -> None:
        """Same shape: update in place (the cursor and an open editor stay); else reset."""
        if [r.id for r in rows] == [r.id for r in self.rows] and columns == self.columns:
            self.rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(columns) - 1))
            return
        self.beginResetModel()
        self.rows, self.columns = rows, columns
        self.endResetModel()

    def row_index(self, person_id: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == person_id), -1)

    def entry_columns(self) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.entry]

    def column_of(self, key: str) -> int:
        return next((i for i, c in enumerate(self.columns) if c.key == key), -1)

    # -- Qt -------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.columns[section].tip
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.rows):
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        return base | Qt.ItemFlag.ItemIsEditable if self.columns[index.column()].entry else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row, col = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, col.key)
        if role == Qt.ItemDataRole.EditRole:
            entry = row.entries.get(col.key)
            return entry.value if entry else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(LEFT if col.key == "name" else CENTER if col.key in ("id", "rank", "status") else RIGHT)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(row, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            failed = col.key == "rate" and row.figures.satisfaction is not None and not row.figures.satisfaction.passed
            return FAILED_FG if failed else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row, col)
        return None

    def display(self, row: PersonRow, key: str) -> str:
        f = row.figures
        if key in ("id", "name", "rank"):
            return getattr(row, key)
        if key in COUNT_ITEMS:
            entry = row.entries.get(key)
            return entry.value if entry else ""
        if key.startswith("exam:"):
            entry = row.entries.get(key)
            return score_text(Decimal(entry.value)) if entry else ""
        if key in ("exam", "exam_total"):
            return score_text(f.exam)
        if key.startswith("dem:"):
            return score_text(f.dims.get(key[4:]))
        if key == "rate":
            if f.satisfaction is None:
                return ""
            return f"{f.satisfaction.rate_shown:.3f}" + ("" if f.satisfaction.passed else " 不合格")
        if key == "status":
            if not row.entries:
                return ""
            waiting = len(row.unconfirmed())
            return f"待确认 {waiting}" if waiting else "✓ 已确认"
        value = {"democratic": f.democratic, "appraisal": f.appraisal_avg, "bonus": f.bonus,
                 "quantified": f.quantified}.get(key)
        return score_text(value)

    def _background(self, row: PersonRow, col: Col) -> QBrush | None:
        if col.key == "rate":
            sat = row.figures.satisfaction
            return FAILED_BG if sat is not None and not sat.passed else COMPUTED_BG
        if col.key == "status":
            return ENTERED_BG if row.unconfirmed() else (CONFIRMED_BG if row.entries else None)
        status = row.status_of(col.key) if col.key.startswith(("exam", "sat:", "dem:")) else None
        if status is not None:
            return CONFIRMED_BG if status == "confirmed" else ENTERED_BG
        return None if col.entry or col.key in ("id", "name", "rank") else COMPUTED_BG

    def _tip(self, row: PersonRow, col: Col) -> str | None:
        if col.key == "status" and row.unconfirmed():
            return "待确认：" + "、".join(scores.item_label(i) for i in sorted(row.unconfirmed()))
        lines = []
        for item in row.items_behind(col.key):
            e = row.entries[item]
            who = f"{e.entered_by} 录入" + (f"，{e.confirmed_by} 确认" if e.confirmed_by else "，待确认")
            lines.append(f"{scores.item_label(item)} {e.value}（{who}）")
        if col.key == "exam" and any(i.startswith("exam:") for i in row.entries):
            lines.append("考试按分项录入，总分由分项相加")
        if col.key.startswith("dem:") and any(i.startswith(f"grade:{col.key[4:]}:") for i in row.entries):
            lines.append("由等次票数折算")
        if col.key in ("democratic", "appraisal", "quantified", "exam_total") and not self.display(row, col.key):
            lines.append("数据不全，暂不能计算")
        return "\n".join(lines) or col.tip

    # -- entry ----------------------------------------------------------------------------------

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.columns[index.column()].entry:
            return False
        return self.submit_text(index, "" if value is None else str(value), interactive=False)

    def submit_text(self, index: Index, text: str, *, interactive: bool = True) -> bool:
        row, col = self.rows[index.row()], self.columns[index.column()]
        return self.submit_item(row.id, col.key, text, interactive=interactive)

    def submit_item(self, person_id: str, item: str, text: str, *, interactive: bool = True) -> bool:
        """Save one typed value (empty = clear) as an undoable edit; False when refused."""
        i = self.row_index(person_id)
        if i < 0:
            return False
        row, text = self.rows[i], text.strip()
        label = f"{row.name}（{row.id}）{scores.item_label(item)}"
        conflict = self._conflict(row, item)
        if conflict:
            self.bench.message.emit(f"{label}：{conflict}", True)
            return False
        old = row.entries.get(item)
        if not text and old is None:
            return True
        if text and old is not None and self._same(row, item, text, old.value):
            return True
        reason = None
        if old is not None and old.status == "confirmed":
            reason = self.ask_reason(label) if interactive else None
            if not reason:
                self.bench.message.emit(f"{label} 已确认，修改须在回车后填写理由；未修改", True)
                return False
        pid = row.id
        seen = old.version if old is not None else 0     # what the clerk saw: another laptop's change → conflict
        if text:
            def put(version: int | None) -> Any:
                return lambda store: scores.set_score(store, pid, item, text, reason=reason, expected_version=version)
        else:
            def put(version: int | None) -> Any:
                return lambda store: scores.clear_score(store, pid, item, reason=reason, expected_version=version)
        do = first_then(put(seen), put(None))
        if old is not None:
            def undo(store: Store) -> Any:
                return scores.set_score(store, pid, item, old.value, reason=UNDO_REASON)
        else:
            def undo(store: Store) -> Any:
                return scores.clear_score(store, pid, item, reason=UNDO_REASON)
        return self.bench.edit(f"{label} = {text}" if text else f"清除 {label}", do, undo)

    def _same(self, row: PersonRow, item: str, text: str, stored: str) -> bool:
        try:
            return scores.normalise(self.scheme, item, text, {i: e.value for i, e in row.entries.items()}) == stored
        except Exception:  # noqa: BLE001 - the service will refuse it with its own message
            return False

    @staticmethod
    def _conflict(row: PersonRow, item: str) -> str | None:
        if item == "exam" and any(i.startswith("exam:") for i in row.entries):
            return "考试已按分项（行测、申论、公共基础）录入，总分由分项相加；请切换到“分项”录入后修改"
        if item.startswith("dem:") and any(i.startswith(f"grade:{item[4:]}:") for i in row.entries):
            return "该项已按等次票数录入；请切换到“等次票数”录入后修改"
        return None

    def unconfirmed_keys(self) -> list[tuple[str, tuple[str, ...]]]:
        return [("scores", (r.id, item)) for r in self.rows for item in sorted(r.unconfirmed())]


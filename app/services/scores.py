"""考试与测评 entries (exam, 民主测评, 满意度), 竞岗演讲 scores, and their confirmation.

Each typed value is one row, committed at once. A value is *entered*, then *confirmed*; in
double-entry mode a second operator re-enters it blind and a match confirms it (Tabbycat): the
person who entered a value cannot confirm it there. Every version stays in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import select

from ..core.numbers import ScoreError, parse_count, parse_score
from ..core.scheme import DIMENSION_LABELS, DIMENSIONS, GRADES, GROUP_LABELS, Scheme
from ..models import audit
from ..models.schema import BlindEntry, Judge, Person, RecCount, Score, SpeechScore
from ._put import need_reason_to_change_confirmed, put
from .stages import require_editable
from .store import Changed, Store, StoreError, Wrote

JUDGE_GROUPS = ("leaders", "unit_heads", "county_chiefs")


def item_label(item: str) -> str:
    parts = item.split(":")
    if parts[0] == "exam":
        return "考试" if len(parts) == 1 else f"考试·{parts[1]}"
    if parts[0] == "dem":
        return f"民主测评·{DIMENSION_LABELS.get(parts[1], parts[1])}"
    if parts[0] == "grade":
        return f"民主测评·{DIMENSION_LABELS.get(parts[1], parts[1])}·{parts[2]}票数"
    if item == "sat:present":
        return "满意度测评·实际参加人数"
    if item == "sat:dissatisfied":
        return "满意度测评·不满意票"
    return item


def normalise(scheme: Scheme, item: str, raw: object, person_scores: dict[str, str]) -> str:
    """The stored text of a typed value, or ScoreError saying why it is refused."""
    parts = item.split(":")
    if item == "exam" or (parts[0] == "dem" and len(parts) == 2 and parts[1] in DIMENSIONS):
        return str(parse_score(raw, decimals=scheme.input_decimals))
    if parts[0] == "exam" and len(parts) == 2 and parts[1] in scheme.exam_parts:
        return str(parse_score(raw, decimals=scheme.input_decimals, high=scheme.exam_parts[parts[1]]))
    if parts[0] == "grade" and len(parts) == 3 and parts[1] in DIMENSIONS and parts[2] in GRADES:
        return str(parse_count(raw))
    if item == "sat:present":
        n = parse_count(raw, low=1)
        if "sat:dissatisfied" in person_scores and int(person_scores["sat:dissatisfied"]) > n:
            raise ScoreError(f"实际参加人数 {n} 少于已录入的不满意票 {person_scores['sat:dissatisfied']}")
        return str(n)
    if item == "sat:dissatisfied":
        present = person_scores.get("sat:present")
        return str(parse_count(raw, high=int(present) if present else None))
    raise StoreError(f"未知的录入项 {item}")


def _over_parts(item: str, mine: dict[str, str]) -> str | None:
    """A total typed over parts, or a dimension score over grade counts, would not count (parts beat a
    total, :func:`app.services.exam_grid.as_entered`): refused, saying where to type instead."""
    if item == "exam" and any(i.startswith("exam:") for i in mine):
        return "考试已按分项（行测、申论、公共基础）录入，总分由分项相加；请切换到“分项”录入后修改"
    if item.startswith("dem:") and any(i.startswith(f"grade:{item[4:]}:") for i in mine):
        return "该项已按等次票数录入；请切换到“等次票数”录入后修改"
    return None


def _exam_wrote(store: Store, s, person: Person, item: str, row: Score | None, label: str) -> Wrote:
    from .exam_grid import row_in
    s.flush()
    return Wrote(Changed.SCORES, label=label, entity=f"scores:{person.id}|{item}",
                 value=row.value if row is not None else None, version=row.version if row is not None else 0,
                 result=row_in(store, s, person.id))


def set_score(store: Store, person_id: str, item: str, raw: object, *, expected_version: int | None = None,
              reason: str | None = None) -> Wrote:
    """Store one typed value (考试与测评 stage). Bad input is refused and nothing is stored.
    ``expected_version`` is the version the clerk saw (0 = empty): when another laptop changed the value
    since, :class:`ConflictError` names who, and nothing is written. Returns the stored value and the
    person's row as the 考试与测评 grid shows it (:mod:`app.services.exam_grid`)."""
    with store.write(reason) as s:
        scheme = store.scheme_in(s)
        require_editable(s, "exam")
        person = s.get(Person, person_id)
        if person is None:
            raise StoreError(f"没有编号为 {person_id} 的人员")
        what = f"{person.name}（{person_id}）{item_label(item)}"
        mine = {x.item: x.value for x in s.execute(select(Score).where(Score.person_id == person_id)).scalars()}
        try:
            value = normalise(scheme, item, raw, mine)
        except ScoreError as err:
            raise StoreError(f"{what}：{err}") from None
        refused = _over_parts(item, mine)
        if refused:
            raise StoreError(f"{what}：{refused}")
        existing = s.get(Score, (person_id, item))
        if expected_version is not None and (existing.version if existing is not None else 0) != expected_version:
            from .history import conflict
            raise conflict(s, f"scores:{person_id}|{item}", wanted=value)
        if existing is not None and Decimal(existing.value) == Decimal(value):      # unchanged: nothing to write
            return replace(_exam_wrote(store, s, person, item, existing, f"{what}：{existing.value}"),
                           changes=Changed.NONE)
        if existing is not None:
            need_reason_to_change_confirmed(existing, s)
        row, _ = put(s, Score, {"person_id": person_id, "item": item},
                     {"value": value, "status": "entered", "entered_by": store.operator, "confirmed_by": None})
        wrote = _exam_wrote(store, s, person, item, row, f"{what}：{value}")
    return _with_seq(store, wrote)


@dataclass(frozen=True)
class Entry:
    value: str
    status: str
    entered_by: str
    confirmed_by: str | None
    version: int


def list_scores(store: Store, prefix: str = "") -> dict[str, dict[str, Entry]]:
    """person → item → the stored entry with its status (考试与测评 stage); ``prefix`` narrows the items
    (e.g. ``"sat:"``)."""
    out: dict[str, dict[str, Entry]] = {}
    with store.read() as s:
        query = select(Score).where(Score.item.startswith(prefix)) if prefix else select(Score)
        for x in s.execute(query).scalars():
            out.setdefault(x.person_id, {})[x.item] = Entry(x.value, x.status, x.entered_by, x.confirmed_by, x.version)
    return out


def clear_score(store: Store, person_id: str, item: str, *, reason: str | None = None,
                expected_version: int | None = None) -> Wrote:
    """Remove one value; ``expected_version`` as for :func:`set_score` (0 = the clerk saw it empty)."""
    with store.write(reason) as s:
        require_editable(s, "exam")
        person = s.get(Person, person_id)
        if person is None:
            raise StoreError(f"没有编号为 {person_id} 的人员")
        row = s.get(Score, (person_id, item))
        if expected_version is not None and (row.version if row is not None else 0) != expected_version:
            from .history import conflict
            raise conflict(s, f"scores:{person_id}|{item}")
        what = f"清除 {person.name}（{person_id}）{item_label(item)}"
        if row is None:
            return replace(_exam_wrote(store, s, person, item, None, what), changes=Changed.NONE)
        what += f"（原 {row.value}）"
        need_reason_to_change_confirmed(row, s)
        s.delete(row)
        wrote = _exam_wrote(store, s, person, item, None, what)
    return _with_seq(store, wrote)


# --- 竞岗演讲 -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class JudgeRow:
    id: str
    name: str
    group: str
    seat: int


def save_judge(store: Store, judge_id: str, name: str, group: str, seat: int | None = None) -> Changed:
    """§十: judges are 局领导, 事业单位负责人 and 各县（市、区）局长."""
    if group not in JUDGE_GROUPS:
        raise StoreError(f"评委类别须为 {'、'.join(GROUP_LABELS[g] for g in JUDGE_GROUPS)}")
    with store.write() as s:
        require_editable(s, "speech")
        if seat is None:
            existing = s.get(Judge, judge_id)
            seat = existing.seat if existing else len(s.execute(select(Judge.id)).all()) + 1
        put(s, Judge, {"id": judge_id}, {"name": name, "group": group, "seat": seat})
    return Changed.SPEECH


def list_judges(store: Store) -> list[JudgeRow]:
    with store.read() as s:
        return [JudgeRow(j.id, j.name, j.group, j.seat)
                for j in s.execute(select(Judge).order_by(Judge.seat, Judge.id)).scalars()]


def _speech_wrote(store: Store, s, person: Person, judge: Judge, row: SpeechScore | None, label: str) -> Wrote:
    from .speech_grid import row_in
    s.flush()
    return Wrote(Changed.SPEECH, label=label, entity=f"speech_scores:{person.id}|{judge.id}",
                 value=row.value if row is not None else None, version=row.version if row is not None else 0,
                 result=row_in(store, s, person.id))


def _with_seq(store: Store, wrote: Wrote) -> Wrote:
    """The audit rows the write just committed (undo reverts them)."""
    return replace(wrote, seq=store.last_write)


def set_speech_score(store: Store, person_id: str, judge_id: str, raw: object, *,
                     expected_version: int | None = None, reason: str | None = None) -> Wrote:
    """One judge's score (§十). ``expected_version`` is the version the clerk saw (0 = empty): when
    another laptop changed the cell since, :class:`ConflictError` names who, and nothing is written.
    Returns the stored value and the candidate's row as the grid shows it."""
    with store.write(reason) as s:
        scheme = store.scheme_in(s)
        require_editable(s, "speech")
        person, judge = s.get(Person, person_id), s.get(Judge, judge_id)
        if person is None or judge is None:
            raise StoreError("没有该竞岗人员或评委")
        what = f"{person.name} · 评委{judge.seat}"
        try:
            value = str(parse_score(raw, decimals=scheme.judge_decimals))
        except ScoreError as err:
            raise StoreError(f"{what}：{err}") from None
        existing = s.get(SpeechScore, (person_id, judge_id))
        if expected_version is not None and (existing.version if existing is not None else 0) != expected_version:
            from .history import conflict
            raise conflict(s, f"speech_scores:{person_id}|{judge_id}", wanted=value)
        if existing is not None and existing.value == value:      # unchanged: nothing to write
            return replace(_speech_wrote(store, s, person, judge, existing, f"{what}：{value}"), changes=Changed.NONE)
        if existing is not None:
            need_reason_to_change_confirmed(existing, s)
        row, _ = put(s, SpeechScore, {"person_id": person_id, "judge_id": judge_id},
                     {"value": value, "status": "entered", "entered_by": store.operator, "confirmed_by": None})
        wrote = _speech_wrote(store, s, person, judge, row, f"{what}：{value}")
    return _with_seq(store, wrote)


def clear_speech_score(store: Store, person_id: str, judge_id: str, *, reason: str | None = None,
                       expected_version: int | None = None) -> Wrote:
    with store.write(reason) as s:
        require_editable(s, "speech")
        person, judge = s.get(Person, person_id), s.get(Judge, judge_id)
        if person is None or judge is None:
            raise StoreError("没有该竞岗人员或评委")
        row = s.get(SpeechScore, (person_id, judge_id))
        if expected_version is not None and (row.version if row is not None else 0) != expected_version:
            from .history import conflict
            raise conflict(s, f"speech_scores:{person_id}|{judge_id}")
        what = f"清除 {person.name} · 评委{judge.seat}"
        if row is None:
            return replace(_speech_wrote(store, s, person, judge, None, what), changes=Changed.NONE)
        what += f"（原 {row.value}）"
        need_reason_to_change_confirmed(row, s)
        s.delete(row)
        wrote = _speech_wrote(store, s, person, judge, None, what)
    return _with_seq(store, wrote)


def speech_scores(store: Store) -> dict[str, dict[str, tuple[Decimal, str, int]]]:
    """person → judge → (value, status, version)."""
    out: dict[str, dict[str, tuple[Decimal, str, int]]] = {}
    with store.read() as s:
        for x in s.execute(select(SpeechScore)).scalars():
            out.setdefault(x.person_id, {})[x.judge_id] = (Decimal(x.value), x.status, x.version)
    return out


def speech_cells_by(store: Store, operator: str) -> set[tuple[str, str]]:
    """(person, judge) cells this operator entered: in double-entry mode they see their own values."""
    with store.read() as s:
        return {(x.person_id, x.judge_id) for x in s.execute(
            select(SpeechScore).where(SpeechScore.entered_by == operator)).scalars()}


# --- confirmation and double entry ------------------------------------------------------------

def confirm(store: Store, rows: list[tuple]) -> Wrote:
    """Confirm entered values: ``("scores", (person, item))``, ``("speech_scores", (person, judge))``
    or ``("rec_counts", (person, post, group))``, each optionally with the version the clerk saw as a
    third element — a value changed since is not confirmed: :class:`ConflictError` names who changed it.

    **Decision**: 双录入 (the switch on the 竞岗演讲评分 tab) covers the judges' scores: in that mode a
    speech score is confirmed only by a matching blind re-entry (:func:`blind_enter`). Exam/测评 values and
    typed 推荐数 are confirmed as usual (Ctrl+Enter) — their tabs have no blind entry.
    """
    if store.info().double_entry and any(table == "speech_scores" for table, *_ in rows):
        raise StoreError("双录入模式下，演讲评分由第二录入人盲录一致后自动确认")
    changed, done = Changed.NONE, 0
    with store.write() as s:
        for table, key, *seen in rows:
            model, stage, flag = _target(table)
            require_editable(s, stage)
            row = s.get(model, key)
            if row is None or (seen and seen[0] is not None and row.version != seen[0]):
                from .history import conflict
                raise conflict(s, row if row is not None else f"{table}:{'|'.join(key)}")
            if row.status != "confirmed":
                row.status, row.confirmed_by = "confirmed", store.operator
                changed |= flag
                done += 1
    return Wrote(changed, label=f"已确认 {done} 项", seq=store.last_write, result=done)


def _target(table: str):
    if table == "scores":
        return Score, "exam", Changed.SCORES
    if table == "speech_scores":
        return SpeechScore, "speech", Changed.SPEECH
    if table == "rec_counts":
        return RecCount, "recommendation", Changed.BALLOTS
    raise StoreError(f"不能确认 {table}")


def _stored(row) -> str:
    return str(row.count) if isinstance(row, RecCount) else row.value


@dataclass(frozen=True)
class BlindResult:
    matched: bool
    first: str
    second: str


def blind_enter(store: Store, table: str, key: tuple[str, ...], raw: object, *,
                expected_version: int | None = None) -> Wrote:
    """Double-entry: a second operator re-enters without seeing the first value; a match confirms.
    ``expected_version`` is the first entry's version when the blind clerk started typing: a first
    entry corrected since is a conflict (the blind value would confirm a value nobody re-heard).
    ``Wrote.result`` is the :class:`BlindResult`."""
    model, stage, flag = _target(table)
    with store.write() as s:
        scheme = store.scheme_in(s)
        require_editable(s, stage)
        row = s.get(model, key)
        if row is None:
            raise StoreError("第一录入人尚未录入该项")
        if expected_version is not None and row.version != expected_version:
            from .history import conflict
            raise conflict(s, row)
        if row.entered_by == store.operator:
            raise StoreError("双录入须由另一名录入人盲录，不能由原录入人确认")
        try:
            if model is SpeechScore:
                value = str(parse_score(raw, decimals=scheme.judge_decimals))
            elif model is RecCount:
                value = str(parse_count(raw))
            else:
                mine = {x.item: x.value for x in s.execute(select(Score).where(Score.person_id == key[0])).scalars()}
                value = normalise(scheme, key[1], raw, mine)
        except ScoreError as err:
            from .history import describe_entity
            raise StoreError(f"{describe_entity(s, audit.entity_key(row))}：{err}") from None
        entity = audit.entity_key(row)
        put(s, BlindEntry, {"entity": entity}, {"value": value, "entered_by": store.operator})
        matched = Decimal(value) == Decimal(_stored(row))
        if matched:
            row.status, row.confirmed_by = "confirmed", store.operator
        s.flush()
        result = BlindResult(matched, _stored(row), value)
        extra = None
        if model is SpeechScore:
            from .speech_grid import row_in
            extra = row_in(store, s, key[0])
        wrote = Wrote(flag, label=f"盲录 {value}", entity=entity, value=_stored(row), version=row.version,
                      result=(result, extra))
    return _with_seq(store, wrote)


def mismatches(store: Store) -> list[tuple[str, str, str]]:
    """Every blind re-entry that disagrees with the first entry: (entity, first, second)."""
    out = []
    with store.read() as s:
        for b in s.execute(select(BlindEntry).order_by(BlindEntry.entity)).scalars():
            table, _, key = b.entity.partition(":")
            model, _, _ = _target(table)
            row = s.get(model, tuple(key.split("|")))
            if row is not None and Decimal(_stored(row)) != Decimal(b.value):
                out.append((b.entity, _stored(row), b.value))
    return out


def set_double_entry(store: Store, on: bool, *, expected: bool | None = None) -> Wrote:
    """双录入 on/off. ``expected`` is the state the clerk saw (compare-and-set)."""
    from ..models.schema import Meta
    with store.write("切换双录入模式") as s:
        row = s.get(Meta, "double_entry")
        now = bool(row and row.value == "1")
        if expected is not None and now != expected:
            from .history import conflict
            raise conflict(s, row if row is not None else "meta:double_entry")
        if now == on:
            return Wrote(Changed.NONE)
        put(s, Meta, {"key": "double_entry"}, {"value": "1" if on else "0"})
    return Wrote(Changed.SPEECH, label="双录入" + ("开启" if on else "关闭"), seq=store.last_write)

"""方案设置: read and change the campaign's scheme (every weight, threshold and count).

A change is validated whole by :meth:`Scheme.with_overrides` (every problem listed, in Chinese);
once any score, count or ballot has been entered a change needs a reason, written into the audit
row of the scheme (the ``SchemeRow`` is audited like every other entry).

**Decision:** the scheme may not change while *any* stage is locked or published — a locked stage's
published numbers were computed with the current weights, so changing them would silently change a
sheet that has been signed. The 监督组 unlock the stage first (logged with its own reason).

A change refers to the scheme version the clerk saw (``expected_version``): another laptop having
changed the scheme since is a :class:`ConflictError` naming who and what, and nothing is written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.scheme import DIMENSION_LABELS, GROUP_LABELS, QUANTIFIED_WEIGHTS, Scheme, SchemeError
from ..models import audit
from ..models.schema import Ballot, Presence, RecCount, SchemeRow, Score, SpeechScore, Stage
from .store import STAGE_LABELS, STAGES, STATE_LABELS, Changed, ConflictError, LockedError, Store, StoreError, Wrote

REASON_NEEDED = "已有分数，修改方案须填写理由"

# Rows whose values a scheme change would re-weigh: any of them means "scores exist".
_SCORED = (Score, SpeechScore, RecCount, Ballot, Presence)

COMPOSITE_LABELS = {"quantified": "考评量化", "speech": "竞岗演讲", "recommendation": "定岗推荐"}
QUANTIFIED_LABELS = {"exam": "考试", "democratic": "民主测评", "appraisal": "考核均分"}
MODE_LABELS = {"literal": "字面", "fallback": "顺延"}

KEY_LABELS: dict[str, str] = {
    "exam_parts": "考试满分",
    "input_decimals": "录入小数位",
    "judge_decimals": "评委评分小数位",
    "satisfaction_threshold": "满意度测评不满意率界线",
    "dimension_weights": "民主测评权重",
    "grade_points": "民主测评等次分值",
    "exam_weight": "考评量化·考试权重",
    "democratic_weight": "考评量化·民主测评权重",
    "appraisal_weight": "考评量化·考核均分权重",
    "appraisal_years": "考核年数",
    "rank_bonus": "职级加分",
    "declaration_rounds": "报岗次数与岗位数",
    "speech_trim": "去掉最高分、最低分的个数",
    "group_weights": "定岗推荐权重",
    "threshold": "推荐率界线",
    "composite_weights": "综合考评权重",
    "assignment": "确定人选方式",
    QUANTIFIED_WEIGHTS: "考评量化权重",
}
_SUB_LABELS = {**DIMENSION_LABELS, **GROUP_LABELS, **COMPOSITE_LABELS, **QUANTIFIED_LABELS}


def _label(path: str) -> str:
    key, _, sub = path.partition(".")
    head = KEY_LABELS.get(key, key)
    return f"{head}·{_SUB_LABELS.get(sub, sub)}" if sub else head


def chinese_problem(problem: str) -> str:
    """A problem of :class:`SchemeError` with the campaign-file key names replaced by their labels."""
    text = problem.removeprefix("scheme: ")
    m = re.match(r"^scheme\.([^:]+): (.*)$", text, re.S)
    if m:
        text = f"{_label(m.group(1))}：{m.group(2)}"
    text = re.sub(r"(民主测评权重|定岗推荐权重|综合考评权重|考评量化权重)\.(\w+)",
                  lambda x: f"{x.group(1)}·{_SUB_LABELS.get(x.group(2), x.group(2))}", text)
    for key in ("input_decimals", "judge_decimals"):
        text = text.replace(key, KEY_LABELS[key])
    return text.replace("须为 literal 或 fallback", "须为 字面（literal）或 顺延（fallback）")


def scheme_problems(overrides: Mapping[str, Any], base: Scheme | None = None) -> list[str]:
    """Every reason the overrides would be refused, in Chinese (empty when they are fine)."""
    try:
        (base or Scheme()).with_overrides(overrides)
    except SchemeError as err:
        return [chinese_problem(p) for p in err.problems]
    return []


def default_scheme() -> dict[str, Any]:
    """The 细则's defaults (``Scheme().to_json()``)."""
    return Scheme().to_json()


def check_change(overrides: Mapping[str, Any], stored: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """A form's overrides against the stored scheme (``Scheme.to_json()``): (every problem, what would
    change in words — empty when nothing would)."""
    base = Scheme().with_overrides(stored)
    problems = scheme_problems(overrides, base)
    if problems:
        return problems, []
    return [], describe_changes(base.to_json(), base.with_overrides(overrides).to_json())


def current_scheme(store: Store) -> Scheme:
    return store.scheme()


def _scores_exist(session) -> bool:
    return any(session.execute(select(func.count()).select_from(model)).scalar_one() for model in _SCORED)


def scores_exist(store: Store) -> bool:
    """Whether any score, 满意度 count, speech score, recommendation count, ballot or presence is stored."""
    with store.read() as s:
        return _scores_exist(s)


def _frozen_stages(session) -> list[str]:
    states = {row.stage: row.state for row in session.execute(select(Stage)).scalars()}
    return [f"“{STAGE_LABELS[st]}”{STATE_LABELS[states[st]]}" for st in STAGES
            if states.get(st) in ("locked", "published")]


def require_scheme_editable(session: Session) -> None:
    """The scheme is frozen while any stage is locked or published (for an edit and for its undo)."""
    frozen = _frozen_stages(session)
    if frozen:
        raise LockedError(f"{'、'.join(frozen)}，方案不能修改；如需修改，请监督组输入密码并说明理由后解锁")


def _shown(value: Any) -> str:
    if isinstance(value, list):          # declaration_rounds: [[1, 2], [1, 2], [1, 1]]
        return "，".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in value)
    return MODE_LABELS.get(value, str(value)) if isinstance(value, str) else str(value)


def describe_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """``推荐率界线 1/3→1/2``: each field that differs, in words."""
    out = []
    for key, value in new.items():
        before = old.get(key)
        if isinstance(value, dict):
            before = before if isinstance(before, dict) else {}
            out += [f"{_label(f'{key}.{sub}')} {_shown(before.get(sub, '—'))}→{_shown(v)}"
                    for sub, v in value.items() if before.get(sub) != v]
        elif before != value:
            out.append(f"{_label(key)} {_shown(before) if before is not None else '—'}→{_shown(value)}")
    return out


def _changed_since(session: Session, row: SchemeRow, wanted: str) -> ConflictError:
    from .history import last_change, who_when
    log = last_change(session, "scheme:1")
    if log is None:
        return ConflictError(f"方案设置已被改动，您的{wanted}未保存；请刷新（Ctrl+R）后核对")
    what = ""
    if log.old and log.new:
        changes = describe_changes(json.loads(json.loads(log.old)["data"]), json.loads(json.loads(log.new)["data"]))
        what = f"（{'；'.join(changes[:4])}{' 等' if len(changes) > 4 else ''}）" if changes else ""
    return ConflictError(f"方案设置已被 {who_when(log)} 修改{what}，您的{wanted}未保存；"
                         "表中黄色为与现方案不同之处，请核对后再应用")


@dataclass(frozen=True)
class SchemeState:
    """The scheme as the 方案设置 tab shows it, with the version an edit refers to."""

    data: dict[str, Any]            # Scheme.to_json() of the stored scheme
    version: int
    frozen: list[str]               # “竞岗演讲评分”已锁定 …: the scheme cannot change
    scores_exist: bool              # a change needs a reason


def scheme_state(store: Store) -> SchemeState:
    with store.read() as s:
        row = s.get(SchemeRow, 1)
        return SchemeState(store.scheme_in(s).to_json(), row.version if row is not None else 0, _frozen_stages(s),
                           _scores_exist(s))


def set_scheme(store: Store, overrides: Mapping[str, Any], reason: str | None = None, *,
               expected_version: int | None = None) -> Wrote:
    """Change the scheme (keys as in the campaign file); refused whole with every problem. ``expected_version``:
    the scheme version the clerk saw. ``Wrote.result`` is the stored scheme (``Scheme.to_json()``)."""
    reason = (reason or "").strip() or None
    with store.write(reason) as s:
        require_scheme_editable(s)
        row = s.get(SchemeRow, 1)
        if expected_version is not None and (row.version if row is not None else 0) != expected_version:
            raise _changed_since(s, row, "修改")
        current = Scheme().with_overrides(json.loads(row.data) if row else {})
        try:
            new = current.with_overrides(overrides)
        except SchemeError as err:
            raise StoreError("方案未保存：\n" + "\n".join(chinese_problem(p) for p in err.problems)) from None
        data = audit.canonical(new.to_json())
        changes = describe_changes(current.to_json(), new.to_json())
        label = "修改方案" + (f"：{'；'.join(changes[:3])}{' 等' if len(changes) > 3 else ''}" if changes else "")
        if row is not None and row.data == data:
            return Wrote(Changed.NONE, label="方案没有改动", entity="scheme:1", version=row.version,
                         result=new.to_json())
        if reason is None and _scores_exist(s):
            raise StoreError(REASON_NEEDED)
        if row is None:
            row = SchemeRow(id=1, data=data)
            s.add(row)
        else:
            row.data = data
        s.flush()
        version = row.version
    return Wrote(Changed.SCHEME, label=label, entity="scheme:1", value=data, version=version,
                 seq=store.last_write, result=new.to_json())

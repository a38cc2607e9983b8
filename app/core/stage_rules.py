"""SPEC §9: which data belong to which stage, which stages a stage draws on, and which stage moves
need a seal. Pure: the services enforce these rules as data are written, ``verify`` replays them
over the audit chain (the stage-history rule), ``verify_evidence.py`` carries its own copy.

The stage of a logged row is found from its entity (``table:key``); ``scheme`` belongs to every
stage (方案 may change only while no stage is locked or published, ``app/services/scheme.py``).
"""

from __future__ import annotations

import json

STAGES = ("roster", "exam", "declarations", "draw", "speech", "recommendation", "assignment", "selection")
STAGE_LABELS = {
    "roster": "人员名单", "exam": "考试与测评", "declarations": "报岗", "draw": "抽签",
    "speech": "竞岗演讲评分", "recommendation": "定岗推荐计票", "assignment": "综合考评与人选",
    "selection": "双向选择",
}
STATE_LABELS = {"draft": "草稿", "confirmed": "已确认", "locked": "已锁定", "published": "已公布"}
WITHDRAWN_LABEL = "已撤回"

DRAFT, CONFIRMED, LOCKED, PUBLISHED = "draft", "confirmed", "locked", "published"
EDITABLE = (DRAFT, CONFIRMED)
EVERY_STAGE = "*"

# The stages a stage draws on (its sheets show or compute from their data). Publishing needs every
# one of them published (transitively); unlocking one withdraws every published stage drawing on it.
DRAWS_ON: dict[str, tuple[str, ...]] = {
    "roster": (),
    "exam": ("roster",),
    "declarations": ("roster",),
    "draw": ("roster", "declarations"),               # who draws: the declared candidates
    "speech": ("draw",),                              # the speaking order
    "recommendation": ("declarations", "exam"),       # declared pairs; §五 bars the ballot's candidates
    "assignment": ("exam", "speech", "recommendation"),
    "selection": ("assignment",),                     # §十五: after the 科长 are fixed
}

TABLE_STAGE: dict[str, str] = {
    "people": "roster", "posts": "roster",
    "scores": "exam",
    "declarations": "declarations",
    "draws": "draw",
    "judges": "speech", "speech_scores": "speech",
    "presence": "recommendation", "rec_counts": "recommendation", "ballots": "recommendation",
    "ballot_numbers": "recommendation",        # SPEC §10 (count_checks, check_entries: an audit, no stage's data)
    "selection_choices": "selection", "selection_picks": "selection", "selection_placements": "selection",
    "scheme": EVERY_STAGE,
}
META_STAGE: dict[str, str] = {
    "declarations_published_round": "declarations",
    "selection_round": "selection", "selection_staff_end": "selection",
    # the 监督电话/信箱 and 落款 printed on every 公示 are frozen with them: every 公示 draws on 人员名单
    "supervision_phone": "roster", "supervision_mailbox": "roster", "publicity_issuer": "roster",
}
META_PREFIX_STAGE: dict[str, str] = {"ballots_": "recommendation"}
# Rows set when the file is made and never changed by the program afterwards.
WRITE_ONCE = ("meta:supervisor_password", "meta:seal_kdf")

# The count's state (SPEC §10, ``meta`` ``ballots_count``: "" not opened / open / closed): each move
# needs the 监督组's seal right after it, as a stage move does; so does an accepted difference.
COUNT_ENTITY, ACCEPTED_ENTITY = "meta:ballots_count", "meta:ballots_accepted"
COUNT_MOVES: dict[tuple[str, str], str] = {
    ("", "open"): "open-count", ("open", "closed"): "close-count", ("", "closed"): "close-count",
    ("closed", "open"): "reopen-count",
}
COUNT_LABELS = {"": "未开始", "open": "计票中", "closed": "已结束"}
# The reason of the one transaction that imports a campaign file into a new data file. A count's state (or an
# accepted difference) that transaction carries over was sealed in the file it came from — whose seals this
# file cannot hold — so verify notes it instead of asking for a seal, as long as no seal came before it.
IMPORT_REASON = "导入竞岗文件"


def count_move(entity: str, old_json: str | None, new_json: str | None) -> tuple[str, str, str | None] | None:
    """For a logged change of the count's state or of an accepted difference: (from, to, the seal it
    needs — None when the move is not allowed). None for any other row."""
    if entity not in (COUNT_ENTITY, ACCEPTED_ENTITY):
        return None
    before, after = _meta_text(old_json), _meta_text(new_json)
    if entity == ACCEPTED_ENTITY:
        return (before, after, "accept-difference") if new_json is not None else None
    return before, after, COUNT_MOVES.get((before, after))


def _meta_text(row_json: str | None) -> str:
    if not row_json:
        return ""
    try:
        value = json.loads(row_json)
    except ValueError:
        return ""
    return str(value.get("value", "")) if isinstance(value, dict) else ""


# Stage moves: (old, new) → the seal action they need (None: no seal).
MOVES: dict[tuple[str, str], str | None] = {
    (DRAFT, CONFIRMED): None,
    (CONFIRMED, DRAFT): None,
    (CONFIRMED, LOCKED): "lock",
    (LOCKED, PUBLISHED): "publish",
    (LOCKED, DRAFT): "unlock",
    (PUBLISHED, DRAFT): "unlock",
    (PUBLISHED, LOCKED): "withdraw",          # 已撤回: covered by the seal of the unlock that caused it
}


def upstream(stage: str) -> list[str]:
    """Every stage ``stage`` draws on, directly or through another, in the order of ``DRAWS_ON``."""
    seen: set[str] = set()
    todo = list(DRAWS_ON.get(stage, ()))
    while todo:
        s = todo.pop()
        if s not in seen:
            seen.add(s)
            todo.extend(DRAWS_ON.get(s, ()))
    return [s for s in DRAWS_ON if s in seen]


def downstream(stage: str) -> list[str]:
    """Every stage drawing on ``stage``, directly or through another."""
    return [s for s in DRAWS_ON if stage in upstream(s)]


def stage_of_entity(entity: str) -> str | None:
    """The stage whose data a logged row is (EVERY_STAGE for the scheme; None: no stage's data)."""
    table, _, key = entity.partition(":")
    if table == "blind_entries":                 # a blind re-entry belongs where the entry does
        return stage_of_entity(key)
    if table == "meta":
        if key in META_STAGE:
            return META_STAGE[key]
        return next((st for prefix, st in META_PREFIX_STAGE.items() if key.startswith(prefix)), None)
    return TABLE_STAGE.get(table)


def state_of(row_json: str | None) -> str | None:
    """The ``state`` of a logged ``stages`` row (canonical JSON), None when absent or unreadable."""
    if not row_json:
        return None
    try:
        value = json.loads(row_json)
    except ValueError:
        return None
    return value.get("state") if isinstance(value, dict) else None

"""§九 每次报岗情况进行公示: the publication of each 报岗 round, and the edits it freezes.

The stage machinery (draft → confirmed → locked → published) is one state for the whole 报岗
stage, but the 细则 publishes *each round* before the next is declared. **Decision**: one audited
meta row, ``declarations_published_round`` = the highest round published so far (0 = none).
Rounds are published in order; a published round can no longer be edited (nor removed). Taking a
publication back (撤回公布) needs the 监督组's password and a reason, like unlocking a stage, and is
logged (refused attempts too).

The UI edits declarations through :func:`set_round` / :func:`clear_round` so these rules hold;
:func:`app.services.declarations.set_declaration` still enforces the round limits and the stage lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models.schema import Declaration, Meta, Person, Stage
from ._put import put
from .declarations import COMPETING, ROUND_NAMES, DeclarationRow, build_row, round_name, write_round
from .roster import PostRow, list_posts
from .stages import require_editable, require_supervisor
from .store import Changed, ConflictError, Store, StoreError, Wrote

PUBLISHED_KEY = "declarations_published_round"
__all__ = ["ROUND_NAMES", "round_name", "published_round", "set_round", "clear_round", "publish_round",
           "withdraw_publication", "declaration_grid", "require_round_open"]


def published_round(store: Store) -> int:
    """The highest 报岗 round published (公示) so far; 0 when none."""
    with store.read() as s:
        return _published(s)


def _published(session) -> int:
    row = session.get(Meta, PUBLISHED_KEY)
    return int(row.value) if row is not None else 0


def require_round_open(session: Session, round_no: int) -> None:
    """A published round is frozen (§九 每次报岗情况进行公示) — for an edit and for its undo alike."""
    if round_no <= _published(session):
        raise StoreError(f"{round_name(round_no)}报岗已公布（公示），不能修改；"
                         "如需更正，请监督组输入密码并说明理由后撤回公布")


def set_round(store: Store, person_id: str, round_no: int, posts: list[str], *,
              reason: str | None = None, expected_version: int | None = None) -> Wrote:
    """Record one round of one person, unless that round is published. ``expected_version``: the round's
    version as the clerk saw it (0 = empty; compare-and-set against another laptop's change)."""
    return write_round(store, person_id, round_no, posts, reason=reason, expected_version=expected_version,
                       check=require_round_open)


def clear_round(store: Store, person_id: str, round_no: int, *, reason: str | None = None,
                expected_version: int | None = None) -> Wrote:
    """Remove a person's last round (Delete on the tab), unless that round is published."""
    return write_round(store, person_id, round_no, None, reason=reason, expected_version=expected_version,
                       check=require_round_open)


def _published_by(session: Session) -> str:
    """``李强 于 10:02``: who last moved the published round (for a conflict message)."""
    from .history import last_change, who_when
    log = last_change(session, f"meta:{PUBLISHED_KEY}")
    return who_when(log) if log is not None else "其他录入人"


def publish_round(store: Store, round_no: int) -> Wrote:
    """公布 round ``round_no``: the next unpublished round, with at least one declaration in it. The clerk
    saw ``round_no - 1`` published: another laptop having published it meanwhile is a conflict."""
    with store.write(f"公布{round_name(round_no)}报岗") as s:
        require_editable(s, "declarations")
        published = _published(s)
        if round_no <= published:
            raise ConflictError(f"{round_name(round_no)}报岗已公布（{_published_by(s)} 公布至{round_name(published)}），"
                                "未重复公布")
        if round_no != published + 1:
            raise StoreError(f"请先公布{round_name(published + 1)}报岗")
        limit = len(store.scheme_in(s).declaration_rounds)
        if round_no > limit:
            raise StoreError(f"最多报岗 {limit} 次，没有{round_name(round_no)}")
        if s.execute(select(Declaration.person_id).where(Declaration.round_no == round_no).limit(1)).first() is None:
            raise StoreError(f"{round_name(round_no)}尚无人报岗，不能公布")
        row, _ = put(s, Meta, {"key": PUBLISHED_KEY}, {"value": str(round_no)})
        s.flush()
        version = row.version
    return Wrote(Changed.DECLARATIONS | Changed.STAGES, label=f"公布{round_name(round_no)}报岗",
                 entity=f"meta:{PUBLISHED_KEY}", value=str(round_no), version=version, seq=store.last_write)


def withdraw_publication(store: Store, password: str, reason: str, *, round_no: int | None = None) -> Wrote:
    """撤回公布 of the last published round: the 监督组's password and a reason, logged. ``round_no`` is the
    round the clerk saw as the last published: if another laptop published or withdrew since, nothing is
    withdrawn (a conflict naming who)."""
    require_supervisor(store, password, reason, action="撤回公布", event="withdraw-publication-refused",
                       detail={"key": PUBLISHED_KEY})
    with store.write(reason) as s:
        require_editable(s, "declarations")
        published = _published(s)
        if round_no is not None and published != round_no:
            now = f"已公布至{round_name(published)}" if published else "已无公布"
            raise ConflictError(f"报岗公布已被 {_published_by(s)} 改动（{now}），未撤回{round_name(round_no)}报岗的公布；"
                                "请核对后再操作")
        if published == 0:
            raise StoreError("尚未公布任何一次报岗，无需撤回")
        row, _ = put(s, Meta, {"key": PUBLISHED_KEY}, {"value": str(published - 1)})
        s.flush()
        version = row.version
    return Wrote(Changed.DECLARATIONS | Changed.STAGES, label=f"撤回{round_name(published)}报岗的公布",
                 entity=f"meta:{PUBLISHED_KEY}", value=str(published - 1), version=version, seq=store.last_write)


@dataclass(frozen=True)
class DeclarationGrid:
    """Everything the 报岗 tab shows."""

    rows: list[DeclarationRow]          # 原任科长 and 拟竞争科长, and anyone else who declared, roster order
    posts: list[PostRow]
    limits: list[tuple[int, int]]       # per round: at least, at most posts (the scheme's)
    published: int
    state: str                          # the 报岗 stage: draft / confirmed / locked / published


def declaration_grid(store: Store) -> DeclarationGrid:
    posts = list_posts(store)
    with store.read() as s:
        scheme = store.scheme_in(s)
        people = s.execute(select(Person).order_by(Person.sort, Person.id)).scalars().all()
        by_person: dict[str, list[Declaration]] = {}
        for d in s.execute(select(Declaration)).scalars():
            by_person.setdefault(d.person_id, []).append(d)
        rows = [build_row(p, by_person.get(p.id, [])) for p in people if p.category in COMPETING or p.id in by_person]
        stage = s.get(Stage, "declarations")
        published = _published(s)
    return DeclarationGrid(rows, posts, [tuple(x) for x in scheme.declaration_rounds], published,
                           stage.state if stage is not None else "draft")

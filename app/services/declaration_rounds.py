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

from sqlalchemy import select

from ..models.schema import Declaration, Meta, Person
from ._put import put
from .declarations import UNSEEN, check_expected, set_declaration
from .stages import require_editable, require_supervisor
from .store import Changed, Store, StoreError

PUBLISHED_KEY = "declarations_published_round"
ROUND_NAMES = {1: "第一次", 2: "第二次", 3: "第三次"}


def round_name(round_no: int) -> str:
    return ROUND_NAMES.get(round_no, f"第{round_no}次")


def published_round(store: Store) -> int:
    """The highest 报岗 round published (公示) so far; 0 when none."""
    with store.read() as s:
        return _published(s)


def _published(session) -> int:
    row = session.get(Meta, PUBLISHED_KEY)
    return int(row.value) if row is not None else 0


def _check_round_open(published: int, round_no: int) -> None:
    if round_no <= published:
        raise StoreError(f"{round_name(round_no)}报岗已公布（公示），不能修改；"
                         "如需更正，请监督组输入密码并说明理由后撤回公布")


def set_round(store: Store, person_id: str, round_no: int, posts: list[str], *,
              reason: str | None = None, expected: object = UNSEEN) -> Changed:
    """Record one round of one person, unless that round is published. ``expected``: the round as the
    clerk saw it (compare-and-set against another laptop's change)."""
    _check_round_open(published_round(store), round_no)
    return set_declaration(store, person_id, round_no, posts, reason=reason, expected=expected)


def clear_round(store: Store, person_id: str, round_no: int, *, reason: str | None = None,
                expected: object = UNSEEN) -> Changed:
    """Remove a person's last round (the undo of a newly typed round)."""
    with store.write(reason) as s:
        require_editable(s, "declarations")
        _check_round_open(_published(s), round_no)
        person = s.get(Person, person_id)
        row = s.get(Declaration, (person_id, round_no))
        check_expected(row, expected)
        if person is None or row is None:
            return Changed.NONE
        if s.get(Declaration, (person_id, round_no + 1)) is not None:
            raise StoreError(f"{person.name}（{person_id}）已有{round_name(round_no + 1)}报岗，"
                             f"不能删除{round_name(round_no)}报岗")
        s.delete(row)
    return Changed.DECLARATIONS


def publish_round(store: Store, round_no: int) -> Changed:
    """公布 round ``round_no``: the next unpublished round, with at least one declaration in it."""
    with store.write(f"公布{round_name(round_no)}报岗") as s:
        require_editable(s, "declarations")
        published = _published(s)
        if round_no <= published:
            raise StoreError(f"{round_name(round_no)}报岗已公布")
        if round_no != published + 1:
            raise StoreError(f"请先公布{round_name(published + 1)}报岗")
        limit = len(store.scheme().declaration_rounds)
        if round_no > limit:
            raise StoreError(f"最多报岗 {limit} 次，没有{round_name(round_no)}")
        if s.execute(select(Declaration.person_id).where(Declaration.round_no == round_no).limit(1)).first() is None:
            raise StoreError(f"{round_name(round_no)}尚无人报岗，不能公布")
        put(s, Meta, {"key": PUBLISHED_KEY}, {"value": str(round_no)})
    return Changed.DECLARATIONS | Changed.STAGES


def withdraw_publication(store: Store, password: str, reason: str) -> Changed:
    """撤回公布 of the last published round: the 监督组's password and a reason, logged."""
    require_supervisor(store, password, reason, action="撤回公布", event="withdraw-publication-refused",
                       detail={"key": PUBLISHED_KEY})
    with store.write(reason) as s:
        require_editable(s, "declarations")
        published = _published(s)
        if published == 0:
            raise StoreError("尚未公布任何一次报岗，无需撤回")
        put(s, Meta, {"key": PUBLISHED_KEY}, {"value": str(published - 1)})
    return Changed.DECLARATIONS | Changed.STAGES

"""§九 报岗 rounds, with the round limits enforced as they are typed."""

from __future__ import annotations

from sqlalchemy import select

from ..core.declarations import round_problems
from ..models.schema import Declaration, Person, Post
from ._put import put
from .stages import require_editable
from .store import Changed, ConflictError, Store, StoreError


UNSEEN = object()
"""``expected`` default: the caller did not say what it saw (no conflict check)."""


def check_expected(row: Declaration | None, expected: object) -> None:
    """Compare-and-set: ``expected`` is the round as the clerk saw it (a tuple of posts, or None when it was
    empty). Another laptop having changed it since → :class:`ConflictError`, nothing overwritten."""
    if expected is UNSEEN:
        return
    now = tuple(row.posts.split(",")) if row is not None else None
    if now != (tuple(expected) if expected is not None else None):
        raise ConflictError("该项已被其他录入人修改，您的修改未保存；请刷新（Ctrl+R）后重新录入")


def set_declaration(store: Store, person_id: str, round_no: int, posts: list[str], *,
                    reason: str | None = None, expected: object = UNSEEN) -> Changed:
    scheme = store.scheme()
    with store.write(reason) as s:
        require_editable(s, "declarations")
        person = s.get(Person, person_id)
        if person is None:
            raise StoreError(f"没有编号为 {person_id} 的人员")
        check_expected(s.get(Declaration, (person_id, round_no)), expected)
        known = set(s.execute(select(Post.id)).scalars())
        problems = round_problems(round_no, posts, known, scheme)
        if round_no > 1 and s.get(Declaration, (person_id, round_no - 1)) is None:
            problems.append(f"尚无第{round_no - 1}次报岗，不能先录第{round_no}次")
        if problems:
            raise StoreError(f"{person.name}（{person_id}）：" + "；".join(problems))
        put(s, Declaration, {"person_id": person_id, "round_no": round_no}, {"posts": ",".join(posts)})
    return Changed.DECLARATIONS


def declarations(store: Store) -> dict[str, list[tuple[str, ...]]]:
    """person → rounds in order (each round's posts in the person's order)."""
    out: dict[str, list[tuple[str, ...]]] = {}
    with store.read() as s:
        for d in s.execute(select(Declaration).order_by(Declaration.person_id, Declaration.round_no)).scalars():
            out.setdefault(d.person_id, []).append(tuple(d.posts.split(",")))
    return out

"""§九 报岗 rounds, with the round limits enforced as they are typed.

Every write takes the version of the round the clerk saw (``expected_version``, 0 = empty): another
laptop having changed it since is a :class:`ConflictError` naming who, and nothing is overwritten.
The publication of each round (公示) is :mod:`app.services.declaration_rounds`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.declarations import effective_declaration, round_problems
from ..models.schema import Declaration, Person, Post
from ._put import put
from .stages import require_editable
from .store import Changed, Store, StoreError, Wrote

COMPETING = ("原任科长", "拟竞争科长")
"""Who declares (§二(一)(二)): listed on the 报岗 tab even before their first round."""

ROUND_NAMES = {1: "第一次", 2: "第二次", 3: "第三次"}


def round_name(round_no: int) -> str:
    return ROUND_NAMES.get(round_no, f"第{round_no}次")


@dataclass(frozen=True)
class DeclarationRow:
    """One competitor's rounds as the 报岗 tab shows them."""

    id: str
    name: str
    category: str
    rounds: tuple[tuple[str, ...], ...]          # each round's posts in the person's order
    versions: tuple[int, ...]                   # each round's stored version (what an edit refers to)
    effective: tuple[str, ...]                  # the last round (SPEC §2 Decision)

    def version(self, round_no: int) -> int:
        """The version of a round as shown (0 = not declared)."""
        return self.versions[round_no - 1] if round_no <= len(self.versions) else 0


def build_row(person: Person, stored: list[Declaration]) -> DeclarationRow:
    stored = sorted(stored, key=lambda d: d.round_no)
    rounds = tuple(tuple(d.posts.split(",")) for d in stored)
    return DeclarationRow(person.id, person.name, person.category, rounds, tuple(d.version for d in stored),
                          effective_declaration(rounds))


def row_in(session: Session, person_id: str) -> DeclarationRow | None:
    """One person's row, read inside the caller's (write) transaction: what a typed round shows."""
    person = session.get(Person, person_id)
    if person is None:
        return None
    session.flush()
    return build_row(person, list(session.execute(select(Declaration).where(
        Declaration.person_id == person_id)).scalars()))


def write_round(store: Store, person_id: str, round_no: int, posts: list[str] | None, *,
                reason: str | None = None, expected_version: int | None = None,
                check: Callable[[Session, int], None] | None = None) -> Wrote:
    """Record (``posts``) or remove (``None`` / empty) one round of one person, in one transaction.
    ``check(session, round_no)`` is an extra refusal inside it (a published round, :mod:`declaration_rounds`).
    Returns the stored round and the person's row as the tab shows it."""
    scheme = store.scheme()
    with store.write(reason) as s:
        require_editable(s, "declarations")
        if check is not None:
            check(s, round_no)
        person = s.get(Person, person_id)
        if person is None:
            raise StoreError(f"没有编号为 {person_id} 的人员")
        what = f"{person.name}（{person_id}）{round_name(round_no)}报岗"
        row = s.get(Declaration, (person_id, round_no))
        if expected_version is not None and (row.version if row is not None else 0) != expected_version:
            from .history import conflict
            raise conflict(s, f"declarations:{person_id}|{round_no}", wanted=" ".join(posts or ()) or "删除")
        if posts is not None:
            known = set(s.execute(select(Post.id)).scalars())
            problems = round_problems(round_no, posts, known, scheme)
            if round_no > 1 and s.get(Declaration, (person_id, round_no - 1)) is None:
                problems.append(f"尚无第{round_no - 1}次报岗，不能先录第{round_no}次")
            if problems:
                raise StoreError(f"{person.name}（{person_id}）：" + "；".join(problems))
            row, changed = put(s, Declaration, {"person_id": person_id, "round_no": round_no},
                               {"posts": ",".join(posts)})
            label = f"{what}：{' '.join(posts)}"
        else:
            if row is not None and s.get(Declaration, (person_id, round_no + 1)) is not None:
                raise StoreError(f"{person.name}（{person_id}）已有{round_name(round_no + 1)}报岗，"
                                 f"不能删除{round_name(round_no)}报岗")
            changed = row is not None
            label = f"删除 {what}" + (f"（原 {row.posts.replace(',', ' ')}）" if row is not None else "")
            if row is not None:
                s.delete(row)
                row = None
        s.flush()
        wrote = Wrote(Changed.DECLARATIONS if changed else Changed.NONE, label=label,
                      entity=f"declarations:{person_id}|{round_no}", value=row.posts if row is not None else None,
                      version=row.version if row is not None else 0, result=row_in(s, person_id))
    return replace(wrote, seq=store.last_write) if wrote else wrote


def set_declaration(store: Store, person_id: str, round_no: int, posts: list[str], *,
                    reason: str | None = None, expected_version: int | None = None) -> Wrote:
    """One round of one person, within the round limits (§九); see :func:`write_round`."""
    return write_round(store, person_id, round_no, posts, reason=reason, expected_version=expected_version)


def declarations(store: Store) -> dict[str, list[tuple[str, ...]]]:
    """person → rounds in order (each round's posts in the person's order)."""
    out: dict[str, list[tuple[str, ...]]] = {}
    with store.read() as s:
        for d in s.execute(select(Declaration).order_by(Declaration.person_id, Declaration.round_no)).scalars():
            out.setdefault(d.person_id, []).append(tuple(d.posts.split(",")))
    return out

"""§九 报岗: up to three rounds; rounds 1–2 one or two posts, round 3 exactly one (SPEC §2)."""

from __future__ import annotations

from typing import Collection, Sequence

from .scheme import Scheme


def round_problems(round_no: int, posts: Sequence[str], known_posts: Collection[str], scheme: Scheme) -> list[str]:
    """Every reason a round's declaration is refused; empty when it is valid.

    ``round_no`` counts from 1. Posts keep the person's order (first choice first).
    """
    problems: list[str] = []
    limits = scheme.declaration_rounds
    if not (1 <= round_no <= len(limits)):
        return [f"最多报岗 {len(limits)} 次，没有第{round_no}次"]
    lo, hi = limits[round_no - 1]
    if not (lo <= len(posts) <= hi):
        wanted = f"{lo} 个" if lo == hi else f"{lo}–{hi} 个"
        problems.append(f"第{round_no}次报岗须报 {wanted}岗位，现报 {len(posts)} 个")
    seen: set[str] = set()
    for post in posts:
        if post in seen:
            problems.append(f"岗位 {post} 重复申报")
        seen.add(post)
        if post not in known_posts:
            problems.append(f"岗位 {post} 不存在")
    return problems


def effective_declaration(rounds: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """Decision (SPEC §2): the last round a person submitted is their effective declaration."""
    for posts in reversed(rounds):
        if posts:
            return tuple(posts)
    return ()

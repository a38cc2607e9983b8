"""Comparing what the reader made of the corpus with the truth (:mod:`.corpus`): the figures of issue 17.

- **Silent error**: a box decided automatically (empty or marked) against its truth (marked or
  empty; an *either* box cannot be one), a candidate's automatic mark outside what the truth allows,
  or a page read with the wrong group, number or page. The goal is none.
- **Doubtful boxes**: the share of the boxes of read pages left to a person (goal ≤ 2 %).
- **Pages**: read, blank, and rejected by reason — each rejection *expected* (the truth says reject,
  with that reason, or either) or *unexpected* (the truth says read); a page the truth says must be
  rejected but was read is a **missed rejection**.
- The fills by mark style (min, 1st percentile, median, 99th percentile, max): the evidence the
  thresholds were chosen on.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import product

from .marks import EITHER, EMPTY, MARKED
from .measure import DOUBTFUL, candidate_mark
from .reader import BLANK_PAGE, READ, PageRead

STYLE_NONE = "(no mark)"


def allowed_marks(boxes: dict[str, str], declared: tuple[str, ...] = ()) -> set[str]:
    """The marks a candidate's boxes (choice → truth) allow: every way the *either* boxes could go."""
    either = [c for c, t in boxes.items() if t == EITHER]
    out = {DOUBTFUL}
    for ways in product((MARKED, "empty"), repeat=len(either)):
        decided = {c: (MARKED if t == MARKED else "empty") for c, t in boxes.items() if t != EITHER}
        decided.update(zip(either, ways))
        out.add(candidate_mark(decided.items(), declared))
    return out


@dataclass
class Score:
    pages: int = 0
    outcomes: Counter = field(default_factory=Counter)          # (truth expect, status, code) → pages
    boxes: int = 0
    doubtful: int = 0
    decided: Counter = field(default_factory=Counter)           # decision → boxes
    silent: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)          # pages read or rejected against the truth
    candidates: int = 0
    doubtful_candidates: int = 0
    fills: dict[str, list[float]] = field(default_factory=dict)  # style → fills
    seconds: dict[int, list[float]] = field(default_factory=dict)  # dpi → reading seconds per page

    def add(self, truth, read: PageRead, seconds: float | None = None) -> None:
        self.pages += 1
        self.outcomes[(truth.expect, read.status, read.code)] += 1
        if (truth.expect == "read" and read.status != READ) or (truth.expect == "reject" and read.status == READ):
            self.unexpected.append(f"{truth.name}#{truth.file_page}: {truth.expect} {truth.notes}, "
                                   f"was {read.status} {read.code} {read.detail}".rstrip())
        if seconds is not None and truth.dpi:
            self.seconds.setdefault(truth.dpi, []).append(seconds)
        if read.status != READ:
            return
        where = f"{truth.name}#{truth.file_page}"
        if (read.group, read.number, read.page) != (truth.group, truth.number, truth.page):
            self.silent.append(f"{where}: read as {read.group} {read.number} p{read.page}, "
                               f"is {truth.group} {truth.number} p{truth.page}")
            return
        per_person: dict[str, dict[str, str]] = {}
        for b in read.boxes:
            key = f"{b.person}|{b.choice}"
            t = truth.boxes.get(key, EMPTY)
            per_person.setdefault(b.person, {})[b.choice] = t
            self.boxes += 1
            self.decided[b.decision] += 1
            self.doubtful += b.decision == DOUBTFUL
            self.fills.setdefault(truth.styles.get(key, STYLE_NONE), []).append(float(b.fill))
            self.fills.setdefault(f"truth: {t}", []).append(float(b.fill))
            if t == MARKED:
                share = truth.shares.get(key, 0.0)
                band = "<10%" if share < 0.1 else "10-20%" if share < 0.2 else ">=20%"
                self.fills.setdefault(f"marked, ink {band}", []).append(float(b.fill))
            if (t == MARKED and b.decision == "empty") or (t == EMPTY and b.decision == MARKED):
                self.silent.append(f"{where}: box {key} {truth.styles.get(key, STYLE_NONE)} is {t}, "
                                   f"read {b.decision} (fill {float(b.fill):.3f})")
        for person, mark in read.marks.items():
            self.candidates += 1
            self.doubtful_candidates += mark == DOUBTFUL
            if mark not in allowed_marks(per_person.get(person, {})):
                self.silent.append(f"{where}: candidate {person} read {mark}")

    # -- figures -----------------------------------------------------------------------------------
    def rejections(self) -> dict[str, dict[str, int]]:
        """reason code → {"expected": n, "unexpected": n}."""
        out: dict[str, dict[str, int]] = {}
        for (expect, status, code), n in self.outcomes.items():
            if status in (READ, BLANK_PAGE):
                continue
            row = out.setdefault(code, {"expected": 0, "unexpected": 0})
            row["expected" if expect in ("reject", "either") else "unexpected"] += n
        return out

    def missed_rejections(self) -> int:
        return sum(n for (expect, status, _), n in self.outcomes.items() if expect == "reject" and status == READ)

    def unexpected_blank(self) -> int:
        return sum(n for (expect, status, _), n in self.outcomes.items()
                   if (expect == "blank") != (status == BLANK_PAGE))

    def fill_table(self) -> dict[str, dict[str, float]]:
        out = {}
        for style, values in sorted(self.fills.items()):
            v = sorted(values)
            at = lambda q: v[min(len(v) - 1, int(q * (len(v) - 1) + 0.5))]   # noqa: E731
            out[style] = {"n": len(v), "min": v[0], "p01": at(0.01), "median": at(0.5), "p99": at(0.99), "max": v[-1]}
        return out

    def figures(self) -> dict:
        read = sum(n for (_, s, _), n in self.outcomes.items() if s == READ)
        blank = sum(n for (_, s, _), n in self.outcomes.items() if s == BLANK_PAGE)
        return {
            "pages": self.pages, "read": read, "blank": blank, "rejected": self.pages - read - blank,
            "boxes": self.boxes, "doubtful": self.doubtful,
            "doubtful_pct": 100 * self.doubtful / self.boxes if self.boxes else 0.0,
            "decided": dict(self.decided), "candidates": self.candidates,
            "doubtful_candidates": self.doubtful_candidates,
            "silent_errors": len(self.silent), "silent": self.silent[:50], "unexpected": self.unexpected[:50],
            "rejections": self.rejections(), "missed_rejections": self.missed_rejections(),
            "unexpected_blank": self.unexpected_blank(),
            "expected_blank": sum(n for (e, s, _), n in self.outcomes.items() if e == "blank" and s == BLANK_PAGE),
            "fills": self.fill_table(),
            "seconds": {str(k): v for k, v in self.seconds.items()},
        }

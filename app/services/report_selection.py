"""The data of the two-way selection sheets (§十五 科员定岗, §十六 事业人员补充): 双向选择结果 and the
双向选择确认表. Split from :mod:`app.services.report_data`, whose ``BUILDERS`` registry uses these."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..core import selection as core
from ..reports import selection as r
from . import selection as svc
from .store import StoreError

if TYPE_CHECKING:
    from .report_data import Options, _Ctx


def _office_label(ctx: _Ctx, post_id: str) -> str:
    """A 科 of the selection is its 科长's post id; printed as the post's 科室, else the post name."""
    post = next((p for p in ctx.doc["posts"] if p["id"] == post_id), None)
    return (post.get("office") or post["name"]) if post else post_id


def _selection_how(pl) -> str:
    if pl.how == core.HOW_LEADERS:
        return "领导组安排"
    if pl.how == core.HOW_ORIGIN:
        return "不轮岗"
    when = f"{'事业人员补充' if pl.phase == core.BUSINESS else '科员定岗'}第{pl.round}轮"
    return f"保留原科室人员（{when}）" if pl.how == core.HOW_KEEP else when


def selection_sheet(ctx: _Ctx, opts: Options) -> Any:
    """**Decision**: gated on the published 科长 (``assignment``) like the other 公示 sheets; the result
    is final once ``core.finish`` accepts the state (事业人员补充 run, between rounds). Before that
    the sheet prints the seats decided so far as a draft (watermark), without the leftover lists."""
    header = ctx.header("双向选择结果", opts)
    chiefs = {p.post: p.person for p in ctx.computed[1].assignment.placements}

    def former(pid: str) -> str:
        text = ctx.people.get(pid, {}).get("former_office") or ""
        return _office_label(ctx, text) if text in ctx.post_names else text

    def leftover(ids) -> tuple:
        return tuple(r.SelectionLeftover(pid, ctx.name(pid), former(pid)) for pid in ids)

    try:
        state = svc.load_state(ctx.store)
    except StoreError as err:
        return r.SelectionSheet(replace(header, draft=True, state=f"双向选择尚未开始：{err}"), (),
                                notes=(f"注：双向选择尚未开始（{err}）。",))
    try:
        out, final = core.finish(state), True
    except ValueError:
        out, final = None, False
    placements = out.placements if out else tuple(sorted(
        state.placements, key=lambda s: (s.office, s.phase != core.STAFF, s.round, s.person)))
    offices = tuple(r.SelectionOffice(_office_label(ctx, o.name), ctx.name(chiefs.get(o.name, "")), o.headcount,
                                      tuple(r.SelectionPlaced(p.person, ctx.name(p.person), former(p.person),
                                                              _selection_how(p))
                                            for p in placements if p.office == o.name))
                    for o in state.offices)
    notes = ["注：核定人数不含科长；不轮岗人员和领导组安排的人员在双向选择前到岗（第十五条（一）、第十六条（一）），"
             "保留原科室人员为科室选择本科室原工作人员（每科每阶段一名）；事业人员补充后科室人员可少于核定人数"
             "（第十六条（五））。"]
    if not final:
        label = f"{svc.PHASE_LABELS[state.phase]}第{state.round_no}轮"
        header = replace(header, draft=True, state=f"双向选择进行中（{label}）")
        notes.insert(0, f"注：双向选择尚未结束（当前{label}），以下为已确定的人员，未定岗人员待结束后列出。")
        return r.SelectionSheet(header, offices, notes=tuple(notes))
    return r.SelectionSheet(header, offices, leftover(out.to_leaders), leftover(out.to_origin),
                            tuple((_office_label(ctx, o), n) for o, n in out.short),
                            tuple(_office_label(ctx, o) for o in out.unmet), tuple(notes))


def selection_forms(ctx: _Ctx, opts: Options) -> Any:
    """**Decision**: a blank form, printable at any time: the 科室 are the posts with a placed 科长
    (computed, so it also prints before the 科长 are published — then marked as a draft)."""
    phase = {v: k for k, v in svc.PHASE_LABELS.items()}.get(opts.phase or "", opts.phase or core.STAFF)
    if phase not in svc.PHASE_LABELS:
        raise StoreError(f"没有“{opts.phase}”这一阶段；可选：{'、'.join(svc.PHASE_LABELS.values())}")
    round_no = opts.round_no or 1
    published = ctx.states.get("assignment") == "published"
    header = ctx.header("双向选择确认表", opts, subtitle=f"{svc.PHASE_LABELS[phase]}第{round_no}轮",
                        published=published, state="" if published else "科长人选未公布")
    chiefs = {p.post: p.person for p in ctx.computed[1].assignment.placements}
    try:
        state = svc.load_state(ctx.store)
    except StoreError:
        state = None
    placed = {pl.person for pl in state.placements} if state else set()

    def declared(post_id: str) -> tuple[tuple[str, str], ...]:
        if state is None:
            return ()
        return tuple((p.id, ctx.name(p.id)) for p in state.persons
                     if p.kind == phase and post_id in p.declared and p.id not in placed)
    rows = tuple(r.SelectionFormRow(_office_label(ctx, p["id"]), ctx.name(chiefs[p["id"]]), chiefs[p["id"]],
                                    declared(p["id"]))
                 for p in ctx.doc["posts"] if p["id"] in chiefs)
    return r.SelectionForms(header, svc.PHASE_LABELS[phase], round_no, rows)

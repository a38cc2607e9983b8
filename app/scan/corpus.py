"""A test corpus made by the program itself: real ballots, marked and scanned badly, with the truth.

Every ballot is printed by the production code (:func:`app.scan.render.ballot_pdf`, rasterised by
pypdfium2 at 200 or 300 dpi), marked in the styles of :mod:`.marks`, and scanned as :mod:`.degrade`
says. Everything follows from ``(seed, index)``, so ballot 1234 of seed 7 can be made again alone.

Four layouts (:func:`corpus_layouts`): ``small`` 8 candidates × 6 posts; ``medium`` 20 × 18;
``wide`` 16 × 30 (two pages side by side: a candidate's row spans both); ``long`` 36 × 10 (two pages,
one under the other); and ``stranger``, a layout the reader is not told about.

Per candidate: 12 % no mark (a third of these with a stray dot or an erased tick), 80 % one mark
(agree 70 % / suggest 30 %; in one case of ten an erased or dotted second box beside it), 8 % two
marks (invalid). Per page (see :func:`plan_scan`): rotation within ±2.8° (3 % of pages 3.4–7°:
rejected), shear ±0.4°, scale 97–103 %, turns, noise, blur, JPEG 50–90 / PNG / TIFF / PDF, uneven
light, streaks (12 %), a lightly damaged QR (6 %) or a destroyed one (2 %), folded corners small
(4 %, read), large (2 %, rejected) and in between (1 %, either), a blank back page (8 %), a
stranger's layout (2 %), a page without a QR (1 %), 110 dpi scans (1 %) and a scanner bed only as
large as the page (3 %: a skewed page may lose a corner; rejected when a fiducial is cut).

A page's truth (:class:`PageTruth`) says ``read``, ``reject`` (with the codes that are right),
``blank`` or ``either`` (read or reject: a fold that half covers a fiducial, a rotation of 2.9–3.1°);
every box's truth is ``marked``, ``empty`` or ``either`` (:mod:`.marks`).
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from .degrade import (Scan, damage_qr, encode, expected_rotation, fiducial_room, fold_corner, fold_coverage,
                      scan_page)
from .layout import Candidate, Layout, layout_json, make_layout
from .marks import EITHER, EMPTY, MARKED, MEANT, UNMEANT, apply_ink, draw_mark
from .render import BallotText, ballot_pdf, render_pages

OFFICES = ("办公室", "财务科", "人事教育科", "法制科", "纪检监察室", "政策法规科", "征收管理科", "稽查局",
           "信息中心", "规划统计科", "货物和劳务税科", "所得税科", "财产和行为税科", "国际税务科", "纳税服务科",
           "收入核算科", "督察内审科", "机关党委", "离退休干部科", "后勤服务中心", "党建工作科", "风险管理科",
           "大企业管理科", "社会保险费科", "社会保险费征收科", "非税收入科", "宣传中心", "教育培训中心", "档案室",
           "机关服务中心")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌海燕宁晨阳春雪梅立新永"
GROUPS = ("leaders", "staff", "unit_heads", "county_chiefs")
SHAPES = {"small": (8, 6), "medium": (20, 18), "wide": (16, 30), "long": (36, 10), "stranger": (8, 6)}
MEETING = "DG1"
BALLOTS_PER_RENDER = 25             # consecutive ballots share one printed number (rendering is the slow part)
MARK_WEIGHTS = {"check": 30, "cross": 15, "fill": 12, "pencil": 10, "partial": 8, "over_edge": 8,
                "light_pencil": 5, "tiny": 4}


@dataclass
class PageTruth:
    name: str                                   # the file
    file_page: int
    expect: str                                 # read / reject / blank / either
    codes: tuple[str, ...] = ()                 # the right rejection codes
    layout: str = ""
    group: str = ""
    number: str = ""
    page: int = 0
    dpi: int = 0
    boxes: dict[str, str] = field(default_factory=dict)     # "person|choice" → marked / empty / either
    styles: dict[str, str] = field(default_factory=dict)    # "person|choice" → style of its mark
    shares: dict[str, float] = field(default_factory=dict)  # "person|choice" → ink share on the clean layer
    notes: list[str] = field(default_factory=list)


def corpus_layouts() -> dict[str, tuple[Layout, BallotText]]:
    out = {}
    for name, (people, posts) in SHAPES.items():
        r = random.Random(f"layout-{name}")
        post_ids = [f"P{i + 1:02d}" for i in range(posts)]
        cands = [Candidate(str(1001 + i), tuple(r.sample(post_ids, r.choice((1, 1, 2))))) for i in range(people)]
        order = post_ids[::-1] if name == "stranger" else post_ids
        layout = make_layout(cands, order)
        names = {c.person: r.choice(SURNAMES) + "".join(r.sample(GIVEN, r.choice((1, 2)))) for c in cands}
        text = BallotText(names, {p: OFFICES[i % len(OFFICES)] + "科长" for i, p in enumerate(post_ids)}, MEETING)
        out[name] = (layout, text)
    return out


_layouts: dict[str, tuple[Layout, BallotText]] = {}
_renders: dict[tuple, list[np.ndarray]] = {}


def known_layouts() -> list[Layout]:
    """The layouts the reader is told about (all but ``stranger``)."""
    _layouts.update(_layouts or corpus_layouts())
    return [v[0] for k, v in _layouts.items() if k != "stranger"]


def _render(layout_name: str, group: str, number: str, dpi: int) -> list[np.ndarray]:
    key = (layout_name, group, number, dpi)
    if key not in _renders:
        if len(_renders) >= 4:
            _renders.pop(next(iter(_renders)))
        layout, text = _layouts[layout_name]
        _renders[key] = render_pages(ballot_pdf(layout, [(group, number)], text), dpi)
    return _renders[key]


def plan_scan(rng: random.Random, dpi: int) -> Scan:
    """How one page is scanned; the special cases are noted in ``Scan.notes``."""
    s = Scan(dpi, seed=rng.getrandbits(32))
    s.turn = rng.choices((0, 180, 90, 270), (55, 25, 10, 10))[0]
    s.rotation = rng.uniform(-2.8, 2.8)
    s.shear, s.scale = rng.uniform(-0.4, 0.4), rng.uniform(0.97, 1.03)
    s.shift_mm = (rng.uniform(-2, 2), rng.uniform(-2, 2))
    s.margin_mm, s.lid = rng.uniform(2, 5), rng.choice((252, 245, 230, 200))
    s.noise = rng.uniform(0, 10) if rng.random() < 0.7 else 0.0
    s.blur = rng.uniform(0.3, 1.2) * dpi / 300 if rng.random() < 0.35 else 0.0
    if rng.random() < 0.5:
        s.light, s.light_angle = rng.uniform(0.05, 0.3), rng.uniform(0, 6.283)
    if rng.random() < 0.12:
        s.streaks = tuple((rng.uniform(0.05, 0.95), rng.randint(1, 4) * dpi // 300 + 1, rng.randint(30, 140))
                          for _ in range(rng.choice((1, 1, 2))))
    s.fmt = rng.choices(("jpeg", "png", "tiff", "pdf"), (75, 5, 10, 10))[0]
    s.quality = rng.randint(50, 90)
    special = rng.random()
    for name, share in (("rotation", 0.03), ("qr_heavy", 0.02), ("qr_light", 0.06), ("fold_small", 0.04),
                        ("fold_large", 0.02), ("fold_mid", 0.01), ("stranger", 0.02), ("no_qr", 0.01),
                        ("low_dpi", 0.01), ("cut", 0.03)):
        if special < share:
            s.notes.append(name)
            break
        special -= share
    if "rotation" in s.notes:
        s.rotation = rng.choice((-1, 1)) * rng.uniform(3.4, 7.0)
    if "qr_heavy" in s.notes or "qr_light" in s.notes:
        s.qr_damage = "heavy" if "qr_heavy" in s.notes else "light"
    for note, legs in (("fold_small", (2.5, 6.5)), ("fold_large", (13.5, 16.0)), ("fold_mid", (8.0, 12.0))):
        if note in s.notes:
            s.fold = (rng.randrange(4), rng.uniform(*legs), rng.choice((252, 60)))
    if "low_dpi" in s.notes:
        s.dpi = 110
    s.fit = "cut" not in s.notes          # a bed no larger than A4 + margin: a skewed page loses a corner
    return s


def _candidate_marks(rng: random.Random, layout: Layout) -> list[tuple[str, str, str]]:
    """(person, choice, style) of every mark a voter makes on one ballot."""
    boxes: dict[str, list[str]] = {}
    for p in layout.pages:
        for b in p.boxes:
            boxes.setdefault(b.person, []).append(b.choice)
    out = []
    for person, choices in boxes.items():
        agree = [c for c in choices if c.startswith("agree:")]
        suggest = [c for c in choices if c.startswith("suggest:")]
        meant = lambda: rng.choices(list(MARK_WEIGHTS), list(MARK_WEIGHTS.values()))[0]   # noqa: E731
        u = rng.random()
        if u < 0.12:
            if rng.random() < 0.33:
                out.append((person, rng.choice(choices), rng.choice(UNMEANT)))
        elif u < 0.92:
            target = rng.choice(agree) if rng.random() < 0.7 or not suggest else rng.choice(suggest)
            out.append((person, target, meant()))
            if rng.random() < 0.1:
                out.append((person, rng.choice([c for c in choices if c != target]), rng.choice(UNMEANT)))
        else:
            a, b = rng.sample(choices, 2)
            out += [(person, a, rng.choice(MEANT)), (person, b, rng.choice(MEANT))]
    return out


def make_ballot(seed: int, index: int, share: int = BALLOTS_PER_RENDER) -> Iterator[tuple[str, bytes, list[PageTruth]]]:
    """The files of ballot ``index``: one per page, and a blank back page now and then. ``share``
    consecutive ballots are printed alike (layout, group, number, resolution): rendering is slow. A
    stack for :meth:`app.scan.reader.Reader.read_folder` needs ``share=1`` (a number twice is refused)."""
    known_layouts()
    printed = index // share
    base = random.Random(f"{seed}-{printed}")
    layout_name = base.choice(("small", "medium", "medium", "wide", "long"))
    group, dpi = base.choice(GROUPS), base.choice((200, 300))
    number = f"{(printed * 480737 + seed * 104729) % 10 ** 6:06d}"      # distinct for distinct ``printed``
    rng = random.Random(f"{seed}:{index}")
    layout, text = _layouts[layout_name]
    marks = _candidate_marks(rng, layout)
    for p in layout.pages:
        scan = plan_scan(rng, dpi)
        name_ = "stranger" if "stranger" in scan.notes else layout_name
        lay = _layouts[name_][0]
        pl = lay.page(p.page) if name_ == layout_name else lay.pages[0]
        if scan.dpi == dpi:
            clean = _render(name_, group, number, dpi)[pl.page - 1].copy()
        else:
            clean = render_pages(ballot_pdf(lay, [(group, number)], _layouts[name_][1]), scan.dpi)[pl.page - 1]
        truth = PageTruth("", 1, "read", (), name_, group, number, pl.page, scan.dpi, notes=list(scan.notes))
        where = {(b.person, b.choice): b for b in pl.boxes}
        for b in pl.boxes:
            truth.boxes[f"{b.person}|{b.choice}"] = EMPTY
        for person, choice, style in marks:
            if (person, choice) in where:
                drawn = draw_mark(style, where[(person, choice)], scan.dpi, rng)
                apply_ink(clean, drawn)
                key = f"{person}|{choice}"
                truth.boxes[key] = _join(truth.boxes[key], drawn.truth)
                truth.styles[key] = style if key not in truth.styles else truth.styles[key] + "+" + style
                truth.shares[key] = float(drawn.share)
        fid = np.array([[float(x), float(y)] for x, y in lay.fiducials_mm])
        np_rng = np.random.default_rng(scan.seed)
        if scan.qr_damage:
            damage_qr(clean, scan, tuple(float(v) for v in lay.qr_mm), np_rng)
        if scan.fold:
            fold_corner(clean, scan)
        if "no_qr" in scan.notes:
            _blank_qr(clean, lay, scan.dpi)
        _expect(truth, scan, fid, clean.shape)
        image = scan_page(clean, scan)
        suffix, data = encode(image, scan)
        truth.name = f"b{index:05d}-p{p.page}{suffix}"
        yield truth.name, data, [truth]
        if rng.random() < 0.08:
            back = _back_page(rng, image.shape, clean if rng.random() < 0.5 else None, scan)
            back_scan = Scan(scan.dpi, fmt=scan.fmt, quality=scan.quality)
            suffix, data = encode(back, back_scan)
            name = f"b{index:05d}-p{p.page}-back{suffix}"
            yield name, data, [PageTruth(name, 1, "blank", ("blank",), dpi=scan.dpi, notes=["back"])]


def _join(old: str, new: str) -> str:
    """Two marks in one box: marked wins over everything, else either over empty."""
    if MARKED in (old, new):
        return MARKED
    return EITHER if EITHER in (old, new) else EMPTY


def _blank_qr(page: np.ndarray, layout: Layout, dpi: int) -> None:
    k = dpi / 25.4
    qx, qy, qs = (float(v) * k for v in layout.qr_mm)
    page[int(qy) - 3:int(qy + qs) + 3, int(qx) - 3:int(qx + qs) + 3] = 255


def _expect(truth: PageTruth, scan: Scan, fid: np.ndarray, shape: tuple[int, int]) -> None:
    notes = set(scan.notes)
    rotation = abs(expected_rotation(scan, fid, (shape[1], shape[0])))
    room = fiducial_room(scan, fid, (shape[1], shape[0]))
    if notes & {"qr_heavy", "no_qr"}:
        truth.expect, truth.codes = "reject", ("qr_unreadable",)
    elif "low_dpi" in notes:        # below what the reader promises: rejected, or read right
        truth.expect, truth.codes = "either", ("low_resolution", "qr_unreadable", "fiducial_missing", "alignment")
    elif "stranger" in notes:
        truth.expect, truth.codes = "reject", ("layout_unknown",)
    elif rotation > 3.1:
        truth.expect, truth.codes = "reject", ("rotation",)
    elif (scan.fold and fold_coverage(scan.fold[1]) >= 0.3) or room < 2.0:
        truth.expect, truth.codes = "reject", ("fiducial_missing", "alignment")
    elif rotation >= 2.9 or (scan.fold and fold_coverage(scan.fold[1]) > 0) or room < 5.5:
        truth.expect, truth.codes = "either", ("rotation", "fiducial_missing", "alignment")


def _back_page(rng: random.Random, shape: tuple[int, int], front: np.ndarray | None, scan: Scan) -> np.ndarray:
    """The back of a ballot: paper, noise, and (sometimes) the front showing through, mirrored and faint."""
    g = np.random.default_rng(rng.getrandbits(32))
    paper = rng.randint(225, 250)
    page = np.full(shape, paper, np.int16)
    if front is not None:
        from PIL import Image
        ghost = np.asarray(Image.fromarray(front[:, ::-1]).resize((shape[1], shape[0])))
        page -= ((255 - ghost.astype(np.int16)) * rng.uniform(0.04, 0.1)).astype(np.int16)
    page += (g.standard_normal((shape[0] // 4 + 1, shape[1] // 4 + 1)) * 3).astype(np.int16).repeat(4, 0) \
        .repeat(4, 1)[:shape[0], :shape[1]]
    return page.clip(0, 255).astype(np.uint8)


def write_corpus(folder: Path, ballots: int, seed: int = 17) -> int:
    """Write ``ballots`` ballots' files and ``truth.json`` into ``folder``; returns the pages written."""
    folder.mkdir(parents=True, exist_ok=True)
    truths = []
    for i in range(ballots):
        for name, data, pages in make_ballot(seed, i, share=1):
            (folder / name).write_bytes(data)
            truths += [asdict(t) for t in pages]
    (folder / "truth.json").write_text(json.dumps({"seed": seed, "pages": truths}, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    for name, (layout, _) in _layouts.items():
        if name != "stranger":
            (folder / f"layout-{name}.json").write_text(json.dumps(layout_json(layout), ensure_ascii=False),
                                                        encoding="utf-8")
    return len(truths)

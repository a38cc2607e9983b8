"""The tables of one campaign (一次竞争轮岗). Scores are stored as decimal *text*, never as floats.

Every table whose rows users enter is *audited*: each insert, update and delete writes an
``audit_log`` row carrying the row's full state, so ``verify`` can check that the latest logged
state of every row equals the stored one. Rows carry a ``version`` (optimistic locking): the
later of two concurrent writers gets a conflict, never a silent overwrite.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column


class Base(DeclarativeBase):
    pass


class Audited:
    """Mixin: rows of this table are logged and checked by ``verify``; ``version`` counts edits."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


class Meta(Audited, Base):
    """Campaign-wide facts: title, unit, 监督电话, the 监督组 password hash, modes."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class ChainHead(Base):
    """One row: the last audit entry's sequence number and hash. Updating it serialises writers."""

    __tablename__ = "chain_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


class AuditLog(Base):
    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32), nullable=False)           # ISO time, UTC
    operator: Mapped[str] = mapped_column(String(64), nullable=False)     # 录入人
    action: Mapped[str] = mapped_column(String(32), nullable=False)       # insert / update / delete / event
    entity: Mapped[str] = mapped_column(String(200), nullable=False)      # "table:key"
    old: Mapped[str | None] = mapped_column(Text)                         # canonical JSON of the row before
    new: Mapped[str | None] = mapped_column(Text)                         # canonical JSON of the row after
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


class SchemeRow(Audited, Base):
    """The campaign's scheme as the JSON of ``Scheme.to_json()`` (one row, id 1)."""

    __tablename__ = "scheme"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[str] = mapped_column(Text, nullable=False)


class Stage(Audited, Base):
    """draft → confirmed → locked → published, per stage of the 细则."""

    __tablename__ = "stages"
    stage: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    __table_args__ = (CheckConstraint("state in ('draft','confirmed','locked','published')"),)


class Post(Audited, Base):
    __tablename__ = "posts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    office: Mapped[str | None] = mapped_column(String(100))                # 科室
    seats: Mapped[int] = mapped_column(Integer, nullable=False, default=1)  # 科长职数
    headcount: Mapped[int | None] = mapped_column(Integer)                   # 核定人数 (two-way selection)
    sort: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Person(Audited, Base):
    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    rank: Mapped[str] = mapped_column(String(16), nullable=False)
    category: Mapped[str] = mapped_column(String(16), nullable=False)
    gender: Mapped[str | None] = mapped_column(String(8))
    birth: Mapped[str | None] = mapped_column(String(10))
    work_start: Mapped[str | None] = mapped_column(String(10))
    post_start: Mapped[str | None] = mapped_column(String(10))
    political: Mapped[str | None] = mapped_column(String(32))
    education: Mapped[str | None] = mapped_column(String(32))
    identity: Mapped[str | None] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(100))
    former_office: Mapped[str | None] = mapped_column(String(100))
    no_rotation: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    appraisal_1: Mapped[str | None] = mapped_column(String(16))
    appraisal_2: Mapped[str | None] = mapped_column(String(16))
    appraisal_3: Mapped[str | None] = mapped_column(String(16))
    sort: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # 交流轮岗 (migration 0005): 暂行办法 第七条–第十条 and the county speech's statistics
    speciality: Mapped[str | None] = mapped_column(String(8))        # 专业类别
    post_kind: Mapped[str | None] = mapped_column(String(16))        # 岗位性质
    bureau_leader: Mapped[bool | None] = mapped_column(Boolean)      # 局管领导干部
    leader_rank: Mapped[str | None] = mapped_column(String(8))       # 正职 / 副职
    reserve_cadre: Mapped[bool | None] = mapped_column(Boolean)      # 局管后备干部
    units_served: Mapped[int | None] = mapped_column(Integer)        # 任职单位数（含本单位）
    unit_start: Mapped[str | None] = mapped_column(String(10))       # 本单位工作时间
    duties: Mapped[str | None] = mapped_column(String(64))           # 负责工作 / 专职岗位
    exemption: Mapped[str | None] = mapped_column(String(64))        # 暂缓情形 (第八条、第十条)


class Score(Audited, Base):
    """One entered value of a person: ``exam``, ``exam:行测``, ``dem:de``, ``dem:de:优秀``,
    ``sat:present``, ``sat:dissatisfied``. Entered, then confirmed (Tabbycat-style)."""

    __tablename__ = "scores"
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), primary_key=True)
    item: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="entered")
    entered_by: Mapped[str] = mapped_column(String(64), nullable=False)
    confirmed_by: Mapped[str | None] = mapped_column(String(64))


class Declaration(Audited, Base):
    """§九 one round of one person: posts in the person's order, comma-joined."""

    __tablename__ = "declarations"
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), primary_key=True)
    round_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    posts: Mapped[str] = mapped_column(String(200), nullable=False)


class Judge(Audited, Base):
    __tablename__ = "judges"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    group: Mapped[str] = mapped_column(String(16), nullable=False)  # leaders / unit_heads / county_chiefs
    seat: Mapped[int] = mapped_column(Integer, nullable=False)      # 评委1…n on the sheets


class SpeechScore(Audited, Base):
    __tablename__ = "speech_scores"
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), primary_key=True)
    judge_id: Mapped[str] = mapped_column(ForeignKey("judges.id", ondelete="RESTRICT"), primary_key=True)
    value: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="entered")
    entered_by: Mapped[str] = mapped_column(String(64), nullable=False)
    confirmed_by: Mapped[str | None] = mapped_column(String(64))


class BlindEntry(Audited, Base):
    """Double-entry mode: a second operator's blind re-entry of any entry (``table:key``)."""

    __tablename__ = "blind_entries"
    entity: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(String(16), nullable=False)
    entered_by: Mapped[str] = mapped_column(String(64), nullable=False)


class Presence(Audited, Base):
    """§十一 voters of a group actually at the 定岗推荐 meeting."""

    __tablename__ = "presence"
    group: Mapped[str] = mapped_column(String(16), primary_key=True)
    present: Mapped[int] = mapped_column(Integer, nullable=False)


class RecCount(Audited, Base):
    """Count mode: recommendations of (person, post) by one voter group."""

    __tablename__ = "rec_counts"
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), primary_key=True)
    post_id: Mapped[str] = mapped_column(ForeignKey("posts.id", ondelete="RESTRICT"), primary_key=True)
    group: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="entered")
    entered_by: Mapped[str] = mapped_column(String(64), nullable=False)
    confirmed_by: Mapped[str | None] = mapped_column(String(64))


class Ballot(Audited, Base):
    """唱票 mode: one paper ballot. Marks: JSON {person: "agree" | "blank" | post id | "invalid"}.

    ``status``: ``valid`` (counted), ``void`` (作废 as a whole by the 监督组, SPEC §10: entered, counts in
    收回, recommends nobody) or ``discarded`` (taken back by the clerk, 撤销: not counted at all).
    ``ballot_no``: the printed 6-digit number (None: a paper the program did not number)."""

    __tablename__ = "ballots"
    serial: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    group: Mapped[str] = mapped_column(String(16), nullable=False)
    marks: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="valid")  # valid / void / discarded
    entered_by: Mapped[str] = mapped_column(String(64), nullable=False)
    ballot_no: Mapped[str | None] = mapped_column(String(6))


class BallotNumber(Audited, Base):
    """SPEC §10: a number printed on a 定岗推荐票 of a voter group — the set per group, never who got which."""

    __tablename__ = "ballot_numbers"
    number: Mapped[str] = mapped_column(String(6), primary_key=True)
    group: Mapped[str] = mapped_column(String(16), nullable=False)


class CountCheck(Audited, Base):
    """SPEC §11: a check of a closed count — a sampling audit (``sample``: the 监督组's seed and the
    sample size per group) or a blind re-entry of a whole group (``recount``)."""

    __tablename__ = "count_checks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)          # sample / recount
    group: Mapped[str | None] = mapped_column(String(16))                 # recount: the group
    seed: Mapped[str | None] = mapped_column(String(200))                 # sample: the audit seed
    plan: Mapped[str] = mapped_column(Text, nullable=False, default="{}")   # sample: JSON {group: {size, ballots, sample}}
    reason: Mapped[str | None] = mapped_column(Text)
    started_by: Mapped[str] = mapped_column(String(64), nullable=False)


class CheckEntry(Audited, Base):
    """One paper re-entered blind for a check, by its number (compared with the ballot entered)."""

    __tablename__ = "check_entries"
    check_id: Mapped[int] = mapped_column(ForeignKey("count_checks.id", ondelete="RESTRICT"), primary_key=True)
    ballot_no: Mapped[str] = mapped_column(String(6), primary_key=True)
    group: Mapped[str] = mapped_column(String(16), nullable=False)
    marks: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="valid")  # valid / void
    entered_by: Mapped[str] = mapped_column(String(64), nullable=False)


class Draw(Audited, Base):
    """A draw for one meeting; a redraw keeps the old one (``superseded`` with a reason)."""

    __tablename__ = "draws"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    meeting: Mapped[str] = mapped_column(String(32), nullable=False)
    method: Mapped[str] = mapped_column(String(8), nullable=False)  # program / paper
    seed: Mapped[str | None] = mapped_column(String(200))
    list_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    order: Mapped[str] = mapped_column(Text, nullable=False)        # JSON [[position, id, key], …]
    superseded: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reason: Mapped[str | None] = mapped_column(Text)


class SelectionChoice(Audited, Base):
    """§十五/§十六 双向选择: the 科室 (posts of their 科长) a 科员 or 事业人员 declared, in order."""

    __tablename__ = "selection_choices"
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), primary_key=True)
    phase: Mapped[str] = mapped_column(String(16), nullable=False)      # staff (科员) / business (事业人员)
    posts: Mapped[str] = mapped_column(String(200), nullable=False)     # comma-joined post ids


class SelectionPick(Audited, Base):
    """One 科长's move in one round: a pick, a keep of a former staff member, or a pass; both sign."""

    __tablename__ = "selection_picks"
    phase: Mapped[str] = mapped_column(String(16), primary_key=True)
    round_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[str] = mapped_column(ForeignKey("posts.id", ondelete="RESTRICT"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)         # pick / keep / pass
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    chief_signed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    person_signed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class SelectionPlacement(Audited, Base):
    """Placed outside the rounds: by the 领导组 (行政, and those who declined to compete) or back to
    the 原编制单位 (事业)."""

    __tablename__ = "selection_placements"
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), primary_key=True)
    placed_by: Mapped[str] = mapped_column(String(16), nullable=False)   # leaders / origin
    office: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)


class ScanPage(Audited, Base):
    """SPEC §12: one scanned page as read — file name and SHA-256 always; for a read page the ballot it
    belongs to (group, number, its page of the ballot, the layout digest) and every box's fill and the
    program's decision (``boxes``: ``fill:decision`` per box in the layout's order, e.g. ``0.412:m``).
    ``status``: entered / waiting / rejected / blank / second / set-aside (see :mod:`app.services.scanning`)."""

    __tablename__ = "scan_pages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    file: Mapped[str] = mapped_column(Text, nullable=False)              # the file's name (#2: a PDF's 2nd page)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)      # of the file as scanned
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    code: Mapped[str] = mapped_column(String(32), nullable=False, default="")     # a rejection's reason code
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    action: Mapped[str] = mapped_column(Text, nullable=False, default="")
    group: Mapped[str | None] = mapped_column(String(16))
    ballot_no: Mapped[str | None] = mapped_column(String(6))
    page: Mapped[int | None] = mapped_column(Integer)                     # the ballot's page (from the QR)
    digest: Mapped[str | None] = mapped_column(String(16))                # the layout's digest (from the QR)
    rotation: Mapped[str | None] = mapped_column(String(12))              # degrees, as read
    boxes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    marks: Mapped[str] = mapped_column(Text, nullable=False, default="{}")   # the page's marks as the reader gave them
    image_sha256: Mapped[str | None] = mapped_column(String(64))          # of the PNG kept in scan_images
    ballot_serial: Mapped[int | None] = mapped_column(Integer)            # the ballot record it became
    scanned_by: Mapped[str] = mapped_column(String(64), nullable=False)


class ScanImage(Base):
    """The aligned image (PNG) of a scanned page a person must look at. Not audited: a page is about
    0.3 MB and the audit log would hold each twice; the page's audited row carries the PNG's SHA-256,
    so the chain still fixes the image."""

    __tablename__ = "scan_images"
    page_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    png: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class ScanItem(Audited, Base):
    """SPEC §12: one candidate of one scanned ballot a person decides (a doubtful box, or marked in a way
    §3 calls invalid), then a second person confirms. Key ``group:number:person``."""

    __tablename__ = "scan_items"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    group: Mapped[str] = mapped_column(String(16), nullable=False)
    ballot_no: Mapped[str] = mapped_column(String(6), nullable=False)
    person_id: Mapped[str] = mapped_column(String(64), nullable=False)
    page_id: Mapped[int] = mapped_column(Integer, nullable=False)
    why: Mapped[str] = mapped_column(String(12), nullable=False)           # doubtful / invalid
    auto: Mapped[str] = mapped_column(String(80), nullable=False)          # the reader's mark
    decided: Mapped[str | None] = mapped_column(String(80))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[str | None] = mapped_column(String(32))
    confirmed_by: Mapped[str | None] = mapped_column(String(64))
    confirmed_at: Mapped[str | None] = mapped_column(String(32))


class ScanResolution(Audited, Base):
    """SPEC §12 two channels: the 监督组's decision on a difference between the keyed (唱票) and the
    scanned ballot of one number — the mark now on the record, and both channels' marks it settles."""

    __tablename__ = "scan_resolutions"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)       # group:number:person ("" person: the paper)
    group: Mapped[str] = mapped_column(String(16), nullable=False)
    ballot_no: Mapped[str] = mapped_column(String(6), nullable=False)
    person_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    keyed: Mapped[str] = mapped_column(String(80), nullable=False)
    scanned: Mapped[str] = mapped_column(String(80), nullable=False)
    mark: Mapped[str] = mapped_column(String(80), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    resolved_by: Mapped[str] = mapped_column(String(64), nullable=False)
    resolved_at: Mapped[str] = mapped_column(String(32), nullable=False)


AUDITED = (Meta, SchemeRow, Stage, Post, Person, Score, Declaration, Judge, SpeechScore, BlindEntry, Presence,
           RecCount, Ballot, Draw, SelectionChoice, SelectionPick, SelectionPlacement, BallotNumber, CountCheck,
           CheckEntry, ScanPage, ScanItem, ScanResolution)

"""``python -m app verify`` (SPEC §9): everything the file can say about itself, and what the 监督组's
password and printed 摘要码 add.

Checked, in order: SQLite integrity; schema objects the program did not create; the audit chain link
by link and its head; the data equal to the replay of the log; the stage-history rule (data of a stage
change only while the chain's own stage events say it is draft or confirmed; every lock, publication
and unlock carries a seal; stage moves follow the rules; the password verifier and seal salt are never
changed); every snapshot against its SHA-256 and its own recomputation. With the password: the
verifier, and every seal's HMAC. With printed codes: each against the chain head at its row.

A finding names the row, the seal or the code. :class:`CannotVerify` means the file cannot be checked
at all (exit 2); findings mean tampering (exit 1).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from sqlalchemy import Engine, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from ..core import seal as core_seal
from ..core.results import results_to_json
from ..core.snapshot import published_results, sha256_of
from ..core.stage_rules import (COUNT_ENTITY, COUNT_LABELS, DRAFT, EDITABLE, EVERY_STAGE, IMPORT_REASON, MOVES,
                                STAGE_LABELS, STATE_LABELS, WRITE_ONCE, count_move, stage_of_entity, state_of)
from ..models import inspection
from ..models.audit import GENESIS, canonical, entry_hash, replay_mismatches
from ..models.engine import is_url, make_engine
from ..models.migrate import head_revision, known_revision
from ..models.schema import AUDITED, AuditLog, ChainHead, Meta
from .store import StoreError, check_password

VERBS = {"insert": "新增", "update": "改动", "delete": "删除"}
MOVE_LABELS = {"lock": "锁定", "publish": "公布", "unlock": "解锁", "withdraw": "撤回公布"}


def _move_label(need: str) -> str:
    """A move needing a seal in words: a stage's (锁定 …) or the count's (结束计票 …)."""
    return MOVE_LABELS.get(need) or core_seal.ACTION_LABELS.get(need, need)


class CannotVerify(StoreError):
    """The file cannot be checked (not a campaign file, unreadable, corrupt, newer format): exit 2."""


@dataclass
class VerifyResult:
    rows: int = 0
    head: str = GENESIS
    findings: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    seals: int = 0
    structure_ok: bool = True     # integrity, schema, chain, head and replay (a faithful copy: backups)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def problems(self) -> tuple[str, ...]:     # the old VerifyReport's name
        return tuple(self.findings)


@dataclass
class _Seal:
    seq: int
    action: str
    stage: str
    n: int
    mac: str
    prev_hash: str
    kdf: str | None
    withdrawn: tuple[str, ...]


@dataclass
class _Pending:
    seq: int
    stage: str
    need: str


def _label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage)


def _state(state: str | None) -> str:
    return STATE_LABELS.get(state or "", "无记录")


def _meta_value(row_json: str | None) -> str | None:
    try:
        value = json.loads(row_json or "")
    except ValueError:
        return None
    return value.get("value") if isinstance(value, dict) else None


class _Replay:
    """One pass over the audit rows: the chain, the latest logged state of every row, the stage history."""

    def __init__(self, result: VerifyResult):
        self.r = result
        self.hashes: dict[int, str] = {}
        self.latest: dict[str, str | None] = {}
        self.states: dict[str, str] = {}
        self.pending: list[_Pending] = []
        self.seals: list[_Seal] = []
        self.carried: list[str] = []  # count states an import carried over (sealed in the file they came from)
        self.snapshots: list[tuple[int, str, str | None]] = []
        self.kdf: str | None = None
        self.sealing = False          # seals exist from the row that stores the seal salt on
        self.legacy_moves = 0         # stage moves made before that (a file of an older version)
        self.chain_ok = True
        self.found = 0
        self.prev = GENESIS
        self.count = 0

    def find(self, text: str) -> None:
        self.r.findings.append(text)
        self.found += 1

    def run(self, rows: Iterable[Sequence[Any]]) -> None:
        expected = 1
        for row in rows:
            seq, at, operator, action, entity, old, new, reason, prev_hash, digest = row
            if seq != expected:
                self.find(f"审计日志第 {expected} 条缺失（下一条为第 {seq} 条）")
                self.chain_ok = False
                return
            if prev_hash != self.prev:
                self.find(f"审计日志第 {seq} 条：与上一条的链接不符（上一条被改动或删除）")
                self.chain_ok = False
                return
            if entry_hash(prev_hash, seq, at, operator, action, entity, old, new, reason) != digest:
                self.find(f"审计日志第 {seq} 条：内容与其哈希不符（该条被改动）")
                self.chain_ok = False
                return
            self.count = seq
            self.hashes[seq] = digest
            self.row(seq, action, entity, old, new, prev_hash, reason)
            self.prev, expected = digest, seq + 1
        self.unsealed()

    # -- the stage-history rule -------------------------------------------------------------------

    def unsealed(self) -> None:
        for p in self.pending:
            self.find(f"审计日志第 {p.seq} 条：阶段“{_label(p.stage)}”{_move_label(p.need)}，没有监督组封签")
        self.pending = []

    def row(self, seq: int, action: str, entity: str, old: str | None, new: str | None, prev_hash: str,
            reason: str | None = None) -> None:
        if action == "event":
            if entity == "seal":
                self.seal(seq, new, prev_hash)
            elif entity.startswith("snapshot:"):
                stage = entity.removeprefix("snapshot:")
                if not any(p.need == "publish" and p.stage == stage for p in self.pending):
                    self.find(f"审计日志第 {seq} 条：“{_label(stage)}”的快照不是在公布时写入的")
                self.snapshots.append((seq, stage, new))
            elif self.pending:
                self.unsealed()
            return
        if entity.startswith("stages:"):
            self.stage_move(seq, action, entity.removeprefix("stages:"), old, new)
        else:
            if self.pending:
                self.unsealed()
            moved = count_move(entity, old, new)
            if moved is not None:
                before, after, need = moved
                if need is None:
                    self.find(f"审计日志第 {seq} 条：计票状态由“{COUNT_LABELS.get(before, before)}”直接改为"
                              f"“{COUNT_LABELS.get(after, after)}”（不合规定）")
                elif reason == IMPORT_REASON and not self.seals:
                    self.carried.append(f"第 {seq} 条：计票状态“{COUNT_LABELS.get(after, after)}”" if entity == COUNT_ENTITY
                                        else f"第 {seq} 条：监督组认可的差额")
                elif self.sealing:
                    self.pending.append(_Pending(seq, "recommendation", need))   # type: ignore[arg-type]
            stage = stage_of_entity(entity)
            verb = VERBS.get(action, action)
            if stage == EVERY_STAGE:
                frozen = [f"“{_label(s)}”{_state(v)}" for s, v in self.states.items() if v not in EDITABLE]
                if frozen:
                    self.find(f"审计日志第 {seq} 条：{'、'.join(frozen)}时方案被{verb}（阶段锁定后方案不能修改）")
            elif stage is not None and self.states.get(stage, DRAFT) not in EDITABLE:
                self.find(f"审计日志第 {seq} 条：“{_label(stage)}”{_state(self.states.get(stage))}时 {entity} 被{verb}"
                          "（只有草稿或已确认的阶段才能改动）")
            if entity in WRITE_ONCE and action != "insert":
                what = "监督组密码校验值" if entity.endswith("supervisor_password") else "封签密钥的盐值"
                self.find(f"审计日志第 {seq} 条：{what}被{verb}（程序从不改动它）")
        if entity == "meta:seal_kdf":
            self.kdf = _meta_value(new)
            self.sealing = True
        self.latest[entity] = new

    def stage_move(self, seq: int, action: str, stage: str, old: str | None, new: str | None) -> None:
        before, after = self.states.get(stage), state_of(new)
        if action == "insert":
            if after != DRAFT:
                self.find(f"审计日志第 {seq} 条：阶段“{_label(stage)}”建立时即为“{_state(after)}”")
        elif action == "delete":
            self.find(f"审计日志第 {seq} 条：阶段“{_label(stage)}”的记录被删除")
        else:
            if state_of(old) != before:
                self.find(f"审计日志第 {seq} 条：阶段“{_label(stage)}”记录的原状态“{_state(state_of(old))}”"
                          f"与此前日志“{_state(before)}”不符")
            move = (before or DRAFT, after or "")
            if move not in MOVES:
                self.find(f"审计日志第 {seq} 条：阶段“{_label(stage)}”由“{_state(before)}”直接改为“{_state(after)}”"
                          "（不合规定的阶段变动）")
            elif MOVES[move] and not self.sealing:
                self.legacy_moves += 1
            elif MOVES[move]:
                self.pending.append(_Pending(seq, stage, MOVES[move]))   # type: ignore[arg-type]
        if after is not None:
            self.states[stage] = after
        else:
            self.states.pop(stage, None)

    def seal(self, seq: int, new: str | None, prev_hash: str) -> None:
        try:
            d = json.loads(new or "")
            s = _Seal(seq, str(d["action"]), str(d.get("stage", "")), int(d["n"]), str(d["mac"]), prev_hash, self.kdf,
                      tuple(d.get("withdrawn") or ()))
        except (ValueError, KeyError, TypeError):
            self.find(f"审计日志第 {seq} 条：封签格式不对")
            self.pending = []
            return
        self.seals.append(s)
        if s.n != seq - 1:
            self.find(f"审计日志第 {seq} 条：封签所封的是第 {s.n} 条，而不是它前面的第 {seq - 1} 条")
        matched = False
        for p in self.pending:
            if p.need == s.action and p.stage == s.stage:
                matched = True
            elif not (p.need == "withdraw" and s.action == "unlock" and p.stage in s.withdrawn):
                self.find(f"审计日志第 {p.seq} 条：阶段“{_label(p.stage)}”{_move_label(p.need)}，"
                          f"其后的封签（第 {seq} 条）封的却是“{core_seal.ACTION_LABELS.get(s.action, s.action)}"
                          f" {_label(s.stage)}”")
        if s.action in ("lock", "publish", "unlock") and not matched:
            self.find(f"审计日志第 {seq} 条：封签（{core_seal.ACTION_LABELS[s.action]} {_label(s.stage)}）"
                      "没有对应的阶段变动")
        self.pending = []


# -- the whole check ----------------------------------------------------------------------------

def _audit_rows(session: Session) -> Iterable[Sequence[Any]]:
    cols = (AuditLog.seq, AuditLog.at, AuditLog.operator, AuditLog.action, AuditLog.entity, AuditLog.old,
            AuditLog.new, AuditLog.reason, AuditLog.prev_hash, AuditLog.hash)
    return session.execute(select(*cols).order_by(AuditLog.seq)).yield_per(2000)


def _stored_states(session: Session, tables: set[str] | None) -> dict[str, str]:
    """entity → the canonical state of every stored audited row, read with plain SQL so that a file of an older
    version (without the columns a later migration adds) is read as it is: the columns it has, but ``version``."""
    conn = session.connection()
    present = tables if tables is not None else None
    stored: dict[str, str] = {}
    for model in AUDITED:
        table = model.__table__
        if present is not None and table.name not in present:
            continue
        have = {c["name"] for c in sa_inspect(conn).get_columns(table.name)}
        cols = [c.name for c in table.columns if c.name != "version" and c.name in have]
        keys = [c.name for c in table.primary_key.columns]
        quote = conn.dialect.identifier_preparer.quote
        sql = f"SELECT {', '.join(quote(c) for c in cols)} FROM {quote(table.name)}"
        for row in conn.exec_driver_sql(sql).fetchall():
            values = dict(zip(cols, row))
            state = {c: int(v) if isinstance(v, bool) else v for c, v in values.items()}
            stored[f"{table.name}:{'|'.join(str(values[k]) for k in keys)}"] = canonical(state)
    return stored


def _replay_matches(session: Session, replay: _Replay, tables: set[str] | None) -> list[str]:
    return replay_mismatches(replay.latest, _stored_states(session, tables))


def _check_snapshots(replay: _Replay, result: VerifyResult, recompute: bool) -> None:
    from .snapshots import compute_frozen
    for seq, stage, new in replay.snapshots:
        try:
            d = json.loads(new or "")
            document, digest = d["document"], d["sha256"]
        except (ValueError, KeyError, TypeError):
            result.findings.append(f"审计日志第 {seq} 条：“{_label(stage)}”的快照格式不对")
            continue
        if sha256_of(document) != digest:
            result.findings.append(f"审计日志第 {seq} 条：“{_label(stage)}”的快照与其 SHA-256 不符（快照被改动）")
            continue
        if recompute:
            try:
                again = published_results(stage, results_to_json(compute_frozen(document["campaign"])))
            except (StoreError, KeyError, TypeError) as err:
                result.findings.append(f"审计日志第 {seq} 条：“{_label(stage)}”的快照无法重算（{err}）")
                continue
            if again != document.get("results"):
                result.findings.append(f"审计日志第 {seq} 条：“{_label(stage)}”快照中公布的数字与按其自身数据重算的不符")


def _check_password(session: Session, replay: _Replay, result: VerifyResult, password: str) -> None:
    stored = session.get(Meta, "supervisor_password")
    if stored is None or not check_password(password, stored.value):
        result.findings.append("监督组密码与文件中的密码校验值不符（密码输入有误，或校验值被替换）")
    keys: dict[str, bytes] = {}
    bad = 0
    for s in replay.seals:
        if s.kdf is None:
            result.findings.append(f"审计日志第 {s.seq} 条：封签之前文件中没有封签密钥的盐值，封签无法成立")
            continue
        try:
            key = keys.get(s.kdf) or keys.setdefault(s.kdf, core_seal.seal_key(password, s.kdf))
        except ValueError:
            result.findings.append(f"审计日志第 {s.seq} 条：封签密钥的盐值格式不对")
            continue
        if not core_seal.seal_valid(key, s.action, s.stage, s.n, s.prev_hash, s.mac):
            bad += 1
            what = f"{core_seal.ACTION_LABELS.get(s.action, s.action)} {_label(s.stage)}".strip()
            result.findings.append(f"审计日志第 {s.seq} 条封签（{what}，{core_seal.digest_code(replay.hashes[s.seq], s.seq)}）"
                                   "无效：不是用此监督组密码做的，或它所封的记录被改写过")
    if replay.seals and not bad:
        result.checked.append(f"封签 {len(replay.seals)} 个，均用监督组密码核对无误")
    elif not replay.seals:
        result.checked.append("文件中尚无封签")


def _check_printed(replay: _Replay, result: VerifyResult, printed: Sequence[core_seal.PrintedCode]) -> None:
    for code in printed:
        want = code.digits.lower()
        if code.n is not None:
            head = replay.hashes.get(code.n)
            if head is None:
                result.findings.append(f"摘要码 {code}：本文件的审计日志没有第 {code.n} 条（日志被删减，或不是那份文件）")
            elif not head.startswith(want):
                result.findings.append(f"摘要码 {code}：与本文件第 {code.n} 条的链头 {core_seal.code_digits(head)} 不符"
                                       f"（第 {code.n} 条或之前的记录被改写）")
            else:
                result.checked.append(f"摘要码 {code}：与第 {code.n} 条的链头一致")
        else:
            hit = next((n for n, h in replay.hashes.items() if h.startswith(want)), None)
            if hit is None:
                result.findings.append(f"摘要码 {code}：不是本文件审计日志任何一条的链头（日志被改写或删减，或不是那份文件）")
            else:
                result.checked.append(f"摘要码 {code}：与第 {hit} 条的链头一致")


def verify_session(session: Session, *, password: str | None = None,
                   printed: Sequence[core_seal.PrintedCode] = (), tables: set[str] | None = None,
                   recompute: bool = True, result: VerifyResult | None = None) -> VerifyResult:
    """The chain, the replay, the stage history, the snapshots, and the seals/codes when given."""
    result = result or VerifyResult()
    replay = _Replay(result)
    replay.run(_audit_rows(session))
    result.rows = replay.count
    result.head = replay.prev
    result.seals = len(replay.seals)
    if not replay.chain_ok:
        result.structure_ok = False
        _check_printed(replay, result, printed)
        return result
    head = session.get(ChainHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if (head_seq, head_hash) != (replay.count, replay.prev):
        result.structure_ok = False
        result.findings.append(f"审计日志末尾被删除或链头被改动：链头记录第 {head_seq} 条，日志实有 {replay.count} 条")
    else:
        result.checked.append(f"审计日志 {replay.count} 条，链完整；链头 {core_seal.digest_code(replay.prev, replay.count)}")
    mismatches = _replay_matches(session, replay, tables)
    result.findings.extend(mismatches)
    result.structure_ok = result.structure_ok and not mismatches
    if not mismatches:
        result.checked.append("数据与审计日志的重放一致")
    before = len(result.findings)
    _check_snapshots(replay, result, recompute)
    if len(result.findings) == before and not replay.found:
        result.checked.append(f"阶段记录：每项改动都在其阶段可改动时发生，锁定、公布、解锁均有封签"
                              f"（封签 {len(replay.seals)} 个，快照 {len(replay.snapshots)} 份）")
    if replay.carried:
        result.checked.append(f"{'；'.join(replay.carried)}：由导入竞岗文件带入（其封签在原文件中，请用原文件或其打印的摘要码核对）")
    if replay.legacy_moves:
        result.checked.append(f"其中 {replay.legacy_moves} 次阶段变动发生在封签启用之前（由旧版本程序记录，没有封签）")
    if password is not None:
        _check_password(session, replay, result, password)
    else:
        result.checked.append("封签未核对：未给出监督组密码（用 --password 核对）")
    _check_printed(replay, result, printed)
    return result


def verify_store(store: Any, *, password: str | None = None, printed: Sequence[core_seal.PrintedCode] = (),
                 recompute: bool = True) -> VerifyResult:
    """The full check of an open store (before every lock and publication, and 文件 → 校验): the quick
    integrity check and the schema objects as well (SQLite), then :func:`verify_session`, then the data
    of every published stage against its snapshot."""
    result = VerifyResult()
    _schema_checks(store.engine, result, integrity="quick_check")
    with store.read() as s:
        verify_session(s, password=password, printed=printed, recompute=recompute, result=result)
    if result.structure_ok:
        _published_data(store, result)
    return result


def _published_data(store: Any, result: VerifyResult) -> None:
    """SPEC §9 published means frozen: the data of every published stage (and of the stages it draws on)
    are still those its publication stored — a change rewritten into the log and rechained shows here."""
    from ..core.snapshot import snapshot_document
    from .campaign_io import export_campaign
    from .snapshots import _draws_export, latest_snapshot
    from .stages import stage_states
    try:
        states = stage_states(store)
        doc = export_campaign(store)
        doc["draws"] = _draws_export(store)
    except Exception as err:  # noqa: BLE001 - an older file's tables: say it was not checked
        result.checked.append(f"已公布阶段的数据未与快照比对（{err.__class__.__name__}）")
        return
    found = 0
    for stage, state in states.items():
        snap = latest_snapshot(store, stage) if state == "published" else None
        if snap is None:
            continue
        now = snapshot_document(stage, doc, None)["campaign"]
        if canonical(now) != canonical(snap.campaign):
            found += 1
            result.findings.append(f"“{_label(stage)}”已公布，但现在的数据与公布时的快照（审计日志第 {snap.seq} 条）不符："
                                   f"{_first_difference(snap.campaign, now)}")
    if not found:
        result.checked.append("已公布阶段的数据与公布时的快照一致")


def _first_difference(a: Any, b: Any, path: str = "") -> str:
    """Where two JSON values first differ, as ``path：公布时 … / 现在 …``."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if a.get(k) != b.get(k):
                return _first_difference(a.get(k), b.get(k), f"{path}.{k}" if path else str(k))
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    show = lambda v: json.dumps(v, ensure_ascii=False)[:60]  # noqa: E731
    return f"{path}：公布时 {show(a)}，现在 {show(b)}"


def _schema_checks(engine: Engine, result: VerifyResult, integrity: str) -> None:
    with engine.connect() as conn:
        dialect = engine.dialect.name

        def query(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
            if dialect != "sqlite":
                sql = sql.replace("?", "%s")
            return list(conn.exec_driver_sql(sql, tuple(params)).fetchall())

        if dialect == "sqlite":
            checked = [r[0] for r in query(f"PRAGMA {integrity}")]
            if checked != ["ok"]:
                raise CannotVerify("文件已损坏（SQLite 完整性检查未通过：" + "；".join(checked[:3]) + "）")
            result.checked.append("SQLite 完整性检查通过")
        found = inspection.schema_problems(query, dialect)
        result.findings.extend(found)
        result.structure_ok = result.structure_ok and not found
        if not found:
            result.checked.append("数据库中没有本程序以外的对象（触发器、视图、多余的表或索引）")


def verify_target(target: str, *, password: str | None = None,
                  printed: Sequence[core_seal.PrintedCode] = ()) -> VerifyResult:
    """``python -m app verify``: never writes to the file (opened read-only, never migrated)."""
    if is_url(target):
        engine = make_engine(target, read_only=True)
        try:
            result = VerifyResult()
            try:
                _schema_checks(engine, result, "quick_check")
                with Session(engine) as s:
                    verify_session(s, password=password, printed=printed, result=result)
                if result.structure_ok:
                    from .store import Store
                    _published_data(Store(engine, target, "verify", read_only=True), result)
                return result
            except CannotVerify:
                raise
            except Exception as err:  # noqa: BLE001 - the database could not be read: exit 2
                raise CannotVerify(f"无法读取 {target}：{err}") from None
        finally:
            engine.dispose()
    try:
        look = inspection.look(target, known_revision, integrity="integrity_check", refuse=False)
    except inspection.FileProblem as err:
        raise CannotVerify(str(err)) from None
    result = VerifyResult()
    result.checked.append("SQLite 完整性检查通过")
    if look.revision != head_revision():
        result.checked.append(f"文件数据版本 {look.revision}（较旧，核对时未作升级）")
    engine = make_engine(Path(target), read_only=True)
    try:
        with Session(engine) as s:
            found = inspection.schema_problems(_session_query(s), "sqlite", older=look.revision != head_revision())
            result.findings.extend(found)
            result.structure_ok = not found
            if not found:
                result.checked.append("数据库中没有本程序以外的对象（触发器、视图、多余的表或索引）")
            verify_session(s, password=password, printed=printed, tables=set(look.tables), result=result)
        if result.structure_ok and look.revision == head_revision():
            from .store import Store
            _published_data(Store(engine, str(target), "verify", read_only=True), result)
        return result
    except CannotVerify:
        raise
    except Exception as err:  # noqa: BLE001 - damage SQLite's check did not see: still not a traceback
        raise CannotVerify(f"{target} 无法读取（{err.__class__.__name__}：{err}）；文件未作任何改动") from None
    finally:
        engine.dispose()


def _session_query(session: Session):
    def query(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return list(session.connection().exec_driver_sql(sql, tuple(params)).fetchall())
    return query

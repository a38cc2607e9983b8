"""Sub-commands that need no window: ``compute``, ``draw``, ``audit-sample`` (more come with the store)."""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

from .core.audit_sample import AuditError, audit_order
from .core.campaign import CampaignError, JsonNumber, decode_json, parse_campaign
from .core.draw import DrawError, draw
from .core.results import compute, results_to_json

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def one_line(problem: str) -> str:
    """A problem as exactly one printable line: a line break, control character or lone surrogate
    quoted from the file is shown escaped (\\n, \\x00, \\ud800)."""
    return "".join(ch.encode("unicode_escape", "backslashreplace").decode("ascii")
                   if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") else ch for ch in problem)


SQLITE_MAGIC = b"SQLite format 3\x00"


def read_campaign_json(path: str, parse_float: Callable[[str], Any] = JsonNumber) -> Any:
    """The decoded JSON of a campaign file; CampaignError naming the file when it cannot be read. Numbers with
    a point stay exact and as written (:class:`JsonNumber`), for ``compute`` and ``import`` alike."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise CampaignError([f"{path}: 无法读取（找不到文件）"]) from None
    except IsADirectoryError:
        raise CampaignError([f"{path}: 无法读取（是文件夹，不是竞岗文件）"]) from None
    except PermissionError:
        raise CampaignError([f"{path}: 无法读取（没有读取权限）"]) from None
    except OSError as exc:
        raise CampaignError([f"{path}: 无法读取（{exc.strerror or exc}）"]) from None
    if raw.startswith(SQLITE_MAGIC):
        raise CampaignError([f"{path}: 是竞岗数据文件（.db），不是竞岗文件（JSON）；请先导出："
                             f"python -m app export {path} --json 竞岗文件.json，再 compute 竞岗文件.json"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CampaignError([f"{path}: 不是 UTF-8 文本（第 {exc.start} 字节）"]) from None
    return decode_json(text, parse_float)


def run_compute(path: str, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """SPEC §8: results JSON on stdout (exit 0), or one line per problem on stderr (exit 2)."""
    try:
        campaign = parse_campaign(read_campaign_json(path))
    except CampaignError as exc:
        for problem in exc.problems:
            print(one_line(problem), file=err)
        return EXIT_BAD_INPUT
    document = results_to_json(compute(campaign))
    out.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
    return EXIT_OK


def run_draw(seed: str, meeting: str, ids: Sequence[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """SPEC §5: ``list_digest <hex>`` then ``<position> <id> <key>`` per candidate."""
    try:
        result = draw(seed, meeting, list(ids))
    except DrawError as exc:
        print(str(exc), file=err)
        return EXIT_BAD_INPUT
    out.write("\n".join(result.lines()) + "\n")
    return EXIT_OK


def run_audit_sample(seed: str, meeting: str, group: str, numbers: Sequence[str], out: TextIO = sys.stdout,
                     err: TextIO = sys.stderr) -> int:
    """SPEC §11: ``<position> <number> <ticket>`` per ballot, smallest ticket first (the first s are the sample)."""
    try:
        result = audit_order(seed, meeting, group, list(numbers))
    except AuditError as exc:
        print(str(exc), file=err)
        return EXIT_BAD_INPUT
    out.write("\n".join(result.lines()) + "\n")
    return EXIT_OK


def _store_errors():
    from .services.store import StoreError
    return StoreError


def run_verify(target: str, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Exit 0 when the audit chain and the data agree, 1 naming the first broken row, 2 when unreadable."""
    from .services.store import Store
    try:
        store = Store.open(target, operator="verify")
    except _store_errors() as exc:
        print(str(exc), file=err)
        return EXIT_BAD_INPUT
    try:
        report = store.verify()
    finally:
        store.close()
    if report.ok:
        print(f"审计日志 {report.rows} 行，链完整，数据与日志一致", file=out)
        return EXIT_OK
    for problem in report.problems:
        print(problem, file=out)
    return 1


def run_import(path: str, db: str, operator: str, password: str | None, title: str | None,
               out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """A campaign file into a new store (SQLite file or PostgreSQL URL); all or nothing: a refused file
    creates no file (SQLite), and one refused while writing is removed again."""
    import os
    from .services.campaign_io import check_campaign_file, import_campaign
    from .services.store import Store, StoreError, remove_sqlite
    try:
        # Numbers with a point are kept as typed ("82.50") and are numbers, not text (a name written 1.5 is
        # refused as compute refuses it); everything is checked before anything is created.
        data = read_campaign_json(path)
        check_campaign_file(data)
    except CampaignError as exc:
        for problem in exc.problems:
            print(one_line(problem), file=err)
        return EXIT_BAD_INPUT
    assert isinstance(data, dict)   # check_campaign_file refuses anything else
    password = password or os.environ.get("JINGGANG_SUPERVISOR_PASSWORD")
    if not password:
        print("请用 --password 或环境变量 JINGGANG_SUPERVISOR_PASSWORD 给出监督组密码", file=err)
        return EXIT_BAD_INPUT
    created = False
    try:
        store = Store.create(db, title=title or str(data.get("title") or Path(path).stem), unit=str(data.get("unit") or ""),
                             supervisor_password=password, operator=operator)
        created = True
        try:
            import_campaign(store, data)
        finally:
            store.close()
    except (CampaignError, StoreError) as exc:
        for problem in exc.problems if isinstance(exc, CampaignError) else str(exc).split("\n"):
            print(one_line(problem), file=err)
        if created and "://" not in db:
            remove_sqlite(db)
        return EXIT_BAD_INPUT
    except BaseException:   # a fault of the program: no half-made file is left behind either
        if created and "://" not in db:
            remove_sqlite(db)
        raise
    print(f"已导入 {len(data.get('people') or [])} 人、{len(data.get('posts') or [])} 个岗位到 {db}", file=out)
    return EXIT_OK


def run_export(db: str, json_path: str, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    from .services.campaign_io import export_campaign
    from .services.store import Store
    try:
        store = Store.open(db, operator="export")
    except _store_errors() as exc:
        print(str(exc), file=err)
        return EXIT_BAD_INPUT
    try:
        doc = export_campaign(store)
    finally:
        store.close()
    Path(json_path).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"已导出到 {json_path}", file=out)
    return EXIT_OK

"""Sub-commands that need no window: ``compute``, ``draw``, ``audit-sample``, ``verify``, ``import``, ``export``."""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

from .core.audit_sample import AuditError, audit_order
from .core.campaign import MAX_FILE_BYTES, CampaignError, JsonNumber, decode_json, parse_campaign, size_problems
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
    """The decoded JSON of a campaign file; CampaignError naming the file when it cannot be read, or when it
    is far too big to be a campaign (bytes before reading, list lengths after decoding: refused in a second,
    not after minutes and gigabytes). Numbers with a point stay exact and as written (:class:`JsonNumber`),
    for ``compute`` and ``import`` alike."""
    try:
        size = Path(path).stat().st_size
        if size > MAX_FILE_BYTES and Path(path).is_file():
            raise CampaignError([f"{path}: 文件有 {size / 2**20:.1f} MB，超过竞岗文件的上限 "
                                 f"{MAX_FILE_BYTES // 2**20} MB（请检查是否选错了文件）"])
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
    data = decode_json(text, parse_float)
    if too_big := size_problems(data):
        raise CampaignError([f"{path}: {line}" for line in too_big])
    return data


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


EXIT_TAMPERED = 1


def run_verify(target: str, password: str | None = None, printed: Sequence[str] = (),
               out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """SPEC §9: exit 0 when every check passes, 1 with one line per finding (tampering), 2 when the file
    cannot be checked. The file is opened read-only: nothing is written to it, ever."""
    from .core.seal import parse_printed
    from .services.verify import CannotVerify, verify_target
    codes = []
    for text in printed:
        try:
            codes.append(parse_printed(text))
        except ValueError as exc:
            print(str(exc), file=err)
            return EXIT_BAD_INPUT
    try:
        result = verify_target(target, password=password, printed=codes)
    except CannotVerify as exc:
        print(one_line(str(exc)) if "\n" not in str(exc) else str(exc), file=err)
        return EXIT_BAD_INPUT
    except _store_errors() as exc:
        print(str(exc), file=err)
        return EXIT_BAD_INPUT
    if result.ok:
        for line in result.checked:
            print(line, file=out)
        print("核对通过：链完整，数据与日志一致" + ("，封签有效" if password is not None else ""), file=out)
        return EXIT_OK
    print(f"发现 {len(result.findings)} 处问题（文件可能在程序之外被改动）：", file=out)
    for problem in result.findings:
        print(one_line(problem), file=out)
    return EXIT_TAMPERED


def run_import(path: str, db: str, operator: str, password: str | None, title: str | None,
               out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """A campaign file into a new store (SQLite file or PostgreSQL URL); all or nothing. A new SQLite
    file is built under a temporary name in the target's folder and renamed when complete, so the target
    name never holds a half-made file (a killed import leaves only the hidden temporary one)."""
    import os
    from . import files
    from .services.campaign_io import check_campaign_file, import_campaign
    from .services.store import Store, StoreError, settle_sqlite
    if "://" not in db and Path(db).exists():
        print(f"文件 {db} 已存在，不能覆盖；请换一个文件名", file=err)
        return EXIT_BAD_INPUT
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
    target = db if "://" in db else str(files.temp_beside(db))
    created = False
    try:
        store = Store.create(target, title=title or str(data.get("title") or Path(path).stem),
                             unit=str(data.get("unit") or ""), supervisor_password=password, operator=operator)
        created = True
        try:
            import_campaign(store, data)
        finally:
            store.close()
        if target != db:
            settle_sqlite(target)               # one self-contained file (no WAL side files) to rename
            files.publish(target, db, replace=False)
    except files.TargetExists:
        print(f"文件 {db} 已存在，不能覆盖；请换一个文件名", file=err)
        return EXIT_BAD_INPUT
    except (CampaignError, StoreError) as exc:
        for problem in exc.problems if isinstance(exc, CampaignError) else str(exc).split("\n"):
            print(one_line(problem), file=err)
        if created and target != db:
            files.remove_temp(target)
        return EXIT_BAD_INPUT
    except BaseException:   # a fault of the program: no half-made file is left behind either
        if created and target != db:
            files.remove_temp(target)
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
    from . import files
    try:
        doc = export_campaign(store)
    finally:
        store.close()
    try:
        files.write_text(json_path, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    except OSError as exc:
        print(f"{json_path}: 无法写入（{exc.strerror or exc}）", file=err)
        return EXIT_BAD_INPUT
    print(f"已导出到 {json_path}", file=out)
    return EXIT_OK

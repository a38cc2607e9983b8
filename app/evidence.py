"""``python -m app evidence FILE.db --out DIR``: the evidence package the 监督组 keep (issue 14, SPEC §9).

The folder holds everything needed to re-check the 公示 years later on any computer with Python, without
this program:

- ``campaign.json`` — the campaign file (SPEC §8) with every ballot record;
- ``audit.jsonl`` — the audit log, one row per line, every field (the chain can be recomputed);
- ``snapshots/`` — every snapshot a publication stored (``<seq>-<stage>.json``: seq, stage, sha256, document);
- ``sheets/`` — the PDFs of the sheets whose stages are published, and the 封签记录;
- ``verify_evidence.py`` — one file, standard library only: recomputes the chain, heads and seals and every
  published number (``python -I verify_evidence.py``, see its docstring);
- ``MANIFEST.sha256`` — the SHA-256 of every other file (``sha256sum -c MANIFEST.sha256`` checks it too).

The file is opened read-only (never changed). The folder is built under a temporary name beside ``DIR`` and
renamed when complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import TextIO

from . import files

EXIT_OK, EXIT_BAD_INPUT = 0, 2
VERIFIER = Path(__file__).with_name("verify_evidence.py")

README = """竞岗考评证据包
==============

本文件夹由 python -m app evidence 生成，供监督组留存和日后核对。

  campaign.json        竞岗文件（人员、岗位、分数、报岗、评委评分、每一张定岗推荐票……）
  audit.jsonl          审计日志，每行一条：谁、何时、改了什么（原值、新值）、理由、哈希链
  snapshots/           每次公布时保存的快照（公布的每一个数字及其所依据的数据），文件名为审计日志条目号和阶段
  sheets/              已公布阶段的公示表 PDF，以及封签记录
  verify_evidence.py   独立核对程序，只用 Python 标准库，不需要竞岗考评程序
  MANIFEST.sha256      以上每个文件的 SHA-256

核对（在任何装有 Python 3.10 以上的电脑上，在本文件夹中）：

  python -I verify_evidence.py
  python -I verify_evidence.py --password 监督组密码
  python -I verify_evidence.py --printed 3F2A-91C0-7B44-E1D9@812   （公示表、封签记录或大屏上记下的摘要码）

全部相符时退出码为 0，并列出核对了什么；否则退出码为 1，并逐条说明哪里不符。
"""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _dump(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_package(store, folder: Path, err: TextIO = sys.stderr) -> list[str]:
    """Write the package's files into ``folder`` (which exists and is empty); returns the sheets printed."""
    from sqlalchemy import select

    from .models.schema import AuditLog
    from .reports import SHEET, SHEETS
    from .services.campaign_io import export_campaign
    from .services.report_data import build_pdf
    from .services.snapshots import all_snapshots
    from .services.stages import stage_states
    from .services.store import StoreError

    _dump(folder / "campaign.json", export_campaign(store))
    with store.read() as s, (folder / "audit.jsonl").open("w", encoding="utf-8") as fh:
        for row in s.execute(select(AuditLog).order_by(AuditLog.seq)).scalars().yield_per(2000):
            fh.write(json.dumps({"seq": row.seq, "at": row.at, "operator": row.operator, "action": row.action,
                                 "entity": row.entity, "old": row.old, "new": row.new, "reason": row.reason,
                                 "prev_hash": row.prev_hash, "hash": row.hash}, ensure_ascii=False) + "\n")
    (folder / "snapshots").mkdir()
    for snap in all_snapshots(store):
        _dump(folder / "snapshots" / f"{snap.seq:06d}-{snap.stage}.json",
              {"seq": snap.seq, "stage": snap.stage, "sha256": snap.sha256, "document": snap.document})
    (folder / "sheets").mkdir()
    states = stage_states(store)
    printed = []
    for title, entry in SHEETS.items():
        if entry.kind != SHEET or any(states.get(s) != "published" for s in entry.needs):
            continue
        try:
            build_pdf(store, title, folder / "sheets" / f"{title}.pdf")
            printed.append(title)
        except StoreError as exc:
            print(f"未生成“{title}”：{str(exc).splitlines()[0]}", file=err)
    shutil.copyfile(VERIFIER, folder / "verify_evidence.py")
    (folder / "README.txt").write_text(README, encoding="utf-8")
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    (folder / "MANIFEST.sha256").write_text("".join(f"{_sha256(folder / n)}  {n}\n" for n in names), encoding="utf-8")
    return printed


def run_evidence(db: str, out: str, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    from .services.store import Store, StoreError
    target = Path(out)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        print(f"{out} 已存在且不是空文件夹，不能覆盖；请换一个文件夹名", file=stderr)
        return EXIT_BAD_INPUT
    try:
        store = Store.open(db, operator="证据包", read_only=True)
    except StoreError as exc:
        print(str(exc), file=stderr)
        return EXIT_BAD_INPUT
    tmp = files.temp_beside(target)
    try:
        tmp.mkdir(parents=True)
        printed = write_package(store, tmp, stderr)
        for path in tmp.rglob("*"):
            if path.is_file():
                files.fsync_file(path)
        if target.exists():
            target.rmdir()              # an empty folder the user made for it
        os.rename(tmp, target)
        files.fsync_dir(target.parent)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"{out}: 无法写入（{exc.strerror or exc}）", file=stderr)
        return EXIT_BAD_INPUT
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        store.close()
    print(f"已生成证据包 {out}：竞岗文件、审计日志、{len(list((target / 'snapshots').iterdir()))} 份公布快照、"
          f"{len(printed)} 张公示表（{'、'.join(printed) or '无'}）和 verify_evidence.py", file=stdout)
    print(f"核对：cd {out} && python -I verify_evidence.py", file=stdout)
    return EXIT_OK

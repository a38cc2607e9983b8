"""Benchmark (not a test): oversized files are refused fast and in little memory (issue 14).

Makes, in a temporary folder:

  (a) a roster workbook of 400,000 rows (about 5 MB), refused by ``import_roster_xlsx`` (文件 → 导入人员名单);
  (b) a campaign file of 20,000 people (the demo generator, about 13 MB), refused by ``python -m app compute``
      and by ``python -m app import``;
  (c) the same 20,000 people with only id, name and rank (about 1.2 MB, under the byte limit), refused by
      ``python -m app import`` on the people count;
  (d) a campaign file just under the byte limit whose last person has a bad score (every check runs), refused
      by ``python -m app import``.

Each refusal runs in a fresh interpreter (interpreter start included) and reports its wall time and the peak
resident memory of that process (``ru_maxrss``). Goal: every refusal within 5 s and under 500 MB.

    python benchmarks/bench_limits.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_S, GOAL_MB = 5.0, 500.0

# In the child: run one refusal, then print its peak memory (ru_maxrss, KiB on Linux).
CHILD = """
import resource, sys, runpy
kind, args = sys.argv[1], sys.argv[2:]
code = 0
if kind == "roster":
    from app.services.store import Store, StoreError
    from app.services.excel import import_roster_xlsx
    store = Store.create(args[1], title="t", unit="u", supervisor_password="abcd", operator="基准")
    try:
        import_roster_xlsx(store, args[0])
    except StoreError as err:
        print(str(err).splitlines()[-1], file=sys.stderr)
        code = 2
else:
    from app.__main__ import main
    code = main(args)
print("PEAK_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""

SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
              'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')


def big_workbook(path: Path, rows: int) -> None:
    """A minimal .xlsx (inline strings) whose one sheet has a header and ``rows`` rows of 编号, 姓名."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook'
        '.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="人员名单" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
        'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(SHEET_HEAD.encode())
            fh.write('<row r="1"><c r="A1" t="inlineStr"><is><t>编号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名'
                     '</t></is></c><c r="C1" t="inlineStr"><is><t>职级</t></is></c></row>'.encode())
            chunk = []
            for r in range(2, rows + 2):
                chunk.append(f'<row r="{r}"><c r="A{r}"><v>{100000 + r}</v></c><c r="B{r}" t="inlineStr"><is><t>人员'
                             f'{r}</t></is></c></row>')
                if len(chunk) == 5000:
                    fh.write("".join(chunk).encode())
                    chunk = []
            fh.write(("".join(chunk) + "</sheetData></worksheet>").encode())


def campaign_files(folder: Path, people: int = 20000, near: int = 3000) -> dict[str, Path]:
    from app.core.campaign import MAX_FILE_BYTES
    from app.demo import generate_campaign
    doc = generate_campaign(people=people, posts=200, seed=1)
    full = folder / "people20000.json"
    full.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    slim = dict(doc, people=[{k: p[k] for k in ("id", "name", "rank")} for p in doc["people"]])
    slim.pop("speech", None)
    slim.pop("recommendation", None)
    lean = folder / "people20000-slim.json"
    lean.write_text(json.dumps(slim, ensure_ascii=False), encoding="utf-8")
    # just under the byte limit, within every count limit, with one bad score at the very end
    near = generate_campaign(people=near, posts=100, seed=2)
    near["people"][-1]["exam"] = "101"
    text = json.dumps(near, ensure_ascii=False)
    pad = MAX_FILE_BYTES - len(text.encode("utf-8")) - 64
    if pad > 0:
        near["padding"] = "x" * pad                   # an unknown key: ignored by readers, but read
        text = json.dumps(near, ensure_ascii=False)
    edge = folder / "near-limit.json"
    edge.write_text(text, encoding="utf-8")
    return {"full": full, "slim": lean, "near": edge}


TIME = Path("/usr/bin/time")


def refuse(kind: str, *args: str) -> dict:
    """One refusal in a fresh interpreter. Its peak memory comes from ``/usr/bin/time`` when there is one (a
    child's own ``ru_maxrss`` can carry its parent's peak across ``exec`` on Linux), else from the child."""
    command = [sys.executable, "-c", CHILD, kind, *args]
    if TIME.exists():
        command = [str(TIME), "-f", "TIME_KB %M", *command]
    t0 = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    seconds = time.perf_counter() - t0
    lines = proc.stderr.strip().splitlines()
    peak = next((int(x.split()[1]) for x in lines if x.startswith("TIME_KB")),
                next((int(x.split()[1]) for x in lines if x.startswith("PEAK_KB")), 0)) / 1024
    lines = [x for x in lines if not x.startswith(("TIME_KB", "Command exited"))]
    message = next((x for x in lines if not x.startswith("PEAK_KB")), "")
    return {"seconds": seconds, "peak_mb": peak, "exit": proc.returncode, "message": message[:160]}


def measure(rows: int = 400_000, people: int = 20000, near: int = 3000) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = folder / "roster400k.xlsx"
        big_workbook(book, rows)
        files = campaign_files(folder, people, near)
        sizes = {"roster_mb": book.stat().st_size / 2**20,
                 **{f"{k}_mb": p.stat().st_size / 2**20 for k, p in files.items()}}
        cases = {
            "roster_400k_rows": refuse("roster", str(book), str(folder / "r.db")),
            "compute_20000_people": refuse("cli", "compute", str(files["full"])),
            "import_20000_people": refuse("cli", "import", str(files["full"]), "--db", str(folder / "a.db"),
                                          "--password", "abcd"),
            "import_20000_slim": refuse("cli", "import", str(files["slim"]), "--db", str(folder / "b.db"),
                                        "--password", "abcd"),
            "import_near_limit": refuse("cli", "import", str(files["near"]), "--db", str(folder / "c.db"),
                                        "--password", "abcd"),
        }
    return {"rows": rows, "people": people, "near": near, "sizes": sizes, "cases": cases}


def main() -> int:
    figures = measure()
    print("sizes:", ", ".join(f"{k} {v:.1f}" for k, v in figures["sizes"].items()))
    ok = True
    for name, c in figures["cases"].items():
        met = c["exit"] == 2 and c["seconds"] < GOAL_S and c["peak_mb"] < GOAL_MB
        ok &= met
        print(f"{name:24s} exit {c['exit']}  {c['seconds']:.2f} s  peak {c['peak_mb']:.0f} MB  "
              f"{'ok' if met else 'NOT MET'}  {c['message']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

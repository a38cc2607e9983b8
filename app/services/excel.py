"""Excel in and out of the store: the roster template/export, the roster import, the results workbook."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .campaign_io import compute_results
from .results_excel import export_results
from .roster import import_people, list_people
from .roster_excel import MAX_PEOPLE, STORED_APPRAISALS, RosterImportError, read_roster, write_roster_template
from .stages import stage_states
from .store import Changed, Store, StoreError


def import_roster_xlsx(store: Store, path: str | Path) -> Changed:
    """All-or-nothing: every problem by sheet, row and column; nothing stored on any problem."""
    try:
        people = read_roster(path, store.scheme())
    except RosterImportError as err:
        raise StoreError("人员名单未导入，请改正以下问题后重新导入：\n" + "\n".join(str(p) for p in err.problems)) from None
    except (OSError, ValueError, KeyError) as err:
        raise StoreError(f"无法读取 {path}：{err}") from None
    if not people:
        raise StoreError(f"{path} 中没有人员")
    if len(people) > MAX_PEOPLE:
        raise StoreError(f"人员名单未导入：共 {len(people)} 人，超过上限 {MAX_PEOPLE} 人（请检查是否选错了文件）")
    if more := [p for p in people if len(p.appraisal) > STORED_APPRAISALS]:   # a scheme may take up to 5 years
        raise StoreError(f"人员名单未导入：人员名单只能保存 {STORED_APPRAISALS} 年的考核分，"
                         f"{more[0].name}（{more[0].id}）等 {len(more)} 人有 {len(more[0].appraisal)} 年")
    return import_people(store, people, reason=f"导入人员名单 {Path(path).name}")


def export_roster_xlsx(store: Store, path: str | Path) -> None:
    """The roster as the import template, filled in (imports back unchanged)."""
    write_roster_template(path, [p for p, _ in list_people(store)])


def export_roster_template(path: str | Path) -> None:
    write_roster_template(path)


def export_results_xlsx(store: Store, path: str | Path, printed: str | None = None) -> None:
    """Every stage's results; the sheets of stages not yet published are marked 草稿（未公布）."""
    campaign, results = compute_results(store)
    info = store.info()
    published = {stage for stage, state in stage_states(store).items() if state == "published"}
    export_results(path, campaign, results, unit=info.unit, title=info.title, published=published,
                   printed=printed if printed is not None else datetime.now().strftime("%Y-%m-%d %H:%M"))

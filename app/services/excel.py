"""Excel in and out of the store: the roster template/export, the roster import, the results workbook."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .campaign_io import compute_results
from .results_excel import export_results
from .roster import list_people
from .roster_excel import write_roster_template
from .roster_import import apply_roster_import, plan_roster_import
from .stages import stage_states
from .store import Changed, Store, Wrote


def import_roster_xlsx(store: Store, path: str | Path) -> Wrote:
    """All-or-nothing, without a preview (the command line, tests): every problem by sheet, row and column,
    nothing stored on any problem; 职级 words not mapped yet refuse it (RankWordsNeeded). The program's
    window previews first (:mod:`app.ui.roster_import`)."""
    plan = plan_roster_import(store, path)
    if plan.nothing_to_do:
        return Wrote(Changed.NONE, label=f"{Path(path).name} 与名单完全一致")
    return apply_roster_import(store, plan)


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

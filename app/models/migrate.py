"""Schema migrations (Alembic), run on open after a backup copy; a newer file is refused.

Opening a file that is already current must not cost Alembic's import (about 90 ms of the start):
the stored revision is one ``SELECT`` and the known revisions are read from the ``revision = …`` /
``down_revision = …`` lines of the migration scripts. Alembic itself is imported only to upgrade.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
_ASSIGN = re.compile(r"""^(revision|down_revision)\s*(?::[^=]*)?=\s*['"]?([\w-]*)['"]?\s*$""", re.MULTILINE)


class NewerFileError(RuntimeError):
    """The file was written by a newer version of the program."""


def alembic_config(engine: Engine) -> "Config":
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


@lru_cache(maxsize=1)
def known_revisions() -> tuple[frozenset[str], str]:
    """Every revision the program's scripts define, and the head (the one no script revises)."""
    revisions: dict[str, str | None] = {}
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_ASSIGN.findall(script.read_text(encoding="utf-8")))
        if found.get("revision"):
            revisions[found["revision"]] = found.get("down_revision") or None
    heads = set(revisions) - {down for down in revisions.values() if down}
    if len(heads) != 1:   # pragma: no cover - a packaging fault, caught by the tests
        raise RuntimeError(f"migration scripts have {len(heads)} heads: {sorted(heads)}")
    return frozenset(revisions), heads.pop()


def head_revision() -> str:
    return known_revisions()[1]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def known_revision(revision: str) -> bool:
    """Whether this program knows the schema revision (a newer program's file: False)."""
    return revision in known_revisions()[0]


def needs_upgrade(engine: Engine) -> bool:
    """True when the file is older than this program; raises NewerFileError when it is newer."""
    current = current_revision(engine)
    known, head = known_revisions()
    if current is not None and current not in known:
        raise NewerFileError(current)
    return current != head


def upgrade(engine: Engine) -> None:
    from alembic import command
    command.upgrade(alembic_config(engine), "head")

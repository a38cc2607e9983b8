"""Schema migrations (Alembic), run on open after a backup copy; a newer file is refused."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


class NewerFileError(RuntimeError):
    """The file was written by a newer version of the program."""


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revision(revision: str) -> bool:
    """Whether this program knows the schema revision (a newer program's file: False)."""
    try:
        return ScriptDirectory(str(MIGRATIONS)).get_revision(revision) is not None
    except Exception:
        return False


def needs_upgrade(engine: Engine) -> bool:
    """True when the file is older than this program; raises NewerFileError when it is newer."""
    current = current_revision(engine)
    script = ScriptDirectory(str(MIGRATIONS))
    if current is not None:
        try:
            script.get_revision(current)
        except Exception:
            raise NewerFileError(current) from None
    return current != script.get_current_head()


def upgrade(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "head")

"""Store fixtures for the service tests: an SQLite file per test, and a target on either backend.

``store_target`` runs a test once on SQLite and once on PostgreSQL. The PostgreSQL run needs
``JINGGANG_TEST_PG_URL`` (``postgresql+psycopg://user:pass@127.0.0.1:PORT/db``, a role allowed to
create databases; ``.ci/run`` starts such a server): every test gets a database of its own,
created through an admin connection to that URL and dropped afterwards, so tests stay
independent. Without the URL the PostgreSQL run is skipped with the reason, unless
``JINGGANG_REQUIRE_PG=1`` (set by ``.ci/run`` under CI), where it fails instead.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest

from app.models.engine import is_url
from app.services.store import Store

OPERATOR = "王敏"
SECOND_OPERATOR = "李强"
PASSWORD = "jd2026"
TITLE = "2026年竞争轮岗"
UNIT = "某某局"
PG_ENV = "JINGGANG_TEST_PG_URL"


def backend(target: str | Path) -> str:
    """``"postgresql"`` for a URL target, ``"sqlite"`` for a file."""
    return "postgresql" if is_url(str(target)) else "sqlite"


def new_store(target: str | Path, operator: str = OPERATOR) -> Store:
    """新建 a campaign on ``target`` (file path or URL) with the test title, unit and password."""
    return Store.create(target, title=TITLE, unit=UNIT, supervisor_password=PASSWORD, operator=operator)


# -- PostgreSQL: one fresh database per test -----------------------------------------------------

def _pg_admin_url() -> str | None:
    url = os.environ.get(PG_ENV, "").strip()
    return url or None


def _psycopg_conninfo(url: str) -> str:
    """The SQLAlchemy URL as libpq accepts it (without the ``+psycopg`` driver name)."""
    from sqlalchemy.engine import make_url
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class _PgDatabases:
    def __init__(self, admin_url: str):
        import psycopg  # imported here: SQLite-only runs need no driver
        self._psycopg = psycopg
        self.admin_url = admin_url

    def _admin(self):
        return self._psycopg.connect(_psycopg_conninfo(self.admin_url), autocommit=True, connect_timeout=10)

    def create(self) -> str:
        from sqlalchemy.engine import make_url
        name = f"jg_test_{uuid.uuid4().hex[:16]}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        from sqlalchemy.engine import make_url
        name = make_url(url).database
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _pg_databases() -> _PgDatabases | None:
    url = _pg_admin_url()
    if url is None:
        return None
    try:
        return _PgDatabases(url)
    except ImportError as err:  # pragma: no cover - psycopg is in the test extra
        if os.environ.get("JINGGANG_REQUIRE_PG") == "1":
            raise
        pytest.skip(f"{PG_ENV} is set but psycopg is not installed ({err})")


# -- the fixtures --------------------------------------------------------------------------------

@pytest.fixture
def _open_stores() -> list[Store]:
    """Every Store a fixture handed out in this test (closed before its database is dropped)."""
    return []


def _close_all(stores: list[Store]) -> None:
    while stores:
        stores.pop().close()


@pytest.fixture
def store(tmp_path, _open_stores) -> Iterator[Store]:
    """A fresh campaign in a temporary SQLite file (operator 王敏, 监督组 password jd2026)."""
    s = new_store(tmp_path / "campaign.db")
    _open_stores.append(s)
    yield s
    _close_all(_open_stores)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request, tmp_path, _open_stores, _pg_databases) -> Iterator[str]:
    """Where a campaign can be created: a fresh SQLite file path, or a fresh PostgreSQL database URL.

    Nothing is created there yet: use ``create_store(store_target)`` (or ``Store.create``).
    """
    if request.param == "sqlite":
        yield str(tmp_path / "campaign.db")
        _close_all(_open_stores)
        return
    if _pg_databases is None:
        if os.environ.get("JINGGANG_REQUIRE_PG") == "1":
            pytest.fail(f"JINGGANG_REQUIRE_PG=1 but {PG_ENV} is not set", pytrace=False)
        pytest.skip(f"{PG_ENV} is not set (postgresql+psycopg://user:pass@host:port/db; .ci/run starts one)")
    url = _pg_databases.create()
    try:
        yield url
    finally:
        _close_all(_open_stores)
        _pg_databases.drop(url)


@pytest.fixture
def create_store(_open_stores) -> Callable[..., Store]:
    """``create_store(target, operator="王敏")``: 新建 a campaign there (closed after the test)."""
    def create(target: str | Path, operator: str = OPERATOR) -> Store:
        s = new_store(target, operator)
        _open_stores.append(s)
        return s
    yield create
    _close_all(_open_stores)


@pytest.fixture
def make_store(_open_stores) -> Callable[..., Store]:
    """``make_store(target, operator="李强")``: a second laptop — another Store opened on the same
    campaign as another operator (closed after the test)."""
    def make(target: str | Path, operator: str = SECOND_OPERATOR) -> Store:
        s = Store.open(target, operator=operator)
        _open_stores.append(s)
        return s
    yield make
    _close_all(_open_stores)

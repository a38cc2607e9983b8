"""Versioned upsert shared by the services: refuse a stale edit, log a reason where required."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from .store import StoreError

T = TypeVar("T")


def put(session: Session, model: type[T], key: dict[str, Any], values: dict[str, Any],
        expected_version: int | None = None) -> tuple[T, bool]:
    """Insert or update one row; returns (row, whether anything changed).

    ``expected_version`` is the version the user saw: if the row has moved on since, the edit is
    refused (the later writer gets the conflict, nothing is overwritten).
    """
    ident = tuple(key.values()) if len(key) > 1 else next(iter(key.values()))
    row = session.get(model, ident)
    if row is None:
        if expected_version not in (None, 0):
            from .history import conflict
            raise conflict(session, f"{model.__tablename__}:{'|'.join(str(v) for v in key.values())}")
        row = model(**key, **values)
        session.add(row)
        return row, True
    if expected_version is not None and row.version != expected_version:  # type: ignore[attr-defined]
        from .history import conflict
        raise conflict(session, row)
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return row, changed


def need_reason_to_change_confirmed(row: Any, session: Session) -> None:
    """A confirmed entry may be corrected only with a reason (written into the log row)."""
    if getattr(row, "status", None) == "confirmed" and not session.info.get("reason"):
        raise StoreError("该项已确认，修改须填写理由")

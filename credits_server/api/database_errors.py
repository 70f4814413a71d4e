"""Database failures a person can act on, answered as problem documents instead of a 500.

- The database busy past the busy timeout (SQLite's lock held by another process): 503
  `database_busy` with Retry-After. The transaction was rolled back, nothing was written, so the
  client's retry of a "not processed" answer (writes included) loses nothing.
- The disk full (SQLite "database or disk is full", an I/O error on write, PostgreSQL's
  "No space left on device"): 507 `storage_full`. Rolled back too; the database is intact.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError

from credits_server.api.problems import problem_response
from credits_server.logging import LOGGER_NAME, current_request_id

_BUSY = ("database is locked", "database is busy", "lock timeout")
_FULL = ("database or disk is full", "disk i/o error", "no space left on device")
BUSY_RETRY_AFTER_SECONDS = 1


def database_problem(exc: DBAPIError, path: str) -> JSONResponse:
    """The answer to a database failure met while serving `path`, and its log line."""
    message = str(exc.orig).lower()
    fields = {"request_id": current_request_id.get(), "path": path}
    if any(sign in message for sign in _BUSY):
        logging.getLogger(LOGGER_NAME).warning("database_busy", extra={"fields": fields})
        return problem_response(
            None,
            503,
            "database_busy",
            "The server is busy; nothing was changed. Try again.",
            headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
        )
    if any(sign in message for sign in _FULL):
        logging.getLogger(LOGGER_NAME).error("storage_full", extra={"fields": fields})
        return problem_response(
            None,
            507,
            "storage_full",
            "The server cannot save anything right now (its storage is full); "
            "nothing was changed. Try again later.",
        )
    logging.getLogger(LOGGER_NAME).error("unhandled_error", exc_info=exc, extra={"fields": fields})
    return problem_response(
        None, 500, "internal_error", "Something went wrong on the server. Try again."
    )


def install_database_error_handler(app: FastAPI) -> None:
    async def on_database_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DBAPIError)
        return database_problem(exc, request.url.path)

    app.add_exception_handler(DBAPIError, on_database_error)

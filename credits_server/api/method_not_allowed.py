"""405 answers name every method the path allows in `Allow`.

Starlette answers 405 from the first route whose path matched, so a path served by two routes
(GET and POST /v1/topups) would list one method only. The methods are read from the served
OpenAPI document instead, which lists every operation of each path."""

from __future__ import annotations

import functools
import re

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from credits_server.api.problems import problem_response

_PARAMETER = re.compile(r"\\\{[^/]+?\\\}")


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + _PARAMETER.sub("[^/]+", re.escape(template)) + "$")


def install_method_not_allowed(app: FastAPI) -> None:
    @functools.cache
    def operations() -> list[tuple[re.Pattern[str], frozenset[str]]]:
        paths = app.openapi().get("paths", {})
        return [
            (_pattern(path), frozenset(method.upper() for method in methods))
            for path, methods in paths.items()
        ]

    def allowed(path: str) -> str:
        found: set[str] = set()
        for pattern, methods in operations():
            if pattern.match(path):
                found |= methods
        return ", ".join(sorted(found))

    async def on_method_not_allowed(request: Request, _: Exception) -> JSONResponse:
        allow = allowed(request.url.path)
        return problem_response(
            request,
            405,
            "method_not_allowed",
            f"This path does not answer {request.method}; it answers {allow}.",
            headers={"Allow": allow},
        )

    app.add_exception_handler(405, on_method_not_allowed)

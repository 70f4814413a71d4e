"""405 answers name every method the path allows in `Allow`.

Starlette answers 405 from the first route whose path matched, so a path served by two routes
(GET and POST /v1/topups) would list one method only: the full set is gathered here."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.routing import Match, Route

from credits_server.api.problems import problem_response


def allowed_methods(app: FastAPI, request: Request) -> list[str]:
    methods: set[str] = set()
    for route in app.router.routes:
        if isinstance(route, Route) and route.methods:
            match, _ = route.matches(request.scope)
            if match != Match.NONE:
                methods |= route.methods
    return sorted(methods)


def install_method_not_allowed(app: FastAPI) -> None:
    async def on_method_not_allowed(request: Request, _: Exception) -> JSONResponse:
        allow = ", ".join(allowed_methods(app, request))
        return problem_response(
            request,
            405,
            "method_not_allowed",
            f"This path does not answer {request.method}; it answers {allow}.",
            headers={"Allow": allow},
        )

    app.add_exception_handler(405, on_method_not_allowed)

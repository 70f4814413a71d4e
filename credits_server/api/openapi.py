"""The served OpenAPI document says what errors really look like: RFC 9457 problem documents."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from credits_server.schemas import Problem

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_PROBLEM_RESPONSE = {
    "description": "An RFC 9457 problem document with a stable `code`",
    "content": {"application/problem+json": {"schema": PROBLEM_REF}},
}


def install_problem_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = get_openapi(
            title=app.title, version=app.version, summary=app.summary, routes=app.routes
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schemas["Problem"].pop("$defs", {}))
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                if "422" in responses:
                    responses["422"] = _PROBLEM_RESPONSE
                responses.setdefault("default", _PROBLEM_RESPONSE)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]

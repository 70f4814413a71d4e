"""What the served OpenAPI document says beyond FastAPI's own: the links from the id a creation
answers to the operations on that object (so a client generator, or a stateful test, can follow a
new top-up or card to them), and the bounds this server's settings put on a top-up's amount."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from credits_server.settings import Settings

_TOPUP = "/v1/topups/{topup_id}"
_METHOD = "/v1/payment-methods/{method_id}"
_LINKS = {
    ("/v1/topups", "post", "201"): [
        ("GetTopup", _TOPUP, "get", "topup_id"),
        ("AuthenticateTopup", "/sandbox/authenticate/{topup_id}", "get", "topup_id"),
        ("FinishAuthentication", "/sandbox/authenticate/{topup_id}", "post", "topup_id"),
    ],
    ("/v1/payment-methods", "post", "201"): [
        ("DeletePaymentMethod", _METHOD, "delete", "method_id"),
        ("MakeDefault", f"{_METHOD}/default", "post", "method_id"),
    ],
}


def _pointer(path: str, method: str) -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def _add_links(document: dict[str, Any]) -> None:
    paths = document.get("paths", {})
    for (path, method, status), links in _LINKS.items():
        operation = paths.get(path, {}).get(method)
        if operation is None or status not in operation.get("responses", {}):
            continue
        found = operation["responses"][status].setdefault("links", {})
        for name, target, target_method, parameter in links:
            if target_method in paths.get(target, {}):  # a gateway's pages may not be served
                found[name] = {
                    "operationRef": _pointer(target, target_method),
                    "parameters": {parameter: "$response.body#/id"},
                }


def _add_bounds(document: dict[str, Any], settings: Settings) -> None:
    schemas = document.get("components", {}).get("schemas", {})
    amount = schemas.get("TopupBody", {}).get("properties", {}).get("amount")
    if amount is not None:
        amount.update(minimum=settings.topup_min, maximum=settings.topup_max)


def install_document(app: FastAPI, settings: Settings) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()
        # The same each time: the document is built once, then only read.
        _add_links(document)
        _add_bounds(document, settings)
        return document

    app.openapi = openapi  # type: ignore[method-assign]

"""The client's models against the server's own OpenAPI document: same fields, same requirements."""

from __future__ import annotations

from typing import Any, get_args

import httpx
import pytest
from pydantic import BaseModel

from credits_client.api import models
from tests.support.live_server import LiveServer

# (method, path, status) -> the client model of that answer; list answers map to the item model.
ANSWERS: list[tuple[str, str, str, type[BaseModel], bool]] = [
    ("get", "/v1/server-info", "200", models.ServerInfo, False),
    ("post", "/v1/sessions", "201", models.Session, False),
    ("get", "/v1/account", "200", models.Account, False),
    ("get", "/v1/account/transactions", "200", models.Transaction, True),
    ("get", "/v1/account/daily-balances", "200", models.DailyBalances, False),
    ("get", "/v1/topup-options", "200", models.TopupOptions, False),
    ("get", "/v1/payment-methods", "200", models.PaymentMethod, True),
    ("post", "/v1/payment-methods", "201", models.PaymentMethod, False),
    ("post", "/v1/topups", "201", models.Topup, False),
    ("get", "/v1/topups/{topup_id}", "200", models.Topup, False),
    ("get", "/v1/topups", "200", models.Topup, True),
    ("get", "/v1/auto-recharge", "200", models.AutoRecharge, False),
    ("put", "/v1/auto-recharge", "200", models.AutoRecharge, False),
    ("post", "/v1/support-requests", "201", models.SupportRequest, False),
    ("get", "/v1/support-requests", "200", models.SupportRequest, True),
    ("get", "/v1/account/activity", "200", models.ActivityItem, True),
]
BODIES: list[tuple[str, str, type[BaseModel]]] = [
    ("post", "/v1/payment-methods", models.SaveCard),
    ("put", "/v1/auto-recharge", models.AutoRechargeUpdate),
]


@pytest.fixture(scope="module")
def openapi(live_server: LiveServer) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(f"{live_server.url}/openapi.json", timeout=10).json()
    return document


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def answer_schema(document: dict[str, Any], method: str, path: str, status: str) -> dict[str, Any]:
    operation = document["paths"][path][method]
    content = operation["responses"][status]["content"]["application/json"]
    return resolve(document, content["schema"])


def check_model(
    document: dict[str, Any],
    schema: dict[str, Any],
    model: type[BaseModel],
    checked: list[str] | None = None,
) -> list[str]:
    checked = [] if checked is None else checked
    served = set(schema["properties"])
    ours = set(model.model_fields)
    assert served == ours, f"{model.__name__}: server has {served - ours}, client {ours - served}"
    # Whatever the client needs is always sent by the server.
    required_by_client = {n for n, f in model.model_fields.items() if f.is_required()}
    assert required_by_client <= set(schema.get("required", [])) | {
        n for n in served if "default" not in schema["properties"][n]
    }
    for name, field in model.model_fields.items():
        for annotation in (field.annotation, *get_args(field.annotation)):
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                nested = resolve(document, _without_null(schema["properties"][name]))
                check_model(document, nested, annotation, checked)
                checked.append(annotation.__name__)
    return checked


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of the value when there is one (a list's: of its items)."""
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    return options[0].get("items", options[0])


@pytest.mark.parametrize(("method", "path", "status", "model", "listed"), ANSWERS)
def test_every_answer_has_the_fields_of_its_model(
    openapi: dict[str, Any],
    method: str,
    path: str,
    status: str,
    model: type[BaseModel],
    listed: bool,
) -> None:
    schema = answer_schema(openapi, method, path, status)
    if listed:
        assert set(schema["properties"]) == {"data", "next_cursor"}
        schema = resolve(openapi, schema["properties"]["data"]["items"])
    nested = check_model(openapi, schema, model)
    if model in (models.Topup, models.Session, models.AutoRecharge):
        assert nested, f"{model.__name__}: its nested models were not compared"


@pytest.mark.parametrize(("method", "path", "model"), BODIES)
def test_request_bodies_match(
    openapi: dict[str, Any], method: str, path: str, model: type[BaseModel]
) -> None:
    operation = openapi["paths"][path][method]
    schema = resolve(openapi, operation["requestBody"]["content"]["application/json"]["schema"])
    assert set(schema["properties"]) == set(model.model_fields)


def test_topup_body_and_problem_shape(openapi: dict[str, Any]) -> None:
    operation = openapi["paths"]["/v1/topups"]["post"]
    body = resolve(openapi, operation["requestBody"]["content"]["application/json"]["schema"])
    assert set(body["properties"]) == {"amount", "payment_method_id", "card_token", "save_card"}
    headers = {p["name"].lower() for p in operation["parameters"] if p["in"] == "header"}
    assert "idempotency-key" in headers

"""One description of the auto-recharge fields: the server's bodies, the settings row and the
client's models all follow credits_core.auto_recharge, limits included."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from credits_client.api import models
from credits_core.auto_recharge import FIELDS
from credits_server import schemas
from credits_server.models import AutoRechargeSettings


def test_every_side_has_exactly_the_described_fields() -> None:
    assert len(FIELDS) == 9
    assert tuple(schemas.AutoRechargeBody.model_fields) == FIELDS
    assert tuple(models.AutoRechargeUpdate.model_fields) == FIELDS
    assert set(FIELDS) < set(schemas.AutoRechargeOut.model_fields)
    assert set(FIELDS) < set(models.AutoRecharge.model_fields)
    assert set(FIELDS) < set(AutoRechargeSettings.__table__.columns.keys())


@pytest.mark.parametrize(
    "wrong",
    [
        {"threshold": 1000.0},
        {"amount": "2500"},
        {"target": 10**16},
        {"payment_method_id": "pm_" + "x" * 40},
        {"mode": "sometimes"},
        {"colour": "red"},
    ],
)
def test_the_server_body_enforces_the_described_limits(wrong: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        schemas.AutoRechargeBody.model_validate(
            {"enabled": True, "threshold": 1000, "amount": 2500} | wrong
        )


def test_the_described_defaults_reach_both_sides() -> None:
    body = schemas.AutoRechargeBody.model_validate({"enabled": False, "threshold": 1, "amount": 2})
    draft = models.AutoRechargeUpdate(enabled=False, threshold=1, amount=2)
    assert body.model_dump() == draft.model_dump()
    assert (draft.mode, draft.target, draft.daily_limit) == ("add", None, None)


def test_the_description_imports_nothing_but_the_standard_library() -> None:
    code = (
        "import sys; import credits_core.auto_recharge; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pydantic', 'credits_server', 'credits_client', 'fastapi')))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "[]"

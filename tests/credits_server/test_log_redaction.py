"""Payment gateway secrets never reach the server's log: Stripe's secret (`sk_`), restricted
(`rk_`) and webhook signing (`whsec_`) keys are cut from every line, wherever they appear."""

from __future__ import annotations

import json
import logging

from credits_server.logging import JsonFormatter, redact


def test_gateway_keys_are_redacted_from_a_log_line() -> None:
    record = logging.LogRecord("credits_server", logging.WARNING, "", 0, "gateway_error", (), None)
    record.fields = {  # type: ignore[attr-defined]
        "error": "Invalid API Key provided: sk_live_51Habc123XYZ",
        "key": "rk_test_abcDEF123",
        "secret": "whsec_0123456789abcdef",
        "task_id": "task_1",
    }
    line = json.loads(JsonFormatter().format(record))
    assert line["error"] == "Invalid API Key provided: sk_[redacted]"
    assert (line["key"], line["secret"]) == ("rk_[redacted]", "whsec_[redacted]")
    assert line["task_id"] == "task_1"


def test_redact_leaves_other_text_alone() -> None:
    assert redact("pk_test_123 pm_123 desk_top") == "pk_test_123 pm_123 desk_top"

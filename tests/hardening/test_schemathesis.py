"""Schemathesis against the served OpenAPI document of a live server of its own, with every check
and every phase (examples, coverage, fuzzing, stateful): signed in as a real owner, with an API key
for /v1/usage, reaching top-ups and payment methods by id through the document's links. No 500,
every answer as documented (status, content type, schema, headers, `Allow` on 405), and nothing
documented as allowed is refused. Bounded in examples so it stays near a minute on two cores."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.engine import make_api_key
from tests.support.live_server import LiveServer

MAX_EXAMPLES = 8


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: fuzzing makes many accounts' worth of rows and sign-in failures."""
    server = LiveServer(
        Path(tmp_path_factory.mktemp("schemathesis")),
        env={
            "CREDITS_SERVER_TOPUP_MAX_PER_MINUTE": "100000",
            "CREDITS_SERVER_CARD_SAVES_MAX": "100000",
            "CREDITS_SERVER_LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
            "CREDITS_SERVER_LOGIN_MAX_FAILURES": "100000",
        },
    )
    with server.running():
        yield server


def config(server: LiveServer, token: str, api_key: str) -> str:
    return f"""
headers = {{ Authorization = "Bearer {token}" }}
request-timeout = 20
continue-on-failure = true
seed = 9

[generation]
max-examples = {MAX_EXAMPLES}

[phases.stateful]
max-steps = 40

# The event stream never ends; signing out would end the token the rest runs with.
[[operations]]
include-path = "/v1/events"
enabled = false

[[operations]]
include-path = "/v1/sessions/current"
enabled = false

[[operations]]
include-name = "POST /v1/usage"
headers = {{ Authorization = "Bearer {api_key}" }}
# 413 `payload_too_large`: more records than one batch may carry (the document's maxItems).
checks.negative_data_rejection.expected-statuses = ["4xx"]
# 402 `insufficient_credits`: a valid record the balance cannot pay for; 422: 685.0 is an
# integer to JSON Schema, but the server takes integer literals only.
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 402, 403, 404, 409, 422, 429]

# 422 `idempotency_key_reused`: a key sent again with another body.
[[operations]]
include-name = "POST /v1/support-requests"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

# Rules no JSON Schema can say, each answered with its own problem code. A cursor is opaque:
# one the server did not hand out is `invalid_cursor` 422.
[[operations]]
include-name = "GET /v1/account/transactions"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[[operations]]
include-name = "GET /v1/account/activity"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

# A reset code is one an operator handed out, unused, unexpired, for that email; a new password
# has at least 8 characters (422 either way).
[[operations]]
include-name = "POST /v1/password-resets/redeem"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

# An SSH public key must parse as one (a known type, valid base64 of a key of that type): a string
# no schema can check, refused with 422.
[[operations]]
include-name = "POST /v1/ssh-keys"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[[operations]]
include-name = "POST /v1/ssh-gateway/known-keys"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[[operations]]
include-name = "POST /v1/ssh-gateway/sessions"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

# A notification target's address must be an email address or a webhook URL the server may call
# (https, a public host): strings no schema can check, refused with 422.
[[operations]]
include-name = "POST /v1/notification-targets"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[[operations]]
include-name = "PUT /v1/notification-targets/{{target_id}}"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

# Only Stripe may post here: any request without Stripe's signature over its body is 400.
[[operations]]
include-name = "POST /v1/webhooks/stripe"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400]

# A period must run forwards, be at most a year and a day long and end before the last calendar
# day (422).
[[operations]]
include-name = "GET /v1/account/daily-balances"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

# A card number failing Luhn or its brand's length, an expiry in the past (422); a card the
# gateway refuses (402).
[[operations]]
include-name = "POST /v1/payment-methods"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 402, 403, 404, 409, 422, 429]

# As for cards, plus: the Idempotency-Key each top-up needs (400), an amount outside the
# server's top-up bounds (settings, 422), both or neither of a saved card and a new one (422).
[[operations]]
include-name = "POST /v1/topups"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", 400, 401, 402, 403, 404, 409, 422, 429,
]

# The Idempotency-Key each payment link needs (400), an amount outside the server's top-up
# bounds (settings, 422).
[[operations]]
include-name = "POST /v1/payment-links"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 404, 409, 422, 429]

# If-Match must name the current ETag (428 without, 412 stale); bounds are settings (422).
[[operations]]
include-name = "PUT /v1/auto-recharge"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", 401, 403, 404, 409, 412, 422, 428, 429,
]
"""


def test_the_served_api_survives_schemathesis(fuzzed_server: LiveServer, tmp_path: Path) -> None:
    owner = fuzzed_server.make_owner(balance=5000)
    settings = tmp_path / "schemathesis.toml"
    settings.write_text(config(fuzzed_server, owner.token, make_api_key(fuzzed_server)))
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(settings),
        "run",
        f"{fuzzed_server.url}/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--suppress-health-check",
        "all",
        "--no-color",
        "--report-dir",
        str(tmp_path),
    ]
    started = time.monotonic()
    run = subprocess.run(command, capture_output=True, text=True, timeout=400, check=False)
    took = time.monotonic() - started
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-2000:]
    assert "passed" in run.stdout
    assert took < 300, f"schemathesis took {took:.0f} s"

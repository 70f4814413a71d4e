"""`credits-server create-api-key` and `simulate-usage`: the command's own `main`, in this process
(tests/support/operator_cli.py)."""

from __future__ import annotations

import json
import os
import subprocess

from tests.support.engine import post_usage, usage
from tests.support.live_server import LiveServer
from tests.support.operator_cli import run_credits_server


def run_cli(server: LiveServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CREDITS_SERVER_DATABASE_URL": server.database_url,
        "CREDITS_SERVER_CONFIG": str(server.workdir / "no-config.toml"),
    }
    return run_credits_server(args, env)


def test_create_api_key_prints_a_key_that_works_once_shown(engine_server: LiveServer) -> None:
    made = run_cli(engine_server, "create-api-key", "--name", "telephony")
    assert made.returncode == 0, made.stderr
    assert made.stdout.endswith("}\n")  # one JSON line, ended, for shells and pipes
    key = json.loads(made.stdout)["key"]
    assert "cannot be shown again" in made.stderr
    owner = engine_server.make_owner(balance=1000)
    assert post_usage(engine_server, key, usage(owner.account_id, 10)).status_code == 201
    assert engine_server.find_secrets([key]) == []


def test_simulate_usage_spends_from_the_account(engine_server: LiveServer) -> None:
    owner = engine_server.make_owner(balance=5000)
    simulated = run_cli(
        engine_server,
        "simulate-usage",
        "--email",
        owner.email,
        "--rate",
        "200",
        "--count",
        "6",
        "--url",
        engine_server.url,
    )
    assert simulated.returncode == 0, simulated.stderr
    assert len(simulated.stdout.splitlines()) == 6
    spent = [row for row in engine_server.ledger(owner.account_id) if row.kind == "usage"]
    assert len(spent) == 6
    assert engine_server.balance(owner.account_id) == 5000 + sum(row.amount for row in spent)
    assert {row.description.split(" ")[0] for row in spent} <= {"Call", "SMS"}


def test_simulate_usage_for_an_unknown_email_says_so(engine_server: LiveServer) -> None:
    answer = run_cli(engine_server, "simulate-usage", "--email", "nobody@example.test")
    assert answer.returncode == 1
    assert "no user nobody@example.test" in answer.stderr

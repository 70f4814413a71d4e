"""`credits-tui receipt ID --pdf FILE` and `credits-tui export ... --csv FILE` for scripts, on a
remembered session: the files hold what the server says; a mistake is one line and exit 2."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from credits_client.api.models import User
from credits_client.session_file import RememberedSession, SessionFile
from tests.support.live_server import LiveServer, Owner


@pytest.fixture
def signed_in(tmp_path: Path, live_server: LiveServer, owner: Owner) -> dict[str, str]:
    """The environment of a machine where `owner` signed in with "Remember me"."""
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    user = User(id=owner.user_id, email=owner.email, role="owner", account_id=owner.account_id)
    expires = datetime.now(UTC) + timedelta(days=1)
    session = RememberedSession(live_server.url, SecretStr(owner.token), expires, user)
    SessionFile(tmp_path / "state" / "credits-tui" / "session.json").save(session)
    return env


def credits_tui(
    live_server: LiveServer, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "credits-tui"), "--api-url", live_server.url]
    return subprocess.run(
        [*command, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_receipt_saved_as_pdf_and_the_payments_exported(
    live_server: LiveServer, owner: Owner, signed_in: dict[str, str], tmp_path: Path
) -> None:
    with httpx.Client(base_url=live_server.url, headers=owner.headers) as api:
        api.post(
            "/v1/topups",
            json={"amount": 1500, "payment_method_id": owner.payment_method_id},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        payment = api.get("/v1/account/transactions").json()["data"][0]
        receipt = api.get(f"/v1/receipts/{payment['receipt_id']}").json()

    saved = credits_tui(
        live_server, signed_in, "receipt", receipt["id"], "--pdf", str(tmp_path / "r.pdf")
    )
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout == f"Receipt {receipt['number']:06d} saved as {tmp_path / 'r.pdf'}\n"
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Amount paid:" in text
    assert "15.00 USD" in text

    today = datetime.now(UTC).date().isoformat()
    target = tmp_path / "payments.csv"
    exported = credits_tui(
        live_server,
        signed_in,
        "export",
        "--from",
        today,
        "--to",
        today,
        "--kind",
        "topup",
        "--csv",
        str(target),
    )
    assert (exported.returncode, exported.stdout) == (0, f"1 row saved as {target}\n")
    [row] = list(csv.DictReader(target.read_text().splitlines()))
    assert (row["id"], row["amount_minor"], row["amount"], row["currency"], row["receipt_id"]) == (
        payment["id"],
        "1500",
        "15.00",
        "USD",
        receipt["id"],
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("receipt", "rc_nobody"), "credits-tui: No such receipt.\n"),
        (
            ("export", "--kind", "gift", "--csv", "x.csv"),
            "credits-tui: kind: Input should be 'topup'",
        ),
    ],
)
def test_a_mistake_is_one_line_and_exit_2(
    live_server: LiveServer, signed_in: dict[str, str], args: tuple[str, ...], line: str
) -> None:
    answer = credits_tui(live_server, signed_in, *args)
    assert answer.returncode == 2
    assert answer.stderr.startswith(line)
    assert answer.stderr.count("\n") == 1

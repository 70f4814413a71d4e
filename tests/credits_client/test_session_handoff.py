"""A session handed over by serve-ssh through a pipe: used once, kept in memory, never written to
the remembered-session file (every SSH user shares the gateway's system user and its files)."""

from __future__ import annotations

import os

import pytest

from credits_client import session_handoff
from credits_client.session_file import SessionFile, session_path
from credits_client.session_handoff import ENV_FD, HandedSession, default_session_file, encode
from tests.credits_client.test_session_file import remembered

SERVER = "https://credits.example.com"


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test is a new app process: nothing handed over yet."""
    monkeypatch.setattr(session_handoff, "_handed", None)
    monkeypatch.delenv(ENV_FD, raising=False)


def hand_over(monkeypatch: pytest.MonkeyPatch, body: bytes) -> None:
    reader, writer = os.pipe()
    os.write(writer, body)
    os.close(writer)
    monkeypatch.setenv(ENV_FD, str(reader))


def test_the_handed_session_is_used_and_never_touches_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    SessionFile().save(remembered(SERVER))  # someone else's session in the gateway user's file
    before = session_path().read_bytes()
    mine = remembered(SERVER)
    hand_over(monkeypatch, encode(mine))
    handed = default_session_file()
    assert isinstance(handed, HandedSession)
    assert default_session_file() is handed  # the pipe is read once
    assert ENV_FD not in os.environ  # and not passed on to what the app starts
    loaded = handed.load(SERVER)
    assert loaded is not None
    assert loaded.token.get_secret_value() == mine.token.get_secret_value()
    assert handed.load("https://elsewhere.example.com") is None
    handed.save(remembered(SERVER))
    assert handed.forget() is True
    assert handed.load(SERVER) is None
    assert session_path().read_bytes() == before


def test_no_session_handed_means_the_sign_in_screen_not_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    SessionFile().save(remembered(SERVER))
    monkeypatch.setenv(ENV_FD, "none")
    assert default_session_file().load(SERVER) is None


def test_a_damaged_hand_over_is_no_session(monkeypatch: pytest.MonkeyPatch) -> None:
    hand_over(monkeypatch, b"{not json")
    assert default_session_file().load(SERVER) is None


def test_without_serve_ssh_the_file_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    SessionFile().save(remembered(SERVER))
    assert default_session_file().load(SERVER) is not None

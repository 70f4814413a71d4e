"""Fixtures that run the real, installed `credits-server` on a real SQLite file.

Fixtures
--------
``live_server`` (session scope): one `credits-server serve --migrate` subprocess (the installed
console script beside the running Python, i.e. `.venv/bin/credits-server`) on a free 127.0.0.1
port, against a fresh SQLite file in a temporary directory (or, when $CREDITS_TEST_DATABASE_URL is
set, e.g. postgresql+asyncpg://postgres@127.0.0.1:55432/credits, a new database of its own on that
PostgreSQL server: see tests/support/postgres.py). It is ready when yielded (/v1/server-info
answered) and stopped at the end of the session. It yields
a ``LiveServer``:

- ``url`` ("http://127.0.0.1:PORT"), ``database_path``, ``database_url``, ``log_path`` (the
  server's one-JSON-line-per-request log), ``workdir``.
- ``make_owner(balance=0, with_card=True, role="owner", card_number="4242424242424242",
  name=None, currency="USD") -> Owner``: a fresh account and user made with the server's own
  service functions on the same database file. ``balance`` is posted as an "adjustment" ledger
  entry ("Opening balance"); ``with_card`` saves a default card (through the sandbox gateway, so
  ``card_number`` can be any Stripe test card, e.g. 4000000000000341 that saves but declines
  every charge). The ``Owner`` has ``email``, ``password``, ``account_id``, ``user_id``, ``role``,
  ``payment_method_id`` (or None), a ready session ``token`` and ``headers`` (the bearer header).
- ``add_user(account_id, role="viewer") -> Owner``: another user (no card) of an existing account.
- ``balance(account_id) -> int``, ``ledger(account_id) -> list[LedgerRow]`` (oldest first:
  kind, amount, balance_after, reference, description), ``charge_count(account_id=None) -> int``
  (charges made at the sandbox gateway, all accounts when None), ``topup_statuses(account_id)``.
- ``run(coro_factory)``: run ``async def f(ctx: Context)`` against the database
  (for anything the helpers above do not cover).
- ``find_secrets(strings) -> list[str]``: which strings occur in the database file, its WAL, the
  request log or the server output. At the end of the session the fixture itself asserts that no
  Stripe test card number (``STRIPE_TEST_CARDS``) was ever written to any of them.

Everything here is synchronous, callable from sync and async tests alike (a private event loop in
a background thread does the work).

``owner`` (function scope): ``live_server.make_owner(balance=5000)``: $50.00 and a saved Visa 4242.
``client`` (function scope): an ``httpx.AsyncClient`` of the live server signed in as ``owner``.

``start_server(workdir, env=None, demo=False) -> ServerProcess`` starts another server of your own
(e.g. to kill and restart it: ``.kill()``, ``.stop()``, ``.start()``); stop it yourself.

Start-up: a server of a test's own on SQLite starts on a copy of a database migrated once per test
process (``migrated_template()``, by the same migrations), so its `--migrate` finds the schema at
the head and skips Alembic: importing it and running every migration was a third of a start-up.
``from_template=False`` gives it an empty file its own `--migrate` fills, as the session's
``live_server`` does (every run still migrates an empty database through the installed command).
"""

from __future__ import annotations

import asyncio
import atexit
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self, TypeVar

import httpx
import pytest

from tests.support.ports import free_port
from tests.support.wait import wait_for

T = TypeVar("T")
STARTUP_TIMEOUT = 30.0
TEST_CARD = "4242424242424242"
STRIPE_TEST_CARDS = [
    "4242424242424242",
    "4000000000000002",
    "4000000000009995",
    "4000000000000069",
    "4000000000000127",
    "4000000000000119",
    "4000002500003155",
    "4000002760003184",
    "4000000000000341",
    "4242424242424241",
    "5555555555554444",
    "378282246310005",
]


def credits_server_executable() -> str:
    beside = Path(sys.executable).parent / "credits-server"
    if beside.exists():
        return str(beside)
    found = shutil.which("credits-server")
    assert found is not None, "credits-server is not installed in this environment"
    return found


@dataclass
class ServerProcess:
    """One `credits-server serve` subprocess on a SQLite file in `workdir`."""

    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    demo: bool = False
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    database_url_override: str | None = None
    """Another database (e.g. postgresql+asyncpg://...) instead of the SQLite file."""
    startup_timeout: float = STARTUP_TIMEOUT
    """Seconds to wait for /v1/server-info (several servers migrating one database wait in turn)."""
    from_template: bool = True
    """A new SQLite file starts as a copy of `migrated_template()`; False: empty, then migrated."""

    @property
    def database_path(self) -> Path:
        return self.workdir / "credits.db"

    @property
    def database_url(self) -> str:
        return self.database_url_override or f"sqlite+aiosqlite:///{self.database_path}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "requests.log"

    @property
    def output_path(self) -> Path:
        return self.workdir / "server-output.txt"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def server_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "CREDITS_SERVER_DATABASE_URL": self.database_url,
                "CREDITS_SERVER_LOG_FILE": str(self.log_path),
                "CREDITS_SERVER_CONFIG": str(self.workdir / "no-config.toml"),
            }
        )
        env.update(self.env)
        return env

    def prepare_database(self) -> None:
        """Make the working directory; a new SQLite file starts from the migrated template."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        fresh = self.database_url_override is None and not self.database_path.exists()
        if fresh and self.from_template:
            shutil.copyfile(migrated_template(), self.database_path)

    def start(self) -> None:
        self.prepare_database()
        self.port = free_port()
        command = [credits_server_executable(), "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--migrate"]
        if self.demo:
            command.append("--demo")
        with self.output_path.open("ab") as output:
            self.process = subprocess.Popen(
                command, env=self.server_env(), stdout=output, stderr=subprocess.STDOUT
            )
        self._wait_until_ready()

    def _answering(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"credits-server exited:\n{self.output_path.read_text()}")
        try:
            return httpx.get(f"{self.url}/v1/server-info", timeout=1.0).status_code == 200
        except httpx.TransportError:
            return False

    def _wait_until_ready(self) -> None:
        try:
            wait_for(self._answering, within=self.startup_timeout, what="/v1/server-info")
        except AssertionError:
            self.stop()
            output = self.output_path.read_text()
            raise RuntimeError(f"credits-server did not start:\n{output}") from None

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def kill(self) -> None:
        """SIGKILL: the server gets no chance to finish anything (crash tests)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


_template_lock = threading.Lock()
_template: list[Path] = []


def migrated_template() -> Path:
    """A SQLite database at the migrations' head, made once per test process (in a thread: an
    async test's event loop may be running here) and removed when the process ends."""
    with _template_lock:
        if not _template:
            from credits_server.migrate import migrate_sync

            directory = Path(tempfile.mkdtemp(prefix="credits-template-"))
            atexit.register(shutil.rmtree, directory, ignore_errors=True)
            path = directory / "credits.db"
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(migrate_sync, f"sqlite+aiosqlite:///{path}").result(timeout=120)
            assert path.exists()
            assert not Path(f"{path}-wal").exists()  # all of it in the one file that is copied
            _template.append(path)
        return _template[0]


def start_server(
    workdir: Path, env: dict[str, str] | None = None, *, demo: bool = False
) -> ServerProcess:
    server = ServerProcess(workdir, env=dict(env or {}), demo=demo)
    server.start()
    return server


class _LoopThread:
    """A private event loop in a daemon thread, so sync and async tests can both block on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Awaitable[T], timeout: float = 60) -> T:
        async def wrapper() -> T:
            return await coro

        future: Future[T] = asyncio.run_coroutine_threadsafe(wrapper(), self.loop)
        return future.result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@dataclass(frozen=True)
class Owner:
    email: str
    password: str
    account_id: str
    user_id: str
    role: str
    token: str
    payment_method_id: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class LedgerRow:
    kind: str
    amount: int
    balance_after: int
    reference: str | None
    description: str


class LiveServer(ServerProcess):
    """The session's server plus direct, honest access to its database for set-up and checks."""

    _loop: _LoopThread | None = None
    _context: Any = None
    _password_pair: tuple[str, str] | None = None

    def open_database(self) -> None:
        from credits_server.context import make_context
        from credits_server.settings import Settings

        self._loop = _LoopThread()
        settings = Settings(database_url=self.database_url)
        self._context = make_context(settings)

    @contextmanager
    def running(self) -> Iterator[Self]:
        """Started, with its database open; closed and stopped on leaving, whatever happened."""
        self.start()
        self.open_database()
        try:
            yield self
        finally:
            self.close_database()
            self.stop()

    def close_database(self) -> None:
        if self._loop is not None:
            self._loop.run(self._context.db.dispose())
            self._loop.close()
            self._loop = None

    def run(self, action: Callable[[Any], Awaitable[T]]) -> T:
        assert self._loop is not None, "the database is not open"
        return self._loop.run(action(self._context))

    def _password(self) -> tuple[str, str]:
        """One random password (and its argon2id hash) for this session's users: hashing costs
        about 100 ms, and a test signs in with the password it is given, whatever it is."""
        if self._password_pair is None:
            from credits_server.security import hash_password

            password = f"pw-{secrets.token_urlsafe(12)}"
            self._password_pair = (password, hash_password(password))
        return self._password_pair

    def make_owner(
        self,
        balance: int = 0,
        *,
        with_card: bool = True,
        role: str = "owner",
        card_number: str = TEST_CARD,
        name: str | None = None,
        currency: str = "USD",
    ) -> Owner:
        suffix = secrets.token_hex(5)
        email = f"{role}-{suffix}@example.test"
        password, password_hash = self._password()
        account_name = name or f"Test Co {suffix}"

        async def action(ctx: Any) -> Owner:
            from credits_server.cards import check_card
            from credits_server.ledger import post
            from credits_server.models import utcnow
            from credits_server.services.accounts import create_account, create_user
            from credits_server.services.auth import issue_session
            from credits_server.services.payment_methods import save_tokenized

            method_id = None
            saved = None
            if with_card:
                card = check_card(card_number, 12, utcnow().year + 3, "123", "Test Owner")
                token = (await ctx.gateway.tokenize(card)).token
                saved = await ctx.gateway.save_for_future(token, customer="test")
            async with ctx.db.write() as session:
                account = await create_account(session, ctx.settings, account_name, currency)
                user = await create_user(session, account.id, email, password_hash, role)
                if saved is not None:
                    method_id = (await save_tokenized(session, account.id, saved, "Test Owner")).id
                if balance:
                    await post(
                        session,
                        account.id,
                        kind="adjustment",
                        amount=balance,
                        description="Opening balance",
                        reference="opening",
                    )
            new = await issue_session(ctx, user)
            return Owner(email, password, account.id, user.id, role, new.token, method_id)

        return self.run(action)

    def add_user(self, account_id: str, role: str = "viewer") -> Owner:
        suffix = secrets.token_hex(5)
        email = f"{role}-{suffix}@example.test"
        password, password_hash = self._password()

        async def action(ctx: Any) -> Owner:
            from credits_server.services.accounts import create_user
            from credits_server.services.auth import issue_session

            async with ctx.db.write() as session:
                user = await create_user(session, account_id, email, password_hash, role)
            new = await issue_session(ctx, user)
            return Owner(email, password, account_id, user.id, role, new.token)

        return self.run(action)

    def operator(self, *args: str) -> str:
        """An installed `credits-server` command on this server's database, as its operator runs
        it; its output (a failure raises with the command's stderr)."""
        done = subprocess.run(
            [credits_server_executable(), *args],
            env={**os.environ, "CREDITS_SERVER_DATABASE_URL": self.database_url},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode:
            raise AssertionError(f"credits-server {' '.join(args)}: {done.stderr}")
        return done.stdout

    def balance(self, account_id: str) -> int:
        async def action(ctx: Any) -> int:
            from credits_server.models import Account

            async with ctx.db.read() as session:
                account = await session.get(Account, account_id)
                assert account is not None
                return int(account.balance)

        return self.run(action)

    def ledger(self, account_id: str) -> list[LedgerRow]:
        async def action(ctx: Any) -> list[LedgerRow]:
            from sqlalchemy import select

            from credits_server.models import LedgerEntry

            async with ctx.db.read() as session:
                rows = (
                    await session.execute(
                        select(LedgerEntry)
                        .where(LedgerEntry.account_id == account_id)
                        .order_by(LedgerEntry.id)
                    )
                ).scalars()
                return [
                    LedgerRow(r.kind, r.amount, r.balance_after, r.reference, r.description)
                    for r in rows
                ]

        return self.run(action)

    def charge_count(self, account_id: str | None = None) -> int:
        async def action(ctx: Any) -> int:
            from sqlalchemy import func, select

            from credits_server.gateway.sandbox.tables import SandboxCharge

            query = select(func.count()).select_from(SandboxCharge)
            if account_id is not None:
                query = query.where(SandboxCharge.customer == account_id)
            async with ctx.db.read() as session:
                return int((await session.execute(query)).scalar_one())

        return self.run(action)

    def files_to_audit(self) -> list[Path]:
        """The database (with its WAL), the request log and the server's own output."""
        names = [self.database_path, Path(f"{self.database_path}-wal"), self.log_path]
        return [path for path in [*names, self.output_path] if path.exists()]

    def find_secrets(self, secrets_: list[str]) -> list[str]:
        """Which of these strings appear anywhere in the audited files, as "file: secret"."""
        found = []
        for path in self.files_to_audit():
            data = path.read_bytes()
            found += [f"{path.name}: {s}" for s in secrets_ if s.encode() in data]
        return found

    def topup_statuses(self, account_id: str) -> list[str]:
        async def action(ctx: Any) -> list[str]:
            from sqlalchemy import select

            from credits_server.models import Topup

            async with ctx.db.read() as session:
                rows = await session.execute(
                    select(Topup.status)
                    .where(Topup.account_id == account_id)
                    .order_by(Topup.created_at)
                )
                return [str(status) for status in rows.scalars()]

        return self.run(action)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from tests.support.postgres import drop_database, private_database_url

    # PostgreSQL pass: a database of this session's own, so xdist workers never share one.
    database_url = private_database_url("live")
    server = LiveServer(
        tmp_path_factory.mktemp("credits-server"),
        database_url_override=database_url,
        from_template=False,  # `serve --migrate` on an empty database, once per session
        # Many tests pay many times a minute, or try many cards, on one account: the card-testing
        # limits are tested on servers of their own (tests/hardening/test_rate_limits.py,
        # tests/credits_server/test_card_save_limit.py).
        env={
            "CREDITS_SERVER_TOPUP_MAX_PER_MINUTE": "1000",
            "CREDITS_SERVER_CARD_SAVES_MAX": "1000",
            # Every test signs in from 127.0.0.1 (test_sign_in_throttle.py has a server of its own).
            "CREDITS_SERVER_LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
        },
    )
    try:
        with server.running():
            yield server
    finally:
        if database_url is not None:
            drop_database(database_url)
    # After the whole session: no test card number was written anywhere, whoever sent it.
    leaked = server.find_secrets(STRIPE_TEST_CARDS)
    assert not leaked, f"card numbers found in the server's files: {leaked}"


@pytest.fixture
def owner(live_server: LiveServer) -> Owner:
    return live_server.make_owner(balance=5000)


@pytest.fixture
async def client(live_server: LiveServer, owner: Owner) -> AsyncIterator[httpx.AsyncClient]:
    """An API client signed in as `owner`."""
    async with httpx.AsyncClient(
        base_url=live_server.url, headers=owner.headers, timeout=30
    ) as client:
        yield client

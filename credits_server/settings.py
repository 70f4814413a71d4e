"""Settings of the credits service: environment (CREDITS_SERVER_*) over an optional TOML file."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

APP_NAME = "credits-server"


def config_path() -> Path:
    """The TOML file read at start-up: $CREDITS_SERVER_CONFIG, else the user config dir."""
    explicit = os.environ.get("CREDITS_SERVER_CONFIG")
    if explicit:
        return Path(explicit)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_database_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "credits.db"


class Settings(BaseSettings):
    """Everything an operator may change. Amounts are integer minor units of `currency`."""

    model_config = SettingsConfigDict(env_prefix="CREDITS_SERVER_", extra="ignore")

    database_url: str = ""
    """SQLAlchemy URL; empty means SQLite in the platformdirs user data dir."""
    demo: bool = False
    """Demo mode: the demo account is seeded and its credentials are served by /v1/server-info."""
    migrate_on_start: bool = False
    """Apply the Alembic migrations before serving."""
    log_file: str = ""
    """Where the one-JSON-line-per-request log goes; empty means standard error."""
    log_requests: bool = True
    public_url: str = ""
    """Base URL used in links the server hands out (3-D Secure pages); empty: the request's."""

    currency: str = "USD"
    """Currency of newly created accounts."""
    topup_presets: list[int] = Field(default=[1000, 2500, 5000, 10000, 25000, 50000])
    topup_min: int = 1000
    topup_max: int = 100000
    low_balance_level: int = 1000
    """Warning level used for `low_balance` when auto-recharge is off."""

    threshold_min: int = 500
    threshold_max: int = 50000
    recharge_amount_min: int = 1000
    recharge_amount_max: int = 100000
    recharge_step: int = 500

    session_ttl_seconds: int = 14 * 24 * 3600
    login_max_failures: int = Field(default=5, ge=1)
    """Failed sign-ins of one email from one client address before each further try waits
    (wrong invitation codes are counted apart, by the same rules)."""
    login_max_failures_per_address: int = Field(default=50, ge=1)
    """Failed sign-ins from one client address, any email, before each further try waits."""
    login_delay_seconds: int = Field(default=30, ge=1)
    """The wait once a limit is reached, doubled for each failure past it (at most the window)."""
    login_window_seconds: int = Field(default=15 * 60, ge=1)
    """How long a failed sign-in is remembered; also the longest wait."""
    trusted_proxies: list[str] = Field(default=[])
    """Addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For is believed; a
    request from anywhere else is throttled by its own peer address."""
    database_busy_timeout_ms: int = Field(default=30_000, ge=0)
    """SQLite: how long a write waits while another process holds the database's write lock;
    then the answer is 503 `database_busy` with Retry-After, and nothing is written."""
    topup_max_per_minute: int = 10
    """Top-ups an account may start per minute (card-testing defence); then 429 with Retry-After."""
    card_saves_max: int = Field(default=10, ge=1)
    """Cards an account may send to be saved (POST /v1/payment-methods) per
    `card_saves_window_seconds`, refused cards included (card-testing defence: a refused card
    leaves no saved row); then 429 with Retry-After, and the gateway is not called."""
    card_saves_window_seconds: int = Field(default=3600, ge=1)
    max_body_bytes: int = 1024 * 1024
    """Largest request body accepted; a larger one is refused with 413 before it is read."""

    gateway: str = "sandbox"
    """The payment gateway, by its name in `gateway/registry.py`: "sandbox" or "stripe"."""
    stripe_secret_key: SecretStr = SecretStr("")
    """Stripe's secret (`sk_…`) or restricted (`rk_…`) key; never logged."""
    stripe_publishable_key: str = ""
    """Stripe's publishable key (`pk_…`), handed to the app to tokenize cards with."""
    stripe_webhook_secret: SecretStr = SecretStr("")
    """The signing secret (`whsec_…`) of the webhook endpoint `/v1/webhooks/stripe`."""
    stripe_api_base: str = "https://api.stripe.com"
    """Where Stripe's API is reached (a test double in tests)."""
    reconcile_after_seconds: float = 300.0
    """A payment still unsettled this long is settled from the gateway's answer (reconciliation)."""
    reconcile_poll_seconds: float = 30.0
    """How often each server process looks for payments to reconcile."""
    payment_page: Literal["offered", "only", "off"] = "offered"
    """The secure payment page (a payment link the app shows as a short link and a QR code):
    "offered" beside the app's card form, "only" (the app hides its card form and
    POST /v1/topups with a new card is refused), or "off" (no payment links)."""
    payment_link_ttl_seconds: int = Field(default=900, ge=60)
    """How long a payment link opens its page; then it answers 410 and the app offers a new one."""
    sandbox_charge_delay_ms: int = 0
    """Pretend latency of the sandbox gateway, so a client can see a payment in flight."""
    sandbox_authentication_seconds: float = Field(default=600.0, gt=0)
    """How long the sandbox's bank waits for a 3-D Secure answer; then the payment fails
    (`authentication_expired`), as a bank's page times out."""
    duplicate_wait_seconds: float = 30.0
    """How long a request repeating an in-flight Idempotency-Key waits for the first to finish."""
    stale_processing_seconds: float = 60.0
    """A top-up still `processing` after this long is resumed (same gateway idempotency key)."""
    sandbox_answer_delay_ms: int = 0
    """Tests only: the sandbox records a charge, then waits this long before answering."""

    api_key_cache_seconds: float = 5.0
    """How long a process trusts an API key it has checked (POST /v1/usage) before reading it
    again: a key revoked in the database stops working within this time (0: read every time)."""
    usage_overdraft: int = 0
    """How far below zero usage may take a balance; past it POST /v1/usage answers 402."""
    recharge_max_attempts: int = 3
    """Declined recharge attempts (each tries the card, then the backup) before switching off."""
    recharge_backoff_seconds: float = 60.0
    """Wait before the second attempt; doubled for each later one."""
    recharge_daily_limit: int = 5
    """Recharges per account per 24 hours when the owner has not set `daily_limit`."""
    recharge_poll_seconds: float = 1.0
    """How often the recharge worker looks for due intents (it is also woken by this process)."""
    recharge_lease_seconds: float = 30.0
    """A claimed intent whose lease is this old (its worker died) is taken over by another."""
    events_poll_seconds: float = 0.5
    """How often an open event stream reads new events from the database."""
    events_keepalive_seconds: float = 15.0

    smtp_url: SecretStr = SecretStr("")
    """Where notification emails are sent: `smtp://[user:password@]host[:port]` (STARTTLS when
    the server offers it) or `smtps://…` (TLS from the start); never logged. Empty: emails wait
    in the outbox (retried, then dead letters) until it is set."""
    mail_from: str = ""
    """The From address of notification emails (e.g. `Credits <billing@example.com>`)."""
    notify_poll_seconds: float = 1.0
    """How often each server process looks for notifications to deliver (it is also woken)."""
    notify_lease_seconds: float = 60.0
    """A target whose delivering worker's lease is this old (it died) is taken over by another."""
    notify_timeout_seconds: float = 10.0
    """How long one delivery (an SMTP exchange, a webhook request) may take before it failed."""
    notify_backoff_seconds: float = 30.0
    """Wait before a failed message is tried again; doubled for each later failure..."""
    notify_backoff_max_seconds: float = 3600.0
    """...up to this wait between tries."""
    notify_give_up_seconds: float = 3 * 24 * 3600.0
    """A message still undelivered this long after it was written becomes a dead letter."""
    notify_disable_after_seconds: float = 4 * 24 * 3600.0
    """A target that has failed for this long without one success is switched off, and the
    owner is told (by email to the account's email targets, and in the app)."""
    notify_keep_seconds: float = 30 * 24 * 3600.0
    """Delivered (and dropped) messages are deleted this long after they were written; dead
    letters are kept for the owner to see."""
    webhook_allow_http: bool = False
    """Tests only: webhook URLs may use http:// when they reach a loopback address."""
    webhook_allowed_networks: list[str] = Field(default=[])
    """Private networks (CIDR) webhooks may reach; without them a webhook whose host resolves to
    a private, loopback, link-local or reserved address is refused (SSRF defence)."""
    seller_name: str = ""
    """The seller on receipts (the operator's company); receipts are numbered without gaps per
    seller name, so a new name starts its own series at 1. Empty: no seller block."""
    seller_address: str = ""
    """The seller's address on receipts; a newline (`\\n` in TOML) starts a new line."""
    seller_tax_id: str = ""
    """The seller's tax number on receipts (VAT or GST number); empty: not shown."""
    tax_label: str = "VAT"
    """The tax's name on the receipt's tax line."""
    tax_rate_basis_points: int | None = Field(default=None, ge=0, le=10_000)
    """The tax included in every payment, in hundredths of a percent (2000 = 20%); a receipt then
    has a tax line with the included tax, rounded half up to the minor unit. None: no tax line."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_path())
        return (init_settings, env_settings, toml)

    @field_validator("trusted_proxies", "webhook_allowed_networks")
    @classmethod
    def _are_networks(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            ipaddress.ip_network(entry, strict=False)  # a ValueError names the field
        return entries

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{default_database_path()}"

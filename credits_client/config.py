"""Settings of the app, highest first: command-line flags, CREDITS_TUI_* environment, TOML file,
defaults.

Nothing happens at import: the file is found and read only when `load_settings` is called.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from credits_client.paths import config_path as config_path  # re-exported: the CLI asks here
from credits_core.names import did_you_mean

ENV_PREFIX = "CREDITS_TUI_"
"""An environment variable that names the config file, below `--config` and above the default."""

# The TOML values being loaded; a context variable so `load_settings` can hand them to the source
# without a module-level global being mutated.
_FILE_VALUES: ContextVar[Mapping[str, Any] | None] = ContextVar("credits_tui_file", default=None)


class ConfigError(Exception):
    """A configuration problem; `str()` is one line naming the key and where it came from."""


class Settings(BaseSettings):
    """Everything a person can configure. Each field's docstring is its documentation."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        validate_default=True,
    )

    api_url: str = ""
    """Base URL of the credits service, like https://credits.example.com. Empty: start the embedded
    local server (demo data) on this machine."""

    email: str = ""
    """Email address to prefill on the sign-in screen."""

    timeout: float = Field(default=10.0, gt=0, le=300)
    """Seconds to wait for the server to connect or answer before retrying (0 < timeout <= 300)."""

    ca_bundle: Path | None = None
    """A PEM file of extra certificate authorities to trust, on top of the system's certificate
    store (for a CA that is not installed there)."""

    verify: bool = True
    """Check the server's TLS certificate. Turn off only for a local test server."""

    theme: str = "textual-dark"
    """Colour theme of the app (any Textual theme name, e.g. textual-dark, textual-light, nord)."""

    mouse: bool = True
    """Let the mouse click and scroll; off keeps the terminal's own text selection working."""

    ascii: bool = False
    """Draw with plain ASCII only (no box drawing or symbols), for terminals without Unicode. Set
    nowhere, a locale whose character set is not UTF-8 turns it on."""

    remember_session: bool = False
    """Tick "Remember me" on the sign-in screen at first: a sign-in with it ticked is kept between
    runs in a file only you can read (0600) in the state dir, and resumed at the next start."""

    log_file: Path | None = None
    """Append a debug log here. Empty: no log. Card numbers, CVCs, passwords and tokens are never
    logged."""

    data_dir: Path | None = None
    """Where the embedded local server keeps its database. Empty: the user data dir."""

    keymap: dict[str, str] = Field(default_factory=dict)
    """Key bindings to change, binding id to keys, e.g. {"app.quit" = "ctrl+x"}. An id that names no
    binding is reported when the app starts."""

    @field_validator("api_url")
    @classmethod
    def _api_url_is_http(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(
                "must start with http:// or https://, or be empty for the local server"
            )
        return value

    @field_validator("ca_bundle", "log_file", "data_dir", mode="before")
    @classmethod
    def _empty_path_is_none(cls, value: object) -> object:
        if isinstance(value, str):
            return Path(value).expanduser() if value.strip() else None
        return value

    @field_validator("ca_bundle")
    @classmethod
    def _ca_bundle_exists(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if not value.is_file():
            raise ValueError(f"no such file: {value}")
        import ssl  # deferred: only a configured bundle needs it (start-up time)

        try:
            ssl.create_default_context().load_verify_locations(cafile=str(value))
        except (ssl.SSLError, OSError):
            raise ValueError(f"{value} is not a PEM file of certificates") from None
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Highest first: flags (init kwargs), environment, the TOML file. No .env, no secrets dir.
        file_settings = InitSettingsSource(settings_cls, init_kwargs=dict(_FILE_VALUES.get() or {}))
        return (init_settings, env_settings, file_settings)


def keys() -> list[str]:
    """Every configuration key, in declaration order."""
    return list(Settings.model_fields)


def load_settings(
    config_path: Path | None = None, overrides: Mapping[str, object] | None = None
) -> Settings:
    """Read the settings. `config_path` is `--config` (must exist); `overrides` are the flags given.

    Flags whose value is None count as not given. Raises ConfigError (one line) on any problem.
    """
    explicit = config_path is not None
    path = _find_config(config_path)
    flags = {key: value for key, value in (overrides or {}).items() if value is not None}
    _reject_unknown(flags, "on the command line")
    file_values = _read_toml(path, required=explicit)
    _reject_unknown(file_values, f"in {path}")
    token = _FILE_VALUES.set(file_values)
    try:
        return Settings(**flags)  # type: ignore[arg-type]  # pydantic checks the values
    except ValidationError as error:
        raise ConfigError(_describe(error, flags, file_values, path)) from None
    finally:
        _FILE_VALUES.reset(token)


def _find_config(explicit: Path | None) -> Path:
    # Separate from the public name so `load_settings`'s parameter can share it.
    return config_path(explicit)


def _read_toml(path: Path, *, required: bool) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise ConfigError(f"config file {path} does not exist") from None
        return {}
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not readable UTF-8 text"
        raise ConfigError(f"config file {path} cannot be read: {reason}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path} is not valid TOML: {error}") from None


def _reject_unknown(values: Mapping[str, object], where: str) -> None:
    known = Settings.model_fields
    for key in values:
        if key not in known:
            hint = did_you_mean(key.replace("-", "_"), known)
            raise ConfigError(f"unknown setting '{key}' {where}{hint}")


def _describe(
    error: ValidationError,
    flags: Mapping[str, object],
    file_values: Mapping[str, object],
    path: Path,
) -> str:
    first = error.errors(include_url=False)[0]
    key = str(first["loc"][0]) if first["loc"] else "?"
    message = _plain(first["msg"])
    got = first.get("input")
    shown = f" (got {_short(got)})" if isinstance(got, str | int | float | bool) else ""
    source: str
    env_name = f"{ENV_PREFIX}{key.upper()}"
    if key in flags:
        source = f"the command-line flag --{key.replace('_', '-')}"
    elif env_name in os.environ:
        source = f"the environment variable {env_name}"
    elif key in file_values:
        source = f"config file {path}"
    else:
        source = "the defaults"
    return f"bad value for '{key}' in {source}: {message}{shown}"


def _plain(message: str) -> str:
    # pydantic prefixes custom validator messages with "Value error, ".
    return message.removeprefix("Value error, ").replace("\n", " ")


def _short(value: str | int | float | bool) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."

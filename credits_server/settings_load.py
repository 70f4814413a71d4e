"""Reading the settings for the command line: any mistake is one line naming the setting and
where its value came from (the environment, the TOML file), never a traceback; a name that is
no setting is refused, with the nearest one."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pydantic_settings
from pydantic import ValidationError

from credits_core.names import did_you_mean
from credits_server.settings import Settings, config_path

ENV_PREFIX = "CREDITS_SERVER_"
NOT_SETTINGS = {"CREDITS_SERVER_CONFIG", "CREDITS_SERVER_API_KEY"}
"""Variables of the command line itself: the file to read, the key `simulate-usage` sends."""


class SettingsError(Exception):
    """A setting that cannot be used; the message is one line for the operator."""


def load_settings(**overrides: Any) -> Settings:
    """The settings (`overrides` are the command's flags), or SettingsError."""
    path = config_path()
    file_values = _read_toml(path)
    _reject_unknown(file_values, lambda key: f"'{key}' in {path}", lambda key: f"'{key}'")
    variables = [name for name in os.environ if name.startswith(ENV_PREFIX)]
    _reject_unknown(
        [name.removeprefix(ENV_PREFIX).lower() for name in variables if name not in NOT_SETTINGS],
        lambda key: f"{ENV_PREFIX}{key.upper()} in the environment",
        lambda key: f"{ENV_PREFIX}{key.upper()}",
    )
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(_describe(error, overrides, file_values, path)) from None
    except pydantic_settings.SettingsError as error:  # a list or table that is not JSON
        raise SettingsError(_unparsed(error, file_values, path)) from None
    _check_gateway(settings, file_values, path)
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not readable UTF-8 text"
        raise SettingsError(f"the settings file {path} cannot be read: {reason}") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"the settings file {path} is not valid TOML: {error}") from None


def _reject_unknown(
    keys: Iterable[str], where: Callable[[str], str], spelt: Callable[[str], str]
) -> None:
    known = list(Settings.model_fields)
    for key in keys:
        if key in known:
            continue
        raise SettingsError(f"unknown setting {where(key)}{did_you_mean(key, known, spelt)}")


def _source(key: str, overrides: dict[str, Any], file_values: dict[str, Any], path: Path) -> str:
    variable = f"{ENV_PREFIX}{key.upper()}"
    if key in overrides:
        return "the command line"
    if variable in os.environ:
        return f"the environment variable {variable}"
    if key in file_values:
        return f"the settings file {path}"
    return "the defaults"


def _describe(
    error: ValidationError, overrides: dict[str, Any], file_values: dict[str, Any], path: Path
) -> str:
    first = error.errors(include_url=False)[0]
    key = str(first["loc"][0]) if first["loc"] else "?"
    message = str(first["msg"]).removeprefix("Value error, ").replace("\n", " ")
    got = first.get("input")
    shown = f" (got {got!r:.60})" if isinstance(got, str | int | float | bool) else ""
    return (
        f"bad value for '{key}' in {_source(key, overrides, file_values, path)}: {message}{shown}"
    )


def _unparsed(
    error: pydantic_settings.SettingsError, file_values: dict[str, Any], path: Path
) -> str:
    found = re.search(r'field "(\w+)"', str(error))
    key = found.group(1) if found else "?"
    cause = f": {error.__cause__}" if error.__cause__ else ""
    source = _source(key, {}, file_values, path)
    return f"bad value for '{key}' in {source}: not valid JSON{cause}"


def _check_gateway(settings: Settings, file_values: dict[str, Any], path: Path) -> None:
    from credits_server.gateway.registry import GATEWAYS

    if settings.gateway not in GATEWAYS:
        known = ", ".join(sorted(GATEWAYS))
        source = _source("gateway", {}, file_values, path)
        raise SettingsError(
            f"bad value for 'gateway' in {source}: no payment gateway {settings.gateway!r} "
            f"(known: {known})"
        )

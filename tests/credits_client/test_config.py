"""Configuration: file < environment < flag, the example file, and one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pexpect
import pytest

from credits_client.config import ConfigError, Settings, config_path, load_settings
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_precedence_file_then_environment_then_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write(tmp_path / "c.toml", 'timeout = 5\ntheme = "nord"\nemail = "file@example.com"\n')

    assert load_settings(config, {}).timeout == 5
    monkeypatch.setenv("CREDITS_TUI_TIMEOUT", "7")
    assert load_settings(config, {}).timeout == 7
    settings = load_settings(config, {"timeout": 9, "email": None})
    assert settings.timeout == 9
    # A flag not given (None) does not hide the lower layers.
    assert settings.email == "file@example.com"
    assert settings.theme == "nord"


def test_defaults_without_any_file() -> None:
    settings = load_settings(None, {})
    assert settings == Settings()
    assert settings.api_url == ""
    assert settings.verify is True
    assert settings.remember_session is False


def test_default_path_follows_xdg_config_home(tmp_path: Path) -> None:
    expected = tmp_path / "xdg_config_home" / "credits-tui" / "config.toml"
    assert config_path() == expected
    write(expected, 'api_url = "https://credits.example.com/"\nmouse = "off"\n')
    settings = load_settings(None, {})
    assert settings.api_url == "https://credits.example.com"
    assert settings.mouse is False


def test_config_env_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = write(tmp_path / "elsewhere.toml", 'email = "env-file@example.com"\n')
    monkeypatch.setenv("CREDITS_TUI_CONFIG", str(other))
    assert config_path() == other
    assert load_settings(None, {}).email == "env-file@example.com"
    # --config still wins over the variable.
    flagged = write(tmp_path / "flag.toml", 'email = "flag-file@example.com"\n')
    assert load_settings(flagged, {}).email == "flag-file@example.com"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("timeout = -1\n", ["'timeout'", "greater than 0"]),
        ('timeout = "soon"\n', ["'timeout'", "'soon'"]),
        ('api_url = "ftp://x"\n', ["'api_url'", "http://"]),
        ('ca_bundle = "/no/such/ca.pem"\n', ["'ca_bundle'", "no such file"]),
        ("remember_sesion = true\n", ["'remember_sesion'", "did you mean 'remember_session'"]),
        ("timeout = = 3\n", ["not valid TOML"]),
    ],
)
def test_bad_file_gives_one_line_naming_key_and_file(
    tmp_path: Path, text: str, words: list[str]
) -> None:
    config = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(config, {})
    message = str(caught.value)
    assert "\n" not in message
    assert str(config) in message
    for word in words:
        assert word in message


def test_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDITS_TUI_VERIFY", "perhaps")
    with pytest.raises(ConfigError, match="CREDITS_TUI_VERIFY") as caught:
        load_settings(None, {})
    assert "'verify'" in str(caught.value)


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "absent.toml", {})


def test_cli_prints_one_line_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path / "bad.toml", "timeout = 0\n")
    assert main(["--config", str(config), "config-path"]) == 0  # config-path does not validate
    capsys.readouterr()
    assert main(["--config", str(config), "balance"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "timeout" in err
    assert str(config) in err
    assert "Traceback" not in err


def test_the_app_with_a_bad_config_paints_then_exits_2_with_one_line(tmp_path: Path) -> None:
    # The app validates its settings right after the first paint (start-up speed), then leaves
    # the terminal as it found it and says what is wrong in one line.
    config = write(tmp_path / "bad.toml", "timeout = 0\n")
    exe = str(Path(sys.executable).parent / "credits-tui")
    child = pexpect.spawn(
        exe,
        ["--config", str(config)],
        dimensions=(24, 80),
        env={**os.environ, "TERM": "xterm-256color"},
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    output = child.before.decode(errors="replace")
    assert child.exitstatus == 2
    # What follows the terminal's restore sequences on the last line is the message.
    line = next(text for text in output.splitlines() if "credits-tui: " in text)
    line = line[line.index("credits-tui: ") :]
    assert line.count("credits-tui: ") == 1
    assert "timeout" in line
    assert str(config) in line
    assert "Traceback" not in output


def test_example_file_documents_exactly_the_settings() -> None:
    example = ROOT / "config.example.toml"
    keys = set(tomllib.loads(example.read_text(encoding="utf-8")))
    assert keys == set(Settings.model_fields), "config.example.toml and Settings disagree"
    assert load_settings(example, {}) == Settings()
    # Every key carries a comment just above it (or above its table).
    lines = example.read_text(encoding="utf-8").splitlines()
    for key in Settings.model_fields:
        index = next(i for i, line in enumerate(lines) if line.startswith((f"{key} =", f"[{key}]")))
        assert lines[index - 1].startswith("#"), f"{key} has no comment"


def test_every_setting_is_documented() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"{name} has no docstring"


def test_import_and_load_create_no_directories(tmp_path: Path) -> None:
    script = (
        "from credits_client.config import load_settings\n"
        "from credits_client.store import AccountStore\n"
        "load_settings(None, {})\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=ROOT)
    assert not (tmp_path / "home").exists()

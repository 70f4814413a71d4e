"""Each data directory has a runtime directory (and so a server) of its own, at a path short
enough for a Unix socket."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from credits_client.embedded import SOCKET_NAME, EmbeddedServer, runtime_dir

# AF_UNIX socket paths on Linux: 108 bytes, the terminating NUL included.
AF_UNIX_PATH_MAX = 108


def test_two_data_directories_have_two_runtime_directories(tmp_path: Path) -> None:
    env = {"XDG_RUNTIME_DIR": "/run/user/1000"}
    first = runtime_dir(tmp_path / "a", env)
    second = runtime_dir(tmp_path / "b", env)
    assert first != second
    assert first.parent == second.parent == Path("/run/user/1000/credits-tui")


def test_one_data_directory_however_spelt_has_one_runtime_directory(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "data")
    env = {"XDG_RUNTIME_DIR": "/run/user/1000"}
    spellings = [tmp_path / "data", tmp_path / "link", tmp_path / "data" / ".." / "data"]
    assert len({runtime_dir(path, env) for path in spellings}) == 1


def test_without_xdg_runtime_dir_it_is_the_users_own_under_tmp(tmp_path: Path) -> None:
    directory = runtime_dir(tmp_path, {})
    assert directory.parent == Path(f"/tmp/credits-tui-{os.getuid()}")


def test_the_socket_path_fits_with_room_to_spare(tmp_path: Path) -> None:
    deep = tmp_path / ("a-long-folder-name" * 10)
    for env in ({"XDG_RUNTIME_DIR": "/run/user/4294967294"}, {}):
        socket = runtime_dir(deep, env) / SOCKET_NAME
        assert len(os.fsencode(socket)) < AF_UNIX_PATH_MAX - 40


def test_a_relative_data_directory_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    server = EmbeddedServer(database_dir=Path("relative-data"))
    # The supervisor and the server run in the runtime directory, not in the app's.
    database = tmp_path.resolve() / "relative-data" / "credits.db"
    assert server.database_url == f"sqlite+aiosqlite:///{database}"
    assert server.directory == runtime_dir(tmp_path / "relative-data")

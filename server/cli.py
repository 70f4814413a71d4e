"""The `credits-server` command line."""

from __future__ import annotations

import argparse

from server import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="credits-server", description="The credits service.")
    parser.add_argument("--version", action="version", version=f"credits-server {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    build_parser().parse_args(argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

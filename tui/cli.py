"""The `credits-tui` command line."""

from __future__ import annotations

import argparse
import sys

from tui import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credits-tui",
        description=(
            "Keep a business phone account funded: see the calling-credit balance, "
            "add credits and set up auto-recharge, from the keyboard."
        ),
    )
    parser.add_argument("--version", action="version", version=f"credits-tui {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    parser.parse_args(argv)
    print("credits-tui: the app is not built yet", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())

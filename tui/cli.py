"""The `credits-tui` command line: the app, and a few commands for scripts.

Imports are deferred into each command: `--version` and `--help` must not pay for Textual, and the
app must not pay for the server (it runs in another process). The app's own start, with none or
only its plain flags, does not pay for argparse either (`app_flags`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    import argparse
    from datetime import date

# The app's flags that take a value, and those that take none, as `build_parser` defines them.
_VALUE_FLAGS = {
    "--config": "config",
    "--api-url": "api_url",
    "--email": "email",
    "--theme": "theme",
}
_BARE_FLAGS = {"--no-mouse": ("mouse", False), "--ascii": ("ascii", True)}


def app_flags(argv: list[str]) -> SimpleNamespace | None:
    """What `build_parser().parse_args(argv)` gives when `argv` is only the app's flags, each
    spelt whole (`--api-url URL`, `--api-url=URL`, `--no-mouse`...); None for anything else
    (a command, help, an abbreviation, a value that starts with "-"), which argparse reads.
    Importing argparse and building the parser with every command took ~5 ms of the start."""
    values: dict[str, Any] = {"config": None, "command": None, "mouse": None, "ascii": None}
    values |= {name: None for name in _VALUE_FLAGS.values()}
    index = 0
    while index < len(argv):
        token = argv[index]
        flag, equals, value = token.partition("=")
        if flag in _VALUE_FLAGS:
            if not equals:
                index += 1
                if index == len(argv):
                    return None
                value = argv[index]
                if value.startswith("-"):
                    return None
            values[_VALUE_FLAGS[flag]] = value
        elif token in _BARE_FLAGS:
            name, setting = _BARE_FLAGS[token]
            values[name] = setting
        else:
            return None
        index += 1
    if values["config"] is not None:
        values["config"] = Path(values["config"])
    return SimpleNamespace(**values)


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from credits_core.version import PrintVersion
    from tui.cli_serve_ssh import add_serve_ssh

    class OneLineParser(argparse.ArgumentParser):
        """A mistake on the command line is one line on stderr and exit status 2, as every
        other mistake of every command is; the usage is in `--help`. Its subcommands' parsers
        are its kind."""

        def error(self, message: str) -> NoReturn:
            self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")

    parser = OneLineParser(
        prog="credits-tui",
        description=(
            "Keep a business phone account funded: see the calling-credit balance, "
            "add credits and set up auto-recharge, from the keyboard. With no api_url "
            "configured it starts a local demo server (demo@example.com / demo-password)."
        ),
    )
    parser.add_argument("--version", action=PrintVersion)
    parser.add_argument("--config", type=Path, metavar="PATH", help="configuration file (TOML)")
    parser.add_argument(
        "--api-url", metavar="URL", help="credits server to use (default: the embedded one)"
    )
    parser.add_argument("--email", metavar="EMAIL", help="email to prefill on the login screen")
    parser.add_argument("--theme", metavar="NAME", help="Textual theme name")
    parser.add_argument(
        "--no-mouse",
        dest="mouse",
        action="store_false",
        default=None,
        help="turn mouse reporting off (less traffic over slow SSH links)",
    )
    parser.add_argument(
        "--ascii",
        action="store_true",
        default=None,
        help="draw with plain ASCII only (no box drawing or symbols)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    balance = commands.add_parser(
        "balance",
        help="print the balance (for scripts and cron)",
        description=(
            'Print the balance of the account signed in with "Remember me". Exit status 1: the '
            "server cannot be reached (try again later); 2: not signed in, or the server refused "
            "(a person must act)."
        ),
    )
    balance.add_argument("--json", action="store_true", help="print JSON instead of text")
    commands.add_parser(
        "logout", help="sign out: revoke the remembered session on the server and forget it"
    )
    commands.add_parser("config-path", help="print where the configuration file is looked for")
    add_document_commands(commands)
    add_serve_ssh(commands)
    return parser


def _day(text: str) -> date:
    import argparse
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-31") from None


def add_document_commands(commands: Any) -> None:
    receipt = commands.add_parser(
        "receipt",
        help="print a payment's receipt, or save it as a PDF",
        description="Print the receipt (its id is in History or the export's receipt_id column).",
    )
    receipt.add_argument("receipt_id", metavar="ID", help="the receipt's id (rc_...)")
    receipt.add_argument("--pdf", type=Path, metavar="FILE", help="save it as a PDF here")
    export = commands.add_parser(
        "export",
        help="save the transactions of a period as CSV",
        description=(
            "Save the ledger entries from --from to --to (whole days, UTC, both included; "
            "either may be left out) as CSV, oldest first, money in minor units and as text."
        ),
    )
    export.add_argument("--from", dest="start", type=_day, metavar="DATE")
    export.add_argument("--to", dest="end", type=_day, metavar="DATE")
    # Checked by the server, which names the kinds there are (topup, usage...) when it refuses one.
    export.add_argument("--kind", metavar="KIND", help="only entries of this kind, e.g. topup")
    export.add_argument("--csv", type=Path, metavar="FILE", required=True, help="write it here")


def _overrides(args: argparse.Namespace | SimpleNamespace) -> dict[str, object]:
    """Flags given on the command line, highest in precedence."""
    names = ("api_url", "email", "theme", "mouse", "ascii")
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def main(argv: list[str] | None = None) -> int:
    flags = app_flags(sys.argv[1:] if argv is None else argv)
    if flags is not None:
        return _app(flags)
    args = build_parser().parse_args(argv)
    if args.command is None:
        return _app(args)
    return _command(args)


def _app(args: argparse.Namespace | SimpleNamespace) -> int:
    # The app paints first and validates the settings right after (tui.launch).
    from tui.launch import run

    return run(args.config, _overrides(args))


def _command(args: argparse.Namespace) -> int:
    from credits_client.config import ConfigError, config_path, load_settings

    if args.command == "serve-ssh":
        from tui.cli_serve_ssh import serve_options
        from tui.serve_ssh import serve

        return serve(serve_options(args))
    if args.command == "config-path":
        print(args.config or config_path())
        return 0
    try:
        settings = load_settings(args.config, _overrides(args))
    except ConfigError as error:
        print(f"credits-tui: {error}", file=sys.stderr)
        return 2
    if args.command == "balance":
        from tui.cli_commands import print_balance

        return print_balance(settings, as_json=args.json)
    if args.command == "receipt":
        from tui.cli_documents import save_receipt

        return save_receipt(settings, args.receipt_id, args.pdf)
    if args.command == "export":
        from tui.cli_documents import export_csv

        return export_csv(settings, args.start, args.end, args.kind, args.csv)
    if args.command == "logout":
        from tui.cli_commands import logout

        return logout(settings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

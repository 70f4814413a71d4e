"""3. Bytes to the terminal (what an SSH link carries), counted in a pty at 80x24.

Each action's count is every byte written from the key press (or the server-side change) until
the output has been quiet for 300 ms. The first paint is every byte from process start until the
screen's text is painted and the output is quiet. Reference: a plain Textual app (header, two
buttons, a slider, a footer) measured the same way in the same run.
"""

from __future__ import annotations

from typing import Any

from bench.app_driver import LOGIN_TEXT, ONLINE_TEXT, sign_in, start_app
from bench.common import PYTHON, ROOT, Row, Table, isolated_env, kb, median, workdir
from bench.pty_terminal import KEYS, PtyTerminal
from bench.server_setup import live_server

GOALS = {"paint": 12 * 1024, "slider": 512, "focus": 2 * 1024}
AT_MOST = {"balance": 1024}  # goals that may be reached exactly (<=), not only undercut (<)


def plain_app() -> dict[str, int]:
    command = [PYTHON, str(ROOT / "bench" / "ref_plain_app.py")]
    env = isolated_env(workdir("bytes-plain"))
    with PtyTerminal(command, env, cwd=str(ROOT)) as terminal:
        terminal.wait_for("Pay now")
        terminal.wait_quiet()
        counts = {"paint": terminal.total}
        counts["focus"] = terminal.bytes_after(KEYS["tab"])  # button 1 -> button 2
        terminal.bytes_after(KEYS["tab"])  # -> the slider
        counts["slider_first"] = terminal.bytes_after(KEYS["right"])
        counts["slider"] = terminal.bytes_after(KEYS["right"])
        return counts


def changed(terminal: PtyTerminal, action: bytes) -> int:
    """Bytes after `action`, checking that the screen really changed (the key was not lost)."""
    before = terminal.snapshot()
    count = terminal.bytes_after(action)
    if terminal.snapshot() == before:
        raise RuntimeError(f"the screen did not change:\n{terminal.text()}")
    return count


def credits_app(server: Any, owner: Any, carded: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    with start_app(server.url, "bytes-app") as terminal:
        terminal.wait_for(LOGIN_TEXT)
        terminal.wait_for(ONLINE_TEXT)
        terminal.wait_quiet()
        counts["paint"] = terminal.total
        counts["focus"] = changed(terminal, KEYS["tab"])  # email -> password
        terminal.close()
    with start_app(server.url, "bytes-app") as terminal:
        sign_in(terminal, carded)
        # A balance update event: a ledger change and its balance.updated event, written by the
        # server's own code in one transaction; the app hears it on its event stream.
        counts["balance"] = terminal.count_during(
            lambda: server.run(_credit(carded.account_id)), "$50.01"
        )
        terminal.type("r")
        terminal.wait_for("When balance falls below")
        terminal.wait_quiet()
        terminal.bytes_after(KEYS["tab"])  # switch -> mode
        terminal.bytes_after(KEYS["tab"])  # mode -> threshold slider
        counts["slider_first"] = changed(terminal, KEYS["right"])
        counts["slider"] = changed(terminal, KEYS["right"])
    with start_app(server.url, "bytes-app") as terminal:
        sign_in(terminal, owner)  # no saved card: the payment screen opens on the card form
        terminal.type("a")
        terminal.wait_for("Pick an amount")
        terminal.wait_quiet()
        terminal.type("1")
        terminal.wait_for("Card number")
        terminal.wait_quiet()
        counts["card_char"] = changed(terminal, b"4")
    return counts


def _credit(account_id: str) -> Any:
    async def action(ctx: Any) -> None:
        from credits_server.ledger import post
        from credits_server.services.events import emit_balance

        async with ctx.db.write() as session:
            await post(session, account_id, kind="adjustment", amount=1, description="Bench")
            await emit_balance(session, account_id)

    return action


def run(runs: int) -> Table:
    table = Table("3. Bytes to the terminal (pty 80x24)")
    apps: list[dict[str, int]] = []
    plains: list[dict[str, int]] = []
    with live_server(workdir("bytes-server")) as server:
        for _ in range(runs):
            owner = server.make_owner(balance=5000, with_card=False)
            carded = server.make_owner(balance=5000)
            apps.append(credits_app(server, owner, carded))
            plains.append(plain_app())

    def med(samples: list[dict[str, int]], key: str) -> float:
        return median([s[key] for s in samples])

    labels = {
        "paint": "first paint (login screen)",
        "slider_first": "first slider step (also shows 'Unsaved changes')",
        "slider": "one slider step (auto-recharge threshold, the second right)",
        "focus": "one focus change (tab, email -> password)",
        "balance": "one balance update event (dashboard)",
        "card_char": "one character typed into the card number",
    }
    for key, label in labels.items():
        value = med(apps, key)
        reference = med(plains, key) if key in plains[0] else None
        if key in AT_MOST:
            goal, met = f"<= {kb(AT_MOST[key])}", value <= AT_MOST[key]
        elif key in GOALS:
            goal, met = f"< {kb(GOALS[key])}", value < GOALS[key]
        else:
            goal, met = "(information)", None
        table.rows.append(
            Row(
                label,
                kb(value),
                f"plain app {kb(reference)}" if reference else "",
                f"{value / reference:.2f}x" if reference else "",
                goal,
                met,
            )
        )
    table.notes.append(
        f"Median of {runs} runs. Quiet = no byte for 300 ms after the last byte or key press. "
        "The login screen's first paint includes the connection line turning to (online)."
    )
    return table

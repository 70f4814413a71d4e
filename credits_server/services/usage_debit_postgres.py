"""PostgreSQL's statements for a debit transaction (usage_debit): two per account.

On PostgreSQL every statement is a round trip through the event loop while the account's row is
locked, and with the benchmark's 8 clients the waits between them, not the work, bounded the
rate (bench/FINDINGS.md 4). So, after the accounts' lock (a statement of its own: a statement's
snapshot is taken when it starts, before it waits for a lock, and would miss what the previous
holder committed), one statement reads what the debits depend on (the references already
posted, the auto-recharge settings) and one writes everything (ledger rows, balance, events with
the next seqs, the recharge intent) as a writable CTE: BEGIN, lock, read, write, COMMIT instead
of 7 round trips. SQLite keeps the Core statements of usage_debit, one per step (each is a call,
not a trip).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from credits_server.ids import new_id
from credits_server.models import UtcDateTime

# Both reads in one statement: posted references (reference not NULL) and the settings row.
_READ = text(
    """
    SELECT e.reference, e.id, e.amount, e.balance_after,
           CAST(NULL AS boolean) AS enabled, CAST(NULL AS bigint) AS threshold
    FROM unnest(CAST(:references AS varchar[])) AS r(reference)
    JOIN ledger_entries AS e
      ON e.account_id = CAST(:account_id AS varchar) AND e.reference = r.reference
    UNION ALL
    SELECT NULL, NULL, NULL, NULL, s.enabled, s.threshold
    FROM auto_recharge_settings AS s
    WHERE s.account_id = CAST(:account_id AS varchar)
    """
)

# Data-modifying CTEs run once each whether or not the final SELECT reads them. The events'
# seqs follow the account's highest, which only holders of the account's lock may add to. Rows
# are inserted in the arrays' order (ORDER BY the ordinality), so ids increase as the debits
# were applied, as the ledger's balance_after chain and the event stream expect.
_WRITE = text(
    """
    WITH entries AS (
        INSERT INTO ledger_entries
            (account_id, kind, amount, balance_after, description, reference, created_at)
        SELECT CAST(:account_id AS varchar), 'usage', r.amount, r.balance_after, r.description,
               r.reference, CAST(:now AS timestamptz)
        FROM unnest(CAST(:amounts AS bigint[]), CAST(:afters AS bigint[]),
                    CAST(:descriptions AS varchar[]), CAST(:references AS varchar[]))
             WITH ORDINALITY AS r(amount, balance_after, description, reference, n)
        ORDER BY r.n
        RETURNING reference, id
    ), balance AS (
        UPDATE accounts SET balance = CAST(:balance AS bigint)
        WHERE id = CAST(:account_id AS varchar)
    ), last AS (
        SELECT coalesce(max(seq), 0) AS seq FROM events
        WHERE account_id = CAST(:account_id AS varchar)
    ), emitted AS (
        INSERT INTO events (account_id, seq, type, data, created_at)
        SELECT CAST(:account_id AS varchar), last.seq + e.n, e.type, e.data,
               CAST(:now AS timestamptz)
        FROM last, unnest(CAST(:types AS varchar[]), CAST(:datas AS text[]))
             WITH ORDINALITY AS e(type, data, n)
        ORDER BY e.n
    ), intent AS (
        INSERT INTO recharge_intents (id, account_id, open_account_id, status, attempt,
                                      card_index, next_attempt_at, created_at, updated_at)
        SELECT CAST(:intent_id AS varchar), CAST(:account_id AS varchar),
               CAST(:account_id AS varchar), 'open', 1, 0, CAST(:now AS timestamptz),
               CAST(:now AS timestamptz), CAST(:now AS timestamptz)
        WHERE CAST(:crossed AS boolean) AND NOT EXISTS (
            SELECT 1 FROM recharge_intents WHERE open_account_id = CAST(:account_id AS varchar)
        )
        RETURNING id
    )
    SELECT reference, id FROM entries
    UNION ALL
    SELECT NULL, NULL FROM intent
    """
).bindparams(bindparam("now", type_=UtcDateTime()))


def read(
    connection: Connection, account_id: str, references: list[str]
) -> tuple[dict[str, tuple[int, int, int]], int | None]:
    """The posted references (reference -> entry id, amount, balance_after) and the recharge
    threshold (None: auto-recharge off or never set)."""
    seen: dict[str, tuple[int, int, int]] = {}
    threshold: int | None = None
    rows = connection.execute(_READ, {"account_id": account_id, "references": references})
    for row in rows:
        if row.reference is not None:
            seen[row.reference] = (int(row.id), int(row.amount), int(row.balance_after))
        elif row.enabled:
            threshold = int(row.threshold)
    return seen, threshold


def write(
    connection: Connection,
    account_id: str,
    new_rows: list[dict[str, Any]],
    balance: int,
    events: list[tuple[str, str]],
    crossed: bool,
    now: Any,
) -> tuple[dict[str, int], bool]:
    """The rows, balance, events and (when `crossed` and none is open) an intent: the new
    entries' ids by reference, and whether an intent was opened."""
    ids: dict[str, int] = {}
    opened = False
    parameters = {
        "account_id": account_id,
        "now": now,
        "amounts": [row["amount"] for row in new_rows],
        "afters": [row["balance_after"] for row in new_rows],
        "descriptions": [row["description"] for row in new_rows],
        "references": [row["reference"] for row in new_rows],
        "balance": balance,
        "types": [type_ for type_, _ in events],
        "datas": [data for _, data in events],
        "intent_id": new_id("ri"),
        "crossed": crossed,
    }
    for row in connection.execute(_WRITE, parameters):
        if row.reference is None:
            opened = True
        else:
            ids[row.reference] = int(row.id)
    return ids, opened

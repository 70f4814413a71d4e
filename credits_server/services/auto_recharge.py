"""Auto-recharge settings with optimistic concurrency (ETag = the row's version).

Anything that changes what GET /v1/auto-recharge shows (a save, a card removed, the recharge
engine recording an attempt or switching it off) must bump `version`, so a stale If-Match is
refused (PreconditionFailed) instead of silently overwriting.

The writable fields are credits_core.auto_recharge's: a save copies each onto the row by name.
"""

from __future__ import annotations

from credits_core.auto_recharge import FIELDS, AutoRechargeFields
from credits_server.context import Context
from credits_server.errors import (
    FieldProblem,
    Invalid,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    invalid,
)
from credits_server.ledger import lock_account
from credits_server.models import AutoRechargeSettings, utcnow
from credits_server.services.accounts import default_auto_recharge
from credits_server.services.events import emit_settings
from credits_server.services.payment_methods import active_methods
from credits_server.services.recharge import open_if_below, wake_worker
from credits_server.settings import Settings


def etag_of(row: AutoRechargeSettings) -> str:
    return f'"ar-{row.version}"'


def _matches(if_match: str, etag: str) -> bool:
    candidates = [part.strip().removeprefix("W/") for part in if_match.split(",")]
    return "*" in candidates or etag in candidates


async def get_settings(ctx: Context, account_id: str) -> AutoRechargeSettings:
    async with ctx.db.read() as session:
        row = await session.get(AutoRechargeSettings, account_id)
    if row is None:  # accounts made before the settings row existed
        row = default_auto_recharge(ctx.settings, account_id)
        row.version = 0
    return row


def _check_bounds(settings: Settings, update: AutoRechargeFields) -> list[FieldProblem]:
    problems = []

    def out_of(field: str, value: int, low: int, high: int) -> None:
        if not low <= value <= high:
            problems.append(
                FieldProblem(field, "out_of_range", f"Must be between {low} and {high}.")
            )

    out_of("threshold", update.threshold, settings.threshold_min, settings.threshold_max)
    out_of("amount", update.amount, settings.recharge_amount_min, settings.recharge_amount_max)
    if update.mode == "top_up_to":
        if update.target is None:
            problems.append(FieldProblem("target", "required", "Choose the balance to reach."))
        elif update.target <= update.threshold:
            problems.append(
                FieldProblem("target", "target_not_above_threshold", "Must be above the threshold.")
            )
        elif update.target > settings.recharge_amount_max + settings.threshold_max:
            problems.append(FieldProblem("target", "out_of_range", "This target is too high."))
    if update.daily_limit is not None and not 1 <= update.daily_limit <= 100:
        problems.append(FieldProblem("daily_limit", "out_of_range", "Must be between 1 and 100."))
    if update.monthly_cap is not None and update.monthly_cap < settings.recharge_amount_min:
        problems.append(
            FieldProblem("monthly_cap", "out_of_range", "Must allow at least one recharge.")
        )
    return problems


async def save_settings(
    ctx: Context, account_id: str, if_match: str | None, update: AutoRechargeFields
) -> AutoRechargeSettings:
    if not if_match:
        raise PreconditionRequired(
            "precondition_required", "Send If-Match with the ETag of the settings you edited."
        )
    problems = _check_bounds(ctx.settings, update)
    async with ctx.db.write() as session:
        # The account first, as the ledger and the recharge engine take it (no lock-order cycle).
        await lock_account(session, account_id)
        # FOR UPDATE: on PostgreSQL two saves with one ETag must not both pass the check.
        row = await session.get(
            AutoRechargeSettings, account_id, populate_existing=True, with_for_update=True
        )
        if row is None:
            row = default_auto_recharge(ctx.settings, account_id)
            row.version = 0
            session.add(row)
        if not _matches(if_match, etag_of(row)):
            raise PreconditionFailed(
                "precondition_failed",
                "These settings were changed elsewhere. Reload to see the current values.",
            )
        methods = {m.id: m for m in await active_methods(session, account_id)}
        primary = update.payment_method_id
        unknown = [
            FieldProblem(field, "not_found", "No such saved card.")
            for field, value in (
                ("payment_method_id", primary),
                ("backup_payment_method_id", update.backup_payment_method_id),
            )
            if value is not None and value not in methods
        ]
        if unknown:  # another account's card is no card at all for this one
            raise NotFound("not_found", "That card is not saved on this account.", unknown)
        if (
            update.backup_payment_method_id is not None
            and update.backup_payment_method_id == primary
        ):
            problems.append(
                FieldProblem("backup_payment_method_id", "same_card", "Choose a different card.")
            )
        if problems:
            raise invalid(problems)
        if update.enabled and primary is None:
            default = next((m for m in methods.values() if m.is_default), None)
            if default is None:
                raise Invalid(
                    "auto_recharge_needs_card",
                    "Save a card before turning on auto-recharge.",
                    [FieldProblem("payment_method_id", "required", "Save a card first.")],
                )
            primary = default.id
        for name in FIELDS:
            setattr(row, name, getattr(update, name))
        row.payment_method_id = primary  # the default card when none was chosen
        row.disabled_reason = None  # saving again is how an owner turns it back on
        row.disabled_by = None
        row.version += 1
        row.updated_at = utcnow()
        await session.flush()
        await emit_settings(session, ctx.settings, row)
        # Turned on while already under the threshold: that is a crossing too.
        opened = await open_if_below(session, account_id)
    if opened:
        wake_worker()
    return row

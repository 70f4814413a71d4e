"""The Team screen's modals: choose a role, and an invitation's one-time code and QR code."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from credits_client.api.models import NewInvitation
from credits_core.roles import ROLE_TEXT, Role
from screens.format import clean
from screens.qr import qr_text
from widgets.key_footer import KeyFooter


class ChooseRoleScreen(ModalScreen[str | None]):
    """`o`, `b` or `v` answers with the role; `escape` changes nothing."""

    CSS_PATH = "team.tcss"
    BINDINGS = [
        Binding("o", "choose('owner')", "Owner", id="team_role.owner"),
        Binding("b", "choose('billing')", "Billing", id="team_role.billing"),
        Binding("v", "choose('viewer')", "Viewer", id="team_role.viewer"),
        Binding("escape", "choose('')", "Cancel", id="team_role.cancel"),
    ]

    def __init__(self, email: str, current: str) -> None:
        super().__init__()
        self.email = email
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="role-box", classes="team-modal"):
            yield Static(f"Role of {clean(self.email)} (now {self.current}):", markup=False)
            for key, role in (("o", Role.OWNER), ("b", Role.BILLING), ("v", Role.VIEWER)):
                yield Static(f"{key}  {role.title()}: {ROLE_TEXT[role]}", markup=False)
        yield KeyFooter(compact=True)

    def action_choose(self, role: str) -> None:
        self.dismiss(role or None)


class InvitationCodeScreen(ModalScreen[None]):
    """The code to pass on (shown once: the server keeps only its hash), its link as a QR code."""

    CSS_PATH = "team.tcss"
    BINDINGS = [Binding("escape,enter", "close", "Done", id="team_invitation.close")]

    def __init__(self, invitation: NewInvitation) -> None:
        super().__init__()
        self.invitation = invitation

    def compose(self) -> ComposeResult:
        made = self.invitation
        expires = made.expires_at.strftime("%b %d %H:%M UTC")
        with Horizontal(id="invitation-box", classes="team-modal"):
            with Vertical(id="invitation-text"):
                yield Static(f"Invitation for {clean(made.email)} as {made.role}", markup=False)
                yield Static("One-time code (shown only now):", classes="muted")
                yield Static(made.code, id="invitation-code", markup=False)
                yield Static(
                    "They press ctrl+n on the sign-in screen and type it with their email "
                    f"and a new password. Valid until {expires}.",
                    markup=False,
                )
                yield Static(_emailed(made), id="invitation-emailed", markup=False)
                yield Static("Or they scan the code, which opens:", classes="muted")
                yield Static(clean(made.link), id="invitation-link", markup=False)
            yield Static(qr_text(made.link), id="invitation-qr")
        yield KeyFooter(compact=True)

    def action_close(self) -> None:
        self.dismiss(None)


def _emailed(made: NewInvitation) -> str:
    if made.emailed:
        return f"Also emailed to {clean(made.email)}."
    return "Not emailed (the server sends no email): pass it on."

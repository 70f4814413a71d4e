"""The account's team, for owners: members and their roles, pending invitations; invite someone
by email, change a member's role, remove a member or an invitation. Every action is a key.
Each invitation says whether its code was emailed (queued, sent, failed) or must be passed on."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import Worker

from credits_client.api.models import Role, Team
from credits_core.roles import ROLES
from screens.base import AccountScreen
from screens.confirm import ConfirmScreen
from screens.format import clean
from screens.messages import describe_error
from screens.team_modals import ChooseRoleScreen, InvitationCodeScreen
from widgets.key_footer import KeyFooter


class TeamScreen(AccountScreen):
    CSS_PATH = "team.tcss"
    AUTO_FOCUS = "#members"
    BINDINGS = [
        Binding("ctrl+s", "invite", "Invite", id="team.invite"),
        Binding("ctrl+o", "next_invite_role", "Invite as", id="team.invite_role"),
        Binding("ctrl+g", "change_role", "Change role", id="team.change_role"),
        Binding("ctrl+r", "remove", "Remove", id="team.remove"),
        Binding("ctrl+t", "revoke", "Uninvite", id="team.revoke"),
        Binding("escape", "back", "Back", id="team.back"),
    ]

    _invite_role: Role = "viewer"
    _team: Team | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="team-box"):
            yield DataTable(id="members", cursor_type="row")
            yield Static(id="invitations-title", classes="muted", markup=False)
            yield DataTable(id="invitations", cursor_type="row")
            with Horizontal(id="invite-row"):
                yield Input(placeholder="email of the person to invite", id="invite-email")
                yield Static(id="invite-role", markup=False)
            yield Static(id="team-result", markup=False)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#team-box").border_title = "Team"
        members = self.query_one("#members", DataTable)
        members.add_column("Member", key="email", width=40)
        members.add_column("Role", key="role", width=8)
        members.add_column("Since", key="since", width=7)
        invitations = self.query_one("#invitations", DataTable)
        invitations.add_column("Invited", key="email", width=40)
        invitations.add_column("Role", key="role", width=8)
        invitations.add_column("Expires", key="expires", width=7)
        invitations.add_column("Emailed", key="emailed", width=7)
        self._show_invite_role()
        self.load_team()

    @work(exclusive=True, group="team", exit_on_error=False)
    async def load_team(self, said: str | None = None) -> None:
        team = self._team = await self.store.team().get()
        me = self.state.user.id if self.state.user is not None else ""
        members = self.query_one("#members", DataTable)
        members.clear()
        for member in team.members:
            you = " (you)" if member.id == me else ""
            members.add_row(
                Text(clean(member.email) + you),
                member.role,
                member.created_at.strftime("%b %d"),
                key=member.id,
            )
        invitations = self.query_one("#invitations", DataTable)
        invitations.clear()
        for invitation in team.invitations:
            invitations.add_row(
                Text(clean(invitation.email)),
                invitation.role,
                invitation.expires_at.strftime("%b %d"),
                invitation.emailed or "no",
                key=invitation.id,
            )
        invitations.display = bool(team.invitations)
        count = len(team.invitations)
        title = self.query_one("#invitations-title", Static)
        title.update(f"Pending invitations: {count}" if count else "No pending invitations.")
        if said is not None:
            self._say(said, error=False)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("change_role", "remove") and self._selected("#members") is None:
            return None
        if action == "revoke" and self._selected("#invitations") is None:
            return None
        return True

    def _selected(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if table.row_count == 0 or not table.display:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value)

    def _email_of(self, user_id: str) -> tuple[str, str]:
        team = self._team
        member = next((m for m in team.members if m.id == user_id), None) if team else None
        return (member.email, member.role) if member is not None else ("", "")

    def action_next_invite_role(self) -> None:
        self._invite_role = ROLES[(ROLES.index(self._invite_role) + 1) % len(ROLES)].value
        self._show_invite_role()

    def _show_invite_role(self) -> None:
        self.query_one("#invite-role", Static).update(f"as {self._invite_role} (ctrl+o)")

    @on(Input.Submitted, "#invite-email")
    def action_invite(self) -> None:
        email = self.query_one("#invite-email", Input).value.strip()
        if "@" not in email:
            # The same key first takes the owner to the field, then sends.
            self.query_one("#invite-email", Input).focus()
            self._say("Type the email of the person to invite, then ctrl+s.", error=bool(email))
            return
        self._say("Inviting...", error=False)
        self.invite(email, self._invite_role)

    @work(exclusive=True, group="team-invite", exit_on_error=False)
    async def invite(self, email: str, role: Role) -> None:
        made = await self.store.team().invite(email, role)
        self.query_one("#invite-email", Input).value = ""
        how = "the code is emailed to them" if made.emailed else "pass the code on (no email)"
        self.load_team(f"Invited {made.email} as {made.role}: {how}.")
        self.app.push_screen(InvitationCodeScreen(made))

    def action_change_role(self) -> None:
        user_id = self._selected("#members")
        if user_id is None:
            return
        email, current = self._email_of(user_id)

        def chosen(role: str | None) -> None:
            if role and role != current:
                self.change_role(user_id, email, role)

        self.app.push_screen(ChooseRoleScreen(email, current), chosen)

    @work(exclusive=True, group="team-change", exit_on_error=False)
    async def change_role(self, user_id: str, email: str, role: Any) -> None:
        changed = await self.store.team().change_role(user_id, role)
        self.load_team(f"{email} is now {changed.role}.")

    def action_remove(self) -> None:
        user_id = self._selected("#members")
        if user_id is None:
            return
        email, _ = self._email_of(user_id)

        def answered(yes: bool | None) -> None:
            if yes:
                self.remove_member(user_id, email)

        question = f"Remove {email} from the team? They are signed out everywhere."
        self.app.push_screen(ConfirmScreen(question, yes="Remove", no="Keep"), answered)

    @work(exclusive=True, group="team-remove", exit_on_error=False)
    async def remove_member(self, user_id: str, email: str) -> None:
        await self.store.team().remove(user_id)
        self.load_team(f"Removed {email}.")

    def action_revoke(self) -> None:
        invitation_id = self._selected("#invitations")
        if invitation_id is not None:
            self.revoke(invitation_id)

    @work(exclusive=True, group="team-revoke", exit_on_error=False)
    async def revoke(self, invitation_id: str) -> None:
        await self.store.team().revoke_invitation(invitation_id)
        self.load_team("Invitation cancelled: its code no longer works.")

    def unsaved_changes(self) -> str | None:
        if self.query_one("#invite-email", Input).value.strip():
            return "The invitation is not sent yet. Leave and discard it?"
        return None

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        self._say(describe_error(error)[1], error=True)

    def _say(self, message: str, *, error: bool) -> None:
        line = self.query_one("#team-result", Static)
        line.set_class(error, "-error")
        line.update(f"Error: {message}" if error else message)

"""Who may do what: the roles of qcity's users, the permissions each role holds, and the
``Actor`` every write is attributed to (a light module: no database import).

Roles follow the city's division of work: the admin keeps users, frameworks and settings;
the analyst runs evaluations, sets targets and publishes; a clerk enters and submits the values
of their own department's indicators; a reviewer approves or rejects submitted values; a viewer
reads published results. The CLI acting on the database directly is the operator's tool: it
holds every permission and is recorded as ``cli:<login>``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The roles a user account may have, from most to least powerful.
ROLES: tuple[str, ...] = ("admin", "analyst", "reviewer", "clerk", "viewer")

#: Who is acting when nobody is: the anonymous visitor and the CLI operator.
ANONYMOUS_ROLE = "anonymous"
OPERATOR_ROLE = "operator"

#: Each permission and the roles that hold it (the operator holds all of them).
PERMISSIONS: dict[str, frozenset[str]] = {
    # read published results (the dashboard, the report); anonymous only on a public dashboard
    "results.read": frozenset({"admin", "analyst", "reviewer", "clerk", "viewer"}),
    # enter, revise and upload values (a clerk only for their own department's indicators)
    "values.enter": frozenset({"analyst", "clerk"}),
    # submit entered values for review
    "values.submit": frozenset({"analyst", "clerk"}),
    # check a file of values against the framework without storing it (the upload page's
    # check, as ``qcity import --dry-run``): those who enter values, and the admin
    "values.check": frozenset({"admin", "analyst", "clerk"}),
    # approve or reject submitted values, with a comment
    "values.review": frozenset({"reviewer"}),
    # run evaluations, keep targets, publish runs
    "runs.evaluate": frozenset({"analyst"}),
    "runs.publish": frozenset({"analyst"}),
    "targets.edit": frozenset({"analyst"}),
    # frameworks, users and settings
    "frameworks.edit": frozenset({"admin"}),
    "users.manage": frozenset({"admin"}),
    "settings.edit": frozenset({"admin"}),
    # the audit log: view and export
    "audit.read": frozenset({"admin", "analyst", "reviewer"}),
    "audit.export": frozenset({"admin"}),
    # one's own account: log out, change one's password, one's own API tokens
    "account.self": frozenset({"admin", "analyst", "reviewer", "clerk", "viewer"}),
}


@dataclass(frozen=True)
class Actor:
    """Who performs an action: a user (``user_id`` set; ``via`` "session" or "token"), the
    CLI operator (``via`` "cli") or an anonymous visitor. ``department`` limits a clerk's
    entries to the indicators whose framework ``department`` it equals."""

    name: str
    role: str
    department: str | None = None
    user_id: int | None = None
    via: str = "cli"
    #: an API token's scopes (permission names); None means the role's full permissions
    scopes: frozenset[str] | None = None

    @property
    def is_anonymous(self) -> bool:
        """True for a visitor who is not logged in."""
        return self.role == ANONYMOUS_ROLE


ANONYMOUS = Actor(name="anonymous", role=ANONYMOUS_ROLE, via="web")


def operator(login: str) -> Actor:
    """The CLI operator acting on the database directly, recorded as ``cli:<login>``."""
    return Actor(name=f"cli:{login}", role=OPERATOR_ROLE, via="cli")


def can(actor: Actor, permission: str, *, public_read: bool = False) -> bool:
    """Whether ``actor`` holds ``permission`` (unknown permissions raise ``KeyError``).

    ``public_read`` lets anonymous visitors read results (a public read-only dashboard).
    An API token holds only the permissions both its scopes and its user's role allow.
    """
    holders = PERMISSIONS[permission]
    if actor.role == OPERATOR_ROLE:
        return True
    if actor.role == ANONYMOUS_ROLE:
        return public_read and permission == "results.read"
    if actor.role not in holders:
        return False
    if actor.scopes is None or permission in actor.scopes:
        return True
    implied = IMPLIED_BY.get(permission)
    return implied is not None and implied in actor.scopes


#: A permission a token holds through another of its scopes: a token made to enter values
#: (before ``values.check`` existed) may still check the files it uploads.
IMPLIED_BY: dict[str, str] = {"values.check": "values.enter"}


__all__ = [
    "ANONYMOUS",
    "ANONYMOUS_ROLE",
    "IMPLIED_BY",
    "OPERATOR_ROLE",
    "PERMISSIONS",
    "ROLES",
    "Actor",
    "can",
    "operator",
]

"""Typed errors: each says what failed and about which input or resource, in words a person understands."""

from __future__ import annotations

import secrets

_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread when quoting


def new_error_id() -> str:
    """An id a person can quote (`E-` and eight characters); the log line of the error carries it too."""
    return "E-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))


class TfsyncError(Exception):
    """Base of every error tfsync raises on purpose."""


class ConfigError(TfsyncError):
    """A setting is missing or malformed."""


class InputError(TfsyncError):
    """An input (message body, file, S3 object) could not be read as anything tfsync understands."""

    def __init__(self, source: str, problem: str, *, transient: bool = False) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem
        # True when trying again may work (S3 unreachable); the input itself is at fault otherwise.
        self.transient = transient


class UserFacingError(TfsyncError):
    """An error with words meant for the person who caused it, and a title for the surface that shows it."""

    title = "Something went wrong"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownResource(UserFacingError):
    """A command or button names a resource tfsync does not know."""

    title = "No such resource"

    def __init__(self, query: str, message: str | None = None) -> None:
        super().__init__(message or f"No resource matches {query!r}.")
        self.query = query


class NoSuchRule(UserFacingError):
    title = "No such rule"


class NotAllowed(UserFacingError):
    """The person may not make this decision: it reaches further than their own resource or their own rule."""

    title = "Not allowed"


class NoAccountAccess(UserFacingError):
    """tfsync has no way into the account a resource lives in: it may show and ignore the resource, but adopting or
    deleting it would need credentials there, and tfsync's own would act in its own account instead."""

    title = "No access to account"

    def __init__(self, account_id: str, message: str | None = None) -> None:
        super().__init__(message or (
            f"tfsync has no role in account {account_id} (set TFSYNC_ACCOUNT_ROLES or TFSYNC_MEMBER_ROLE_NAME): "
            "it can show and ignore this resource but not adopt or delete it."))
        self.account_id = account_id


class UnknownImportId(UserFacingError):
    """The resource's creation record lacked its import ID and the describe call that finds it failed: without the
    ID, neither an adoption (its import block) nor a delete can name the resource."""

    title = "Import ID unknown"

    def __init__(self, what: str, why: str) -> None:
        super().__init__(f"tfsync does not know the import ID of {what} ({why}), so it can show and ignore it but "
                         "not adopt or delete it.")

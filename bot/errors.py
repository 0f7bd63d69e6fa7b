"""Typed errors: each says what failed and about which input or resource, in words a person understands."""

from __future__ import annotations


class TfsyncError(Exception):
    """Base of every error tfsync raises on purpose."""


class ConfigError(TfsyncError):
    """A setting is missing or malformed."""


class InputError(TfsyncError):
    """An input (message body, file, S3 object) could not be read as anything tfsync understands."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem

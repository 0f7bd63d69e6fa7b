"""Helpers the per-service listers (scan.py) share: reading every item of a paged list call, describing a listed
resource that may have been deleted since the listing, one or a batch at a time, and a byte count as people read it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from bot.catalog._describe import optional
from bot.catalog.base import text

_T = TypeVar("_T")

# What most services answer a describe call about a name or ID that no longer names anything.
NOT_FOUND = "ResourceNotFoundException"
_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def paged(client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
    """Every item under `key` in every page of a call boto3 paginates (`operation` as boto3 names it), one page
    asked for at a time."""
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page.get(key) or []


def followed(call: Callable[..., Any], key: str, **kwargs: Any) -> Iterator[Any]:
    """Every item under `key` of a list call boto3 has no paginator for, following its NextToken by hand."""
    token = ""
    while True:
        page = call(**kwargs, **({"NextToken": token} if token else {}))
        yield from page.get(key) or []
        token = text(page.get("NextToken"))
        if not token:
            return


def error_code(exc: ClientError) -> str:
    """The error code AWS answered with ('' where the answer has none)."""
    return str(exc.response.get("Error", {}).get("Code") or "")


def described(call: Callable[..., Any], key: str, /, *, gone: str = NOT_FOUND, **kwargs: Any) -> Any:
    """The `key` of the answer of a describe call about one listed resource, or None where the call fails with the
    `gone` error code: the resource was deleted since the listing."""
    answer = optional(call, gone, **kwargs)
    return None if answer is None else answer[key]


def paged_unless_gone(client: Any, operation: str, key: str, /, *, gone: str = NOT_FOUND,
                      **kwargs: Any) -> list[Any] | None:
    """Every item of a paged call about one listed resource (a cluster's services, a load balancer's listeners),
    read whole; None where a call fails with the `gone` error code: the resource was deleted since the listing."""
    return optional(lambda: list(paged(client, operation, key, **kwargs)), gone)


def chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    """The items, `size` of them at a time, in order."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def in_batches(call: Callable[..., Any], names: Sequence[str], *, param: str, key: str, per_call: int,
               gone: Collection[str]) -> Iterator[Any]:
    """Every item under `key` of call(**{param: batch}) over the names, `per_call` of them a call. A call that
    fails with one of the `gone` error codes (one of its names was deleted since the listing) is made again one name
    a call, which leaves the one gone out."""
    for batch in chunks(names, per_call):
        yield from _batch(call, list(batch), param, key, gone)


def _batch(call: Callable[..., Any], batch: list[str], param: str, key: str, gone: Collection[str]) -> list[Any]:
    try:
        return list(call(**{param: batch}).get(key) or [])
    except ClientError as exc:
        if error_code(exc) not in gone:
            raise
    if len(batch) == 1:
        return []
    return [item for name in batch for item in _batch(call, [name], param, key, gone)]


def byte_size(count: int) -> str:
    """A byte count as people read it: 512 B, 1.5 KiB, 20.0 GiB."""
    value, unit = float(count), 0
    while value >= 1024 and unit < len(_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return f"{count} B" if unit == 0 else f"{value:.1f} {_UNITS[unit]}"

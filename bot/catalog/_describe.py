"""Helpers the per-service readers share."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from bot.catalog.base import tags_from_pairs


def clean_tags(tags: Mapping[str, str] | None) -> dict[str, str]:
    """Tags a person can set: AWS's own `aws:` tags are not configurable and the provider ignores them."""
    return {k: v for k, v in sorted((tags or {}).items()) if not k.lower().startswith("aws:")}


def pair_tags(items: Any, key: str = "Key", value: str = "Value") -> dict[str, str]:
    return clean_tags(tags_from_pairs(items, key, value))


def json_doc(value: Any) -> Any:
    """A policy or definition document as data for jsonencode(), from a JSON string (URL-decoded by boto3)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def sorted_strings(values: Iterable[Any] | None) -> list[str]:
    return sorted(str(v) for v in values or () if v)


def optional(call: Any, *codes: str, **kwargs: Any) -> Any:
    """A describe call whose listed error codes mean "not configured": None for those, the response otherwise."""
    from botocore.exceptions import ClientError

    try:
        return call(**kwargs)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in codes:
            return None
        raise


def items(value: Any) -> list[Any]:
    """A CloudTrail list in any of its shapes: a list, {"items": [...]}, {"item": one-or-many}, or a bare object."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for key in ("items", "item", "member"):
            if key in value:
                return items(value[key])
        return [value] if value else []
    return []


def unwrap(body: Mapping[str, Any], wrapper: str) -> Mapping[str, Any]:
    """The body inside an XML-derived wrapper element (CreateNatGatewayResponse...), or the body itself."""
    inner = body.get(wrapper)
    return inner if isinstance(inner, dict) else body


def true_or_none(value: Any) -> bool | None:
    """True where a flag is set; None (omitted) where it is off, the provider's default."""
    if isinstance(value, str):
        value = value.lower() == "true"
    return True if value else None

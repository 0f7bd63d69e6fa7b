"""IAM's evaluation of an identity policy, enough for the statements infra/ renders: Action, Resource or
NotResource, and the condition operators those statements use (string and ARN matches, their negations, the
ForAnyValue / ForAllValues set operators and Null). An explicit deny wins, then an allow; else the request is
implicitly denied."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

Context = Mapping[str, str | Iterable[str]]


def listed(value: Any) -> list[Any]:
    return [] if value is None else list(value) if isinstance(value, list) else [value]


def wildcard(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM's wildcard match: `*` any run of characters (`/` included), `?` any one character."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _values(context: Context, key: str) -> list[str] | None:
    for name, value in context.items():
        if name.lower() == key.lower():  # condition key names ignore case
            return [value] if isinstance(value, str) else list(value)
    return None


def _match(operator: str, wanted: str, value: str) -> bool:
    if operator in ("StringEquals", "ArnEquals"):
        return value == wanted
    if operator in ("StringLike", "ArnLike"):
        return wildcard(wanted, value)
    if operator == "Bool":
        return value.lower() == wanted.lower()
    raise AssertionError(f"condition operator {operator} is not modelled")


def condition_holds(operator: str, key: str, wanted: Iterable[str], context: Context) -> bool:
    wanted = [str(w).lower() if isinstance(w, bool) else str(w) for w in listed(wanted)]
    present = _values(context, key)
    if operator == "Null":
        [flag] = wanted
        return (present is None) == (flag == "true")
    prefix, _, base = operator.rpartition(":")
    negated = base.startswith(("StringNot", "ArnNot"))
    positive = base.replace("Not", "", 1) if negated else base
    if prefix == "ForAnyValue":
        values = present or []
        return any((not any(_match(positive, w, v) for w in wanted)) if negated
                   else any(_match(positive, w, v) for w in wanted) for v in values)
    if prefix == "ForAllValues":
        values = present or []
        return all((not any(_match(positive, w, v) for w in wanted)) if negated
                   else any(_match(positive, w, v) for w in wanted) for v in values)
    assert prefix == "", operator
    if present is None:
        return negated  # a negated operator holds for a key the request does not have
    matched = any(_match(positive, w, v) for w in wanted for v in present)
    return not matched if negated else matched


def applies(statement: Mapping[str, Any], action: str, resource: str, context: Context | None = None) -> bool:
    assert "NotAction" not in statement and "NotPrincipal" not in statement, statement
    if not any(wildcard(a, action, ignore_case=True) for a in listed(statement.get("Action"))):
        return False
    if "NotResource" in statement:
        if any(wildcard(r, resource) for r in listed(statement["NotResource"])):
            return False
    elif not any(wildcard(r, resource) for r in listed(statement.get("Resource"))):
        return False
    for operator, keys in (statement.get("Condition") or {}).items():
        for key, wanted in keys.items():
            if not condition_holds(operator, key, wanted, context or {}):
                return False
    return True


def decision(statements: Iterable[Mapping[str, Any]], action: str, resource: str, context: Context | None = None,
             allowed_elsewhere: Iterable[str] = ()) -> str:
    """"deny" (explicit), "allow", or "implicit". `allowed_elsewhere`: action patterns another policy of the same
    principal allows on every resource (an attached managed policy)."""
    effects = {s["Effect"] for s in statements if applies(s, action, resource, context)}
    if "Deny" in effects:
        return "deny"
    if "Allow" in effects or any(wildcard(p, action, ignore_case=True) for p in allowed_elsewhere):
        return "allow"
    return "implicit"

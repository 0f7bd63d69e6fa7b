"""HCL output: the one string-quoting function, identifiers, value literals and the Jinja2 environment for templates.

Everything that came from AWS or from a person reaches a .tf file through `hcl_string` (directly or via
`hcl_value`), so no value can open an interpolation, a directive, a heredoc or a new line of code.
"""

from __future__ import annotations

import math
import re
import textwrap
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

# The partials every resource template includes; each type's own template lives with its type in bot/catalog/.
TEMPLATES = Path(__file__).resolve().parent / "templates" / "hcl"
INDENT = "  "
MAX_IDENTIFIER = 64
COMMENT_WIDTH = 110

_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Control, format (bidi overrides, zero-width), separator, private-use and unassigned characters: escaped so a
# reviewer sees exactly what the string holds and no editor or terminal reinterprets it.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_BARE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Words HCL reads as something other than a plain object key when they stand bare before `=`.
_KEYWORDS = frozenset({"for", "in", "if", "else", "endif", "endfor", "null", "true", "false"})
_IDENT_BAD = re.compile(r"[^a-z0-9_]+")
# How each bracket changes the nesting depth of a line.
_NESTING = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}


def _escape_char(char: str, ascii_only: bool) -> str:
    if char in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[char]
    code = ord(char)
    if code < 0x80 and char.isprintable():
        return char
    if ascii_only or unicodedata.category(char) in _ESCAPED_CATEGORIES:
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return char


def hcl_string(value: str, *, ascii_only: bool = False) -> str:
    """A quoted HCL string literal that Terraform evaluates to exactly `value` (after Unicode NFC normalisation).

    `${` and `%{` are doubled so Terraform reads them as text, never as an interpolation or a directive. With
    ascii_only, every non-ASCII character is written as a `\\u` escape (used for object keys, whose width decides
    how `terraform fmt` aligns the `=` signs).
    """
    if not isinstance(value, str):
        raise TypeError(f"hcl_string takes a str, got {type(value).__name__}")
    body = "".join(_escape_char(char, ascii_only) for char in value)
    # After escaping, a literal `$` or `%` is still itself, so doubling the sequence is enough; "$${" in the input
    # becomes "$$${", which Terraform reads as "$" followed by the escaped "${".
    body = body.replace("${", "$${").replace("%{", "%%{")
    return f'"{body}"'


def hcl_key(key: Any) -> str:
    """An object key: bare when it is a plain identifier, else a quoted ASCII-only string."""
    text = str(key)
    if _BARE_KEY.match(text) and text not in _KEYWORDS:
        return text
    return hcl_string(text, ascii_only=True)


@dataclass(frozen=True, slots=True)
class JsonDocument:
    """A JSON document (a policy, a state machine definition) written as `jsonencode({...})`."""

    value: Any


def hcl_value(value: Any, indent: int = 1) -> str:
    """Any JSON-like value as an HCL expression; `indent` is the nesting level of the line it starts on."""
    if isinstance(value, JsonDocument):
        if isinstance(value.value, Mapping | list):
            return f"jsonencode({hcl_value(value.value, indent)})"
        return hcl_value(value.value, indent)
    if isinstance(value, Mapping):
        return _hcl_object(value, indent)
    if isinstance(value, list | tuple):
        return _hcl_list(value, indent)
    return _hcl_scalar(value)


def _hcl_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} has no HCL literal")
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return hcl_string(value)
    raise TypeError(f"no HCL literal for {type(value).__name__}")


def _hcl_object(value: Mapping[Any, Any], indent: int) -> str:
    if not value:
        return "{}"
    inner = INDENT * (indent + 1)
    lines = [f"{inner}{hcl_key(k)} = {hcl_value(v, indent + 1)}" for k, v in value.items()]
    return "{\n" + "\n".join(lines) + "\n" + INDENT * indent + "}"


def _hcl_list(value: list[Any] | tuple[Any, ...], indent: int) -> str:
    """On one line when no item is a collection, else one item a line."""
    if not value:
        return "[]"
    if not any(isinstance(item, Mapping | list | tuple) for item in value):
        return "[" + ", ".join(hcl_value(item, indent) for item in value) + "]"
    inner = INDENT * (indent + 1)
    lines = [f"{inner}{hcl_value(item, indent + 1)}," for item in value]
    return "[\n" + "\n".join(lines) + "\n" + INDENT * indent + "]"


def hcl_comment(text: str) -> str:
    """One `#` comment line per line of text, with every control or format character made visible."""
    lines = [
        wrapped for line in str(text).splitlines() for wrapped in textwrap.wrap(line, COMMENT_WIDTH) or [""]
    ] or [""]
    out = []
    for line in lines:
        safe = "".join(
            char if char.isprintable() and unicodedata.category(char) not in _ESCAPED_CATEGORIES else " "
            for char in line
        )
        out.append(f"# {safe}".rstrip())
    return "\n".join(out)


def hcl_identifier(name: str, fallback: str = "this") -> str:
    """A Terraform identifier from what a person typed: lower-case ASCII letters, digits and underscores."""
    # camelCase and PascalCase words become snake_case words before everything is lower-cased.
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name or "")
    folded = unicodedata.normalize("NFKD", spaced)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    ident = re.sub(r"_+", "_", _IDENT_BAD.sub("_", folded)).strip("_")[:MAX_IDENTIFIER].rstrip("_")
    if not ident:
        ident = fallback
    if ident[0].isdigit():
        ident = f"r_{ident}"[:MAX_IDENTIFIER].rstrip("_")
    return ident


def unique_label(name: str, taken: Collection[str], fallback: str = "this") -> str:
    """The identifier for `name`, with `_2`, `_3`... appended until it is not in `taken`."""
    base = hcl_identifier(name, fallback)
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"_{n}"
        candidate = base[: MAX_IDENTIFIER - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1


def _scan_assignment(line: str) -> int | None:
    """Index of the `=` that makes this line a one-line `key = value`, as `terraform fmt` decides it; else None."""
    depth = 0
    equals = None
    index = 0
    while index < len(line):
        char = line[index]
        if char == '"':
            index = _string_end(line, index + 1)
            continue
        if equals is None and char in "#=":
            # A comment before any `=`, or an `=` that does not assign: not a one-line assignment.
            if char == "#" or not _assigns(line, index):
                return None
            equals = index
            depth = 0
        else:
            depth += _NESTING.get(char, 0)
        index += 1
    if equals is None or depth != 0:
        return None
    return equals


def _string_end(line: str, start: int) -> int:
    """The index just past the `"` that closes a string opened before `start`; the line's end when none does."""
    escaped = False
    for index in range(start, len(line)):
        char = line[index]
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            return index + 1
    return len(line)


def _assigns(line: str, index: int) -> bool:
    """Whether the `=` at `index` assigns: a key before it, a value after it, not in `==` `<=` `>=` `!=` `=>`."""
    before = line[index - 1] if index else ""
    after = line[index + 1] if index + 1 < len(line) else ""
    return not (before in "<>!=" or after in "=>" or not line[:index].strip())


def align_assignments(text: str) -> str:
    """Align the `=` of consecutive one-line assignments, as `terraform fmt` does."""
    lines = text.split("\n")
    out: list[str] = []
    chain: list[tuple[str, str]] = []

    def flush() -> None:
        width = max(len(lead) for lead, _ in chain)
        out.extend(f"{lead.ljust(width)} = {rest}" for lead, rest in chain)
        chain.clear()

    for line in lines:
        equals = _scan_assignment(line)
        if equals is None:
            if chain:
                flush()
            out.append(line)
        else:
            chain.append((line[:equals].rstrip(), line[equals + 1 :].strip()))
    if chain:
        flush()
    return "\n".join(out)


def tidy(text: str) -> str:
    """Strip trailing spaces, drop blank lines after `{` and before `}`, collapse runs of blank lines."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line:
            if out and (not out[-1] or out[-1].endswith(("{", "["))):
                continue
            out.append(line)
            continue
        if out and not out[-1] and line.lstrip().startswith(("}", "]", ")")):
            out.pop()
        out.append(line)
    while out and not out[0]:
        out.pop(0)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def finish(text: str) -> str:
    """Rendered template text in the layout `terraform fmt` leaves alone."""
    return align_assignments(tidy(text))


def attrs(args: Mapping[str, Any], *names: str, indent: int = 1) -> str:
    """`name = value` lines for each of `names` that `args` holds with a value (not None, not an empty list or map)."""
    prefix = INDENT * indent
    return "\n".join(
        f"{prefix}{name} = {hcl_value(args[name], indent)}" for name in names if _present(args.get(name))
    )


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, Mapping | list | tuple) and not value)


def _hcl_filter(value: Any, indent: int = 1) -> str:
    return hcl_value(value, indent)


def environment(*search_path: Path) -> jinja2.Environment:
    """The Jinja2 environment for HCL templates found in `search_path` (the first folder holding a name wins; by
    default the shared partials in TEMPLATES): a missing variable is an error, never an empty string."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(path) for path in search_path or (TEMPLATES,)]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - the output is HCL, not HTML; every value goes through the hcl filter
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["hcl"] = _hcl_filter
    env.filters["hcl_string"] = hcl_string
    env.filters["hcl_key"] = hcl_key
    env.filters["hcl_comment"] = hcl_comment
    env.globals["attrs"] = attrs
    return env


def template_names(env: jinja2.Environment) -> Iterable[str]:
    """The Terraform types that have a template."""
    names = env.list_templates(extensions=["j2"])
    return sorted(name.removesuffix(".tf.j2") for name in names if not name.startswith("_"))

"""Reading infra/'s Terraform from the tests: python-hcl2 documents with their quotes taken off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2

from tests.conftest import ROOT

INFRA = ROOT / "infra"
MODULES = ("detection", "state", "adopter", "bot_runtime", "org_bus", "org_member", "http_api", "monitoring")
# Every Terraform root or module directory under infra/.
CONFIG_DIRS = (*(f"modules/{m}" for m in MODULES), "examples/complete", "examples/organization", "bootstrap")


def tf_files() -> list[Path]:
    """Every .tf file under infra/, outside Terraform's working directories."""
    return sorted(p for p in INFRA.rglob("*.tf") if ".terraform" not in p.parts)


def unquote(value: Any) -> Any:
    """A python-hcl2 value with the quotes of string literals removed, recursively."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, dict):
        return {unquote(k): unquote(v) for k, v in value.items() if k not in ("__is_block__", "__comments__")}
    if isinstance(value, list):
        return [unquote(v) for v in value]
    return value


def load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return hcl2.load(fh)


def module_locals(directory: Path) -> dict[str, Any]:
    """Every local value declared in the directory's .tf files, unquoted (expressions stay as `${...}` strings)."""
    out: dict[str, Any] = {}
    for path in sorted(directory.glob("*.tf")):
        for block in load(path).get("locals", []):
            out.update(unquote(block))
    return out


def module_blocks(directory: Path, kind: str, type_name: str) -> dict[str, dict[str, Any]]:
    """The `resource` or `data` blocks of one type in the directory, by name, unquoted."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.tf")):
        for block in load(path).get(kind, []):
            for found_type, by_name in unquote(block).items():
                if found_type == type_name:
                    out.update(by_name)
    return out

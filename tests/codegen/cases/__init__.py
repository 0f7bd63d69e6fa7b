"""Per-service test cases for catalog types, merged with the ones in tests/codegen/test_types.py.

Each module here (named after its bot/catalog/ package) may declare:

    CASES               {tf_type: make(aws) -> Made}: make the resource in moto as a person would, with
                        non-default settings, and return its creation record, import ID and expected arguments
    GONE                {tf_type: gone(aws, import_id) -> bool}: asked of the service, not through the executor
    PROVIDER_ENDPOINTS  the AWS provider's endpoint names its types' plans need pointed at moto ("cloudfront")
    NOT_PLANNED         {tf_type: reason}: made in moto, but the real provider cannot plan it there (a moto gap)
    UNSERVED            {tf_type: reason}: moto does not serve the type at all; its tests use recorded responses

Tests read the merged registries below; a type declared in two modules stops the import.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from tests.codegen.helpers import Made

Aws = Callable[..., Any]

CASES: dict[str, Callable[[Aws], Made]] = {}
GONE: dict[str, Callable[[Aws, str], bool]] = {}
PROVIDER_ENDPOINTS: set[str] = set()
NOT_PLANNED: dict[str, str] = {}
UNSERVED: dict[str, str] = {}


def _merge(target: dict[str, Any], part: dict[str, Any], module: str) -> None:
    twice = set(target) & set(part)
    if twice:
        raise RuntimeError(f"tests/codegen/cases/{module}: {sorted(twice)} declared twice")
    target.update(part)


for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    _loaded = importlib.import_module(f"{__name__}.{_module}")
    for _name, _registry in (("CASES", CASES), ("GONE", GONE), ("NOT_PLANNED", NOT_PLANNED),
                             ("UNSERVED", UNSERVED)):
        _merge(_registry, dict(getattr(_loaded, _name, {})), _module)
    PROVIDER_ENDPOINTS.update(getattr(_loaded, "PROVIDER_ENDPOINTS", ()))

"""Per-type readers of a resource's real configuration, one module per AWS service, each exporting CODEGEN.

Every reader has two halves: `describe` reads live attributes with the service's describe/get calls, and
`from_event` rebuilds what it can from the creation event when the describe call is not allowed or finds nothing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from types import MappingProxyType

from bot.codegen.model import TypeCodegen

SERVICE_MODULES = tuple(sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")))


def _load() -> Mapping[str, TypeCodegen]:
    registry: dict[str, TypeCodegen] = {}
    for module_name in SERVICE_MODULES:
        module = importlib.import_module(f"{__name__}.{module_name}")
        for codegen in module.CODEGEN:
            if codegen.tf_type in registry:
                raise RuntimeError(f"codegen: {codegen.tf_type} is declared twice")
            registry[codegen.tf_type] = codegen
    return MappingProxyType(registry)


REGISTRY = _load()

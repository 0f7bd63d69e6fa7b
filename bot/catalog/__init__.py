"""The resource catalog: one declarative entry per Terraform resource type, one module per AWS service.

Classification, code generation, deletion, the EventBridge rule in infra/ and the docs table of supported types
all read from here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from bot.catalog.base import CatalogEntry, ExtractError, Found, suggest_tf_name

# One module per AWS service, each exporting ENTRIES; every module of this package but `base` is one.
SERVICE_MODULES = tuple(
    sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name != "base" and not m.name.startswith("_"))
)

__all__ = ["BY_EVENT", "CATALOG", "CatalogEntry", "ExtractError", "Found", "entries", "suggest_tf_name"]


def _load() -> tuple[Mapping[str, CatalogEntry], Mapping[tuple[str, str], CatalogEntry]]:
    by_type: dict[str, CatalogEntry] = {}
    by_event: dict[tuple[str, str], CatalogEntry] = {}
    for module_name in SERVICE_MODULES:
        module = importlib.import_module(f"{__name__}.{module_name}")
        for entry in module.ENTRIES:
            if entry.tf_type in by_type:
                raise RuntimeError(f"catalog: {entry.tf_type} is declared twice")
            by_type[entry.tf_type] = entry
            for event_name in entry.create_events:
                key = (entry.event_source, event_name)
                if key in by_event:
                    raise RuntimeError(f"catalog: {key} creates both {by_event[key].tf_type} and {entry.tf_type}")
                by_event[key] = entry
    return MappingProxyType(by_type), MappingProxyType(by_event)


CATALOG, BY_EVENT = _load()


def entries() -> Iterator[CatalogEntry]:
    """Every entry, in a stable order (by Terraform type)."""
    return iter(sorted(CATALOG.values(), key=lambda e: e.tf_type))

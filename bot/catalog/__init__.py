"""The resource catalog: everything tfsync knows about a Terraform resource type, one package per AWS service.

    bot/catalog/<service>/
        __init__.py       ENTRIES: how a CloudTrail record identifies the type's resources (base.CatalogEntry)
        describe.py       CODEGEN: how to read a resource's configuration, live or from its creation event
        delete.py         EXECUTORS: {tf_type: delete executor}, each with its service's safe default
        create.py         CREATORS: {tf_type: creator}, making one in an AWS endpoint (the sandbox's ClickOps)
        scan.py           LISTERS: {tf_type: base.Lister}, finding every existing one (bot/scan.py)
        <tf_type>.tf.j2   the HCL template its configuration is written with

Adding a type is a change in its service's package alone. This module loads every package once and builds the
registries the rest of tfsync reads: CATALOG and BY_EVENT (classification, infra's EventBridge rule, the docs),
DESCRIBE and TEMPLATES (code generation), DELETE (deletion), CREATE (the sandbox), SCAN (the scan). A type that
lacks one of them, or a registry entry without a catalog entry, stops the import.

The helpers the packages share are modules of this package: base (the entry's shape), _arn (ARNs, partitions,
console hosts), template_input (what readers return), _describe, _delete, _create and _scan. They import nothing from
the rest of tfsync but bot.events, bot.errors and bot.resource, so the catalog stays the bottom layer.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.catalog._create import Creator
from bot.catalog._delete import Executor
from bot.catalog.base import CatalogEntry, ExtractError, Found, Lister, suggest_tf_name
from bot.catalog.template_input import TypeCodegen

# One package per AWS service; the helper modules beside them are plain modules.
SERVICES = tuple(sorted(m.name for m in pkgutil.iter_modules(__path__) if m.ispkg))
TEMPLATE_SUFFIX = ".tf.j2"
# What each service package holds for each of its types besides the entry, in the order _load() returns them.
PARTS = ("describe reader", "delete executor", "creator", "template", "lister")

__all__ = [
    "BY_EVENT",
    "CATALOG",
    "CREATE",
    "DELETE",
    "DESCRIBE",
    "SCAN",
    "SERVICES",
    "TEMPLATES",
    "CatalogEntry",
    "ExtractError",
    "Found",
    "entries",
    "suggest_tf_name",
]


def _entries(package: Any, by_type: dict[str, CatalogEntry], by_event: dict[tuple[str, str], CatalogEntry]) -> None:
    for entry in package.ENTRIES:
        if entry.tf_type in by_type:
            raise RuntimeError(f"catalog: {entry.tf_type} is declared twice")
        by_type[entry.tf_type] = entry
        if entry.handed_over_by:  # its events are its hander's, checked once every package is loaded
            continue
        for event_name in entry.create_events:
            key = (entry.event_source, event_name)
            if key in by_event:
                raise RuntimeError(f"catalog: {key} creates both {by_event[key].tf_type} and {entry.tf_type}")
            by_event[key] = entry


def _parts(service: str, package: Any) -> dict[str, dict[str, Any]]:
    """The service's describe readers, delete executors, creators and templates, each by Terraform type."""
    folder = Path(package.__path__[0])
    return {
        "describe reader": {c.tf_type: c for c in importlib.import_module(f"{__name__}.{service}.describe").CODEGEN},
        "delete executor": dict(importlib.import_module(f"{__name__}.{service}.delete").EXECUTORS),
        "creator": dict(importlib.import_module(f"{__name__}.{service}.create").CREATORS),
        "template": {p.name.removesuffix(TEMPLATE_SUFFIX): p for p in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}"))},
        "lister": dict(importlib.import_module(f"{__name__}.{service}.scan").LISTERS),
    }


def _load() -> tuple[Mapping[Any, Any], ...]:
    by_type: dict[str, CatalogEntry] = {}
    by_event: dict[tuple[str, str], CatalogEntry] = {}
    registries: dict[str, dict[str, Any]] = {kind: {} for kind in PARTS}
    for service in SERVICES:
        package = importlib.import_module(f"{__name__}.{service}")
        _entries(package, by_type, by_event)
        declared = {entry.tf_type for entry in package.ENTRIES}
        for kind, found in _parts(service, package).items():
            if set(found) != declared:
                raise RuntimeError(f"catalog: {service}'s {kind}s are for {sorted(found)}, its ENTRIES for "
                                   f"{sorted(declared)}: each type needs exactly one, in its own service's package")
            registries[kind].update(found)
    _check_handovers(by_type)
    return (MappingProxyType(by_type), MappingProxyType(by_event), *(MappingProxyType(registries[k]) for k in PARTS))


def _check_handovers(by_type: Mapping[str, CatalogEntry]) -> None:
    """A handed-over type's events must be its hander's, from the same source: otherwise no record reaches it."""
    for entry in by_type.values():
        if not entry.handed_over_by:
            continue
        hander = by_type.get(entry.handed_over_by)
        if (hander is None or hander.handed_over_by or hander.event_source != entry.event_source
                or not entry.create_events or not set(entry.create_events) <= set(hander.create_events)):
            raise RuntimeError(f"catalog: {entry.tf_type} is handed over by {entry.handed_over_by!r}, which must be "
                               f"a catalog entry of {entry.event_source} with all of its create events")


CATALOG: Mapping[str, CatalogEntry]
BY_EVENT: Mapping[tuple[str, str], CatalogEntry]
DESCRIBE: Mapping[str, TypeCodegen]
DELETE: Mapping[str, Executor]
CREATE: Mapping[str, Creator]
TEMPLATES: Mapping[str, Path]
SCAN: Mapping[str, Lister]
CATALOG, BY_EVENT, DESCRIBE, DELETE, CREATE, TEMPLATES, SCAN = _load()


def entries() -> Iterator[CatalogEntry]:
    """Every entry, in a stable order (by Terraform type)."""
    return iter(sorted(CATALOG.values(), key=lambda e: e.tf_type))

"""Terraform code for a detected resource: a resource block from its real configuration, and an import block.

The resource block goes into the folder of the target module; the import block always goes into the root module,
because Terraform reads import blocks only there (and cannot generate configuration into a child module itself).
"""

from __future__ import annotations

import copy
import logging
import posixpath
import re
import tempfile
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from bot.catalog import DESCRIBE as REGISTRY
from bot.catalog import TEMPLATES
from bot.catalog._delete import is_not_found
from bot.catalog.template_input import Clients, Model, NotFound
from bot.classify import Resource
from bot.events import CloudTrailRecord
from renderers.hcl import TEMPLATES as SHARED_TEMPLATES
from renderers.hcl import JsonDocument, environment, finish, hcl_identifier, unique_label

logger = logging.getLogger(__name__)

_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_RESOURCE_HEADER = re.compile(r'^\s*resource\s+"?([A-Za-z0-9_-]+)"?\s+"?([A-Za-z0-9_-]+)"?\s*\{', re.MULTILINE)
DEFAULT_MODULES_DIR = "modules"
# Each type's template lives with its type in bot/catalog/<service>/; the partials every template includes (the
# notes above a resource, the import block) stay with the HCL renderer.
TEMPLATE_DIRS = (SHARED_TEMPLATES, *sorted({path.parent for path in TEMPLATES.values()}))
_NUMBERED = re.compile(r"(.+)_[a-z]+_\d+\Z")
# Terraform normalises every string to Unicode NFC, so a value AWS holds in another form cannot be written exactly.
_NFC_NOTE = (
    "Some values are not in Unicode NFC form; Terraform normalises strings to NFC, so a plan will show them changing."
)


class CodegenError(Exception):
    """Code cannot be generated for this resource or target (unknown type, unusable module)."""


class ResourceGone(CodegenError):
    """Describing the resource found nothing: it was deleted since it was detected (or these credentials cannot see
    it). Raised instead of falling back to the event when the caller needs the resource to exist."""


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    """One file to write, at a POSIX path relative to the root module's folder."""

    path: str
    content: str


@dataclass(frozen=True, slots=True)
class Target:
    """Where the resource block goes: the module path from the root and the folder holding that module's code."""

    modules: tuple[str, ...] = ()
    folder: str = "."

    def address(self, tf_type: str, label: str) -> str:
        prefix = "".join(f"module.{name}." for name in self.modules)
        return f"{prefix}{tf_type}.{label}"

    def local(self, address: str) -> str | None:
        """`type.name` of an address in this module: a full address (`module.a.type.name`) or one relative to the
        module (`type.name`) already; None for a full address in another module."""
        rest = address.removeprefix("".join(f"module.{name}." for name in self.modules))
        return None if rest.startswith("module.") else rest


@dataclass(frozen=True, slots=True)
class Generation:
    """The files for one resource, with the address it is imported to and where its arguments were read."""

    resource: Resource
    address: str
    label: str
    files: tuple[GeneratedFile, ...]
    described: bool
    notes: tuple[str, ...]


def parse_module_path(text: str | None) -> tuple[str, ...]:
    """`module.network.module.subnets`, `network.subnets` or `network/subnets` -> ("network", "subnets")."""
    if not text or text.strip() in ("", "."):
        return ()
    parts = [p for p in re.split(r"[./]", text.strip()) if p]
    if parts and parts[0] == "module":
        # An address: module.NAME pairs, the keyword before every name.
        if len(parts) % 2 or any(keyword != "module" for keyword in parts[0::2]):
            raise CodegenError(f"{text!r} is not a module address like module.network or module.a.module.b")
        parts = parts[1::2]
    names = parts
    for name in names:
        if not _MODULE_NAME.match(name):
            raise CodegenError(f"{name!r} is not a module name (letters, digits, _ and -; not starting with a digit)")
    if not names:
        raise CodegenError(f"{text!r} names no module")
    return tuple(names)


def resolve_target(modules: tuple[str, ...], root: Path | None) -> Target:
    """The folder of a child module's code: from the module call's local source where the root config has it."""
    folder = "."
    for name in modules:
        source = _module_source(root / folder, name) if root is not None else None
        if source is None:
            folder = posixpath.normpath(posixpath.join(folder, DEFAULT_MODULES_DIR, name))
        elif source.startswith(("./", "../")):
            folder = posixpath.normpath(posixpath.join(folder, source))
            if folder.startswith(".."):
                raise CodegenError(f"module {name!r} lives outside the repository ({source!r})")
        else:
            raise CodegenError(f"module {name!r} comes from {source!r}, not a folder here: its code cannot be edited")
    return Target(modules=modules, folder=folder)


def _module_source(folder: Path, name: str) -> str | None:
    if not folder.is_dir() or not any(folder.glob("*.tf")):
        return None
    from bot.terraform import TerraformError, literal_string, load_config_dir

    try:
        module = load_config_dir(folder)
    except TerraformError as exc:
        raise CodegenError(f"cannot read the module calls in {folder}: {exc}") from None
    call = (module.get("ModuleCalls") or {}).get(name)
    if not call:
        return None
    src_range = (call.get("SourceExpr") or {}).get("SrcRange")
    return literal_string(src_range) if src_range else None


def requested_label(resource: Resource, name: str | None) -> str:
    """The label a name asks for (the suggested name when there is none), before any clash is avoided."""
    fallback = resource.tf_type.removeprefix("aws_")
    return hcl_identifier(name or resource.suggested_name or fallback, fallback)


def label_for(tf_type: str, wanted: str, existing: Collection[str]) -> str:
    """The label `wanted` gets in a module declaring `existing` (`type.name`): itself as an identifier, or with the
    first `_2`, `_3`... free for every type the type's template declares."""
    codegen = REGISTRY.get(tf_type)
    types = (tf_type, *(codegen.companion_types if codegen is not None else ()))
    return _label_for(wanted, tf_type, types, existing, tf_type.removeprefix("aws_"))


def existing_addresses(folder: Path) -> set[str]:
    """`type.name` of every resource block already in a folder, as Terraform reads them."""
    if not folder.is_dir() or not any(folder.glob("*.tf")):
        return set()
    from bot.terraform import TerraformError, load_config_dir

    try:
        module = load_config_dir(folder)
    except TerraformError:
        # A folder Terraform cannot parse still has names a new block must not take.
        found: set[str] = set()
        for path in folder.glob("*.tf"):
            found.update(f"{t}.{n}" for t, n in _RESOURCE_HEADER.findall(path.read_text(encoding="utf-8")))
        return found
    return set(module.get("ManagedResources") or {})


class CodeGenerator:
    """Renders the Terraform code for detected resources, reading live attributes when given AWS clients."""

    def __init__(self, client_factory: Callable[[str, str], Any] | None = None, default_region: str = "us-east-1"):
        # `(service, region) -> client` in the one account the resources live in: a resource from another
        # account is read through a generator made for it (`with_clients`), never through this one.
        self.client_factory = client_factory
        self.default_region = default_region
        self.env = environment(*TEMPLATE_DIRS)

    def with_clients(self, client_factory: Callable[[str, str], Any] | None) -> CodeGenerator:
        """The same generator reading AWS through other clients (those of a resource's own account); the parsed
        templates are shared, so one per resource costs nothing."""
        other = copy.copy(self)
        other.client_factory = client_factory
        return other

    def model(
        self, resource: Resource, record: CloudTrailRecord | None, describe: bool, *, must_exist: bool = False
    ) -> tuple[Model, bool]:
        """The template input for a resource, and whether it came from describe calls.

        When describing fails, the CloudTrail event stands in, with a note saying so; with `must_exist`, a resource
        that describing finds gone raises ResourceGone instead.
        """
        codegen = REGISTRY.get(resource.tf_type)
        if codegen is None:
            raise CodegenError(f"no code generation for {resource.tf_type}")
        if not describe or self.client_factory is None:
            model = codegen.from_event(record, resource)
            note = "Written from the CloudTrail event alone: check it against the console before applying."
            return _with_note(model, note), False
        clients = Clients(self.client_factory, resource.region or self.default_region)
        try:
            return codegen.describe(clients, resource), True
        except ClientError as exc:
            error = exc.response.get("Error", {})
            why = f"{exc.operation_name} failed with {error.get('Code', 'an error')}"
            message = str(error.get("Message") or "").strip()
            gone = (f"{why}: {message}" if message else why) if _is_gone(exc) else None
        except NotFound as exc:
            why = f"it was not found ({exc})"
            gone = f"describing it found nothing: {exc}"
        logger.info("describe %s %s: %s", resource.tf_type, resource.import_id, why)
        if gone is not None and must_exist:
            raise ResourceGone(f"the resource no longer exists in AWS ({gone})")
        note = f"Written from the CloudTrail event, not from AWS: reading the resource failed, {why}."
        return _with_note(codegen.from_event(record, resource), note), False

    def generate(
        self,
        resource: Resource,
        record: CloudTrailRecord | None = None,
        *,
        name: str | None = None,
        modules: tuple[str, ...] = (),
        root: Path | None = None,
        describe: bool = False,
        taken: Collection[str] = (),
        must_exist: bool = False,
    ) -> Generation:
        """The files that adopt one resource into the target module of the repository at `root`.

        The label avoids every address the target module's folder declares and every address in `taken`: full
        addresses (`module.a.type.name`; those of other modules do not matter) or addresses relative to the target
        module (`type.name`). With `must_exist` (and `describe`), a resource deleted meanwhile raises ResourceGone.
        """
        target = resolve_target(modules, root)
        model, described = self.model(resource, record, describe, must_exist=must_exist)
        if not all(unicodedata.is_normalized("NFC", text) for text in _strings(model.args)):
            model = _with_note(model, _NFC_NOTE)
        existing = {local for address in taken if (local := target.local(address)) is not None}
        if root is not None:
            existing |= existing_addresses(root / target.folder)
        label = label_for(resource.tf_type, requested_label(resource, name), existing)
        imports = [(target.address(resource.tf_type, label), resource.import_id)]
        imports += [(target.address(c.tf_type, c.label(label)), c.import_id) for c in model.companions]

        blocks = self.env.get_template(f"{resource.tf_type}.tf.j2").render(
            label=label, args=model.args, notes=model.notes, resource=resource
        )
        import_text = "\n".join(
            self.env.get_template("_import.tf.j2").render(address=a, import_id=i) for a, i in imports
        )
        stem = f"{resource.tf_type}.{label}"
        files: tuple[GeneratedFile, ...]
        if not target.modules:
            files = (GeneratedFile(f"{stem}.tf", finish(blocks + "\n" + import_text)),)
        else:
            module_stem = ".".join(target.modules)
            files = (
                GeneratedFile(posixpath.join(target.folder, f"{stem}.tf"), finish(blocks)),
                GeneratedFile(f"import.{module_stem}.{stem}.tf", finish(import_text)),
            )
        return Generation(
            resource=resource,
            address=imports[0][0],
            label=label,
            files=files,
            described=described,
            notes=model.notes,
        )


def _label_for(wanted: str, main_type: str, types: Iterable[str], existing: Collection[str], fallback: str) -> str:
    """A label free for every type the template declares (a bucket's versioning shares the bucket's label).

    Companions that come several to a resource carry a numbered suffix (db_ingress_1), so such a label of a
    companion type also takes its base (db).
    """
    types = tuple(types)
    blocked = set()
    for address in existing:
        tf_type, _, name = address.partition(".")
        if tf_type not in types:
            continue
        blocked.add(name)
        numbered = _NUMBERED.match(name)
        if tf_type != main_type and numbered:
            blocked.add(numbered.group(1))
    return unique_label(wanted, blocked, fallback)


def _is_gone(exc: ClientError) -> bool:
    """A describe call's answer that the resource does not exist (HeadBucket and the like answer a bare 404)."""
    return is_not_found(exc) or exc.response.get("Error", {}).get("Code") == "404"


def _strings(value: Any) -> Iterable[str]:
    """Every string in a model's arguments, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, JsonDocument):
        yield from _strings(value.value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _with_note(model: Model, note: str) -> Model:
    return Model(args=model.args, companions=model.companions, notes=(*model.notes, note))


def check_with_terraform(files: Iterable[GeneratedFile]) -> None:
    """Terraform's own parser loads every folder the files land in, and `terraform fmt` would change nothing."""
    from bot.terraform import TerraformError, fmt_check, load_config_dir

    with tempfile.TemporaryDirectory(prefix="tfsync-check-") as tmp:
        root = Path(tmp)
        folders = set()
        for generated in files:
            target = root / generated.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(generated.content, encoding="utf-8")
            folders.add(target.parent)
        try:
            for folder in sorted(folders):
                load_config_dir(folder)
        except TerraformError as exc:
            raise CodegenError(f"Terraform cannot load the generated code: {exc}") from None
        result = fmt_check(root)
        if not result.clean:
            listed = ", ".join(Path(p).name for p in result.unformatted) or result.errors
            raise CodegenError(f"terraform fmt would change the generated code: {listed}")


def write(files: Iterable[GeneratedFile], root: Path) -> list[Path]:
    """Write generated files under root; nothing is written if any would leave root or replace a file."""
    base = root.resolve()
    planned = []
    for generated in files:
        target = (base / generated.path).resolve()
        if not target.is_relative_to(base):
            raise CodegenError(f"{generated.path} is outside {root}")
        if target.exists():
            raise CodegenError(f"{target} already exists")
        planned.append((target, generated.content))
    for target, content in planned:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return [target for target, _ in planned]

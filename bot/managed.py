"""What Terraform already manages: resources read from state files (format version 4) in S3 backends."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.catalog import CATALOG, CatalogEntry
from bot.errors import InputError

logger = logging.getLogger(__name__)

SUPPORTED_STATE_VERSION = 4


@dataclass(frozen=True, slots=True)
class ManagedResource:
    address: str  # module.net.aws_vpc.main["a"]
    state: str  # where the state lives: s3://bucket/key


@dataclass(slots=True)
class ManagedIndex:
    """Lookup of managed resources by (Terraform type, import ID) and by ARN."""

    by_id: dict[tuple[str, str], ManagedResource] = field(default_factory=dict)
    by_arn: dict[str, ManagedResource] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.by_id)

    def find(self, tf_type: str, import_id: str, arn: str = "") -> ManagedResource | None:
        hit = self.by_id.get((tf_type, import_id))
        if hit is None and arn:
            hit = self.by_arn.get(arn)
        return hit

    def add_state(self, document: Any, state: str) -> None:
        """Index every managed resource in one state document; raises InputError for what is not a v4 state."""
        for resource in _state_resources(document, state):
            if isinstance(resource, dict) and resource.get("mode") == "managed":
                self._add_resource(resource, state)

    def _add_resource(self, resource: dict[str, Any], state: str) -> None:
        """Index every instance of one managed resource of a state."""
        tf_type = resource.get("type")
        entry = CATALOG.get(tf_type) if isinstance(tf_type, str) else None
        instances = resource.get("instances")
        if not isinstance(instances, list):
            return
        module = resource.get("module")
        name = f"{tf_type}.{resource.get('name')}"
        base = f"{module}.{name}" if isinstance(module, str) and module else name
        for instance in instances:
            attributes = instance.get("attributes") if isinstance(instance, dict) else None
            if not isinstance(attributes, dict):
                continue
            key = instance.get("index_key")
            address = base if key is None else f"{base}[{json.dumps(key)}]"
            managed = ManagedResource(address, state)
            arn = attributes.get("arn")
            if isinstance(arn, str) and arn:
                self.by_arn[arn] = managed
            import_id = _import_id(entry, attributes, managed)
            if isinstance(import_id, str) and import_id and isinstance(tf_type, str):
                self.by_id[(tf_type, import_id)] = managed

    @classmethod
    def from_states(cls, states: Iterable[tuple[str, Any]]) -> ManagedIndex:
        index = cls()
        for location, document in states:
            index.add_state(document, location)
        return index


def _state_resources(document: Any, state: str) -> list[Any]:
    """The 'resources' array of a version 4 state document; raises InputError for what is not one."""
    if not isinstance(document, dict) or not ("resources" in document or "version" in document):
        raise InputError(state, "not a Terraform state file (no 'version' or 'resources')")
    # Checked first: a version 3 state (Terraform < 0.12) keeps its resources under 'modules' instead.
    version = document.get("version")
    if version != SUPPORTED_STATE_VERSION:
        raise InputError(state, f"state format version {version!r}; tfsync reads version 4 (Terraform >= 0.12)")
    resources = document.get("resources")
    if not isinstance(resources, list):
        raise InputError(state, "a version 4 state needs a 'resources' array")
    return resources


def _import_id(entry: CatalogEntry | None, attributes: dict[str, Any], managed: ManagedResource) -> Any:
    """The import ID of a resource instance, by its catalog entry (the 'id' attribute for types outside it)."""
    try:
        return entry.state_import_id(attributes) if entry else attributes.get("id")
    except Exception:
        # One entry failing on odd attributes must not hide the rest of the state.
        logger.exception("%s: cannot work out the import ID of %s", managed.state, managed.address)
        return None


def parse_location(location: str) -> tuple[str, str]:
    """s3://bucket/key-or-prefix -> (bucket, key-or-prefix)."""
    bucket, _, key = location.removeprefix("s3://").partition("/")
    return bucket, key


class StateReader:
    """Reads Terraform states from S3 backends, downloading only the objects whose ETag changed."""

    def __init__(self, s3: Any, locations: Iterable[str], max_bytes: int) -> None:
        self._s3 = s3
        self._locations = tuple(locations)
        self._max_bytes = max_bytes
        self._cache: dict[tuple[str, str], tuple[str, Any]] = {}  # (bucket, key) -> (etag, document or error)
        self.errors: list[InputError] = []
        self.downloads = 0

    def _objects(self, bucket: str, key: str) -> list[tuple[str, str]]:
        """(key, etag) of each state object a location names: one key, or every *.tfstate under a prefix."""
        if key and not key.endswith("/"):
            head = self._s3.head_object(Bucket=bucket, Key=key)
            return [(key, head["ETag"])]
        found = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key):
            for obj in page.get("Contents", []):
                if obj["Key"].endswith(".tfstate"):
                    found.append((obj["Key"], obj["ETag"]))
        return found

    def _download(self, bucket: str, key: str, where: str) -> Any:
        """The parsed state, or the InputError saying why it is unreadable (cached like a state, by ETag)."""
        with self._s3.get_object(Bucket=bucket, Key=key)["Body"] as stream:
            body = stream.read(self._max_bytes + 1)
        self.downloads += 1
        if len(body) > self._max_bytes:
            return InputError(where, f"state is over the {self._max_bytes}-byte limit")
        try:
            return json.loads(body)
        except ValueError as exc:
            return InputError(where, f"state is not JSON ({exc})")
        except RecursionError:
            return InputError(where, "state is not JSON tfsync can read (nested too deeply)")

    def load(self) -> ManagedIndex:
        """A fresh index over every location; unreadable states are recorded in `errors` and skipped."""
        from botocore.exceptions import BotoCoreError, ClientError

        self.errors = []
        index = ManagedIndex()
        seen: set[tuple[str, str]] = set()
        for location in self._locations:
            bucket, key = parse_location(location)
            try:
                objects = self._objects(bucket, key)
            except (ClientError, BotoCoreError) as exc:
                self.errors.append(InputError(location, f"cannot list or read the state location ({exc})"))
                continue
            for obj_key, etag in objects:
                if (bucket, obj_key) in seen:  # named by two locations: read and reported once
                    continue
                seen.add((bucket, obj_key))
                self._add_object(index, bucket, obj_key, etag)
        for stale in set(self._cache) - seen:
            del self._cache[stale]
        for error in self.errors:
            logger.warning("Terraform state skipped: %s", error)
        return index

    def _add_object(self, index: ManagedIndex, bucket: str, key: str, etag: str) -> None:
        """Index one state object, downloaded again only when its ETag changed; what fails goes to `errors`."""
        from botocore.exceptions import BotoCoreError, ClientError

        where = f"s3://{bucket}/{key}"
        cached = self._cache.get((bucket, key))
        try:
            if cached is None or cached[0] != etag:
                cached = (etag, self._download(bucket, key, where))
                self._cache[(bucket, key)] = cached
            if isinstance(cached[1], InputError):
                self.errors.append(cached[1])
            else:
                index.add_state(cached[1], where)
        except InputError as exc:
            self.errors.append(exc)
        except (ClientError, BotoCoreError) as exc:
            self.errors.append(InputError(where, f"cannot read the state ({exc})"))

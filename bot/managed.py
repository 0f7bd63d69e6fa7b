"""What Terraform already manages: resources read from state files (format version 4) in S3 backends, with the
states of their workspaces."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.catalog import CATALOG, CatalogEntry
from bot.errors import ConfigError, InputError

logger = logging.getLogger(__name__)

SUPPORTED_STATE_VERSION = 4


@dataclass(frozen=True, slots=True)
class ManagedResource:
    address: str  # module.net.aws_vpc.main["a"]
    state: str  # where the state lives: s3://bucket/key
    # The account the resource is in, when known: from its ARN, else from the state's account (TFSYNC_ACCOUNT_TARGETS);
    # None when neither says (a shared state's S3 bucket), and then it counts as managed in any account.
    account: str | None = None


def arn_account(arn: object) -> str | None:
    """The account field of an ARN (None when it has none, like an S3 bucket's)."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[4] else None


@dataclass(slots=True)
class ManagedIndex:
    """Lookup of managed resources by (account, Terraform type, import ID) and by ARN.

    Import IDs are not unique across accounts (a role `admin` can exist in every account): a resource a state manages
    in one account must not make the same name in another look managed, or its thread would never open.
    """

    by_id: dict[tuple[str | None, str, str], ManagedResource] = field(default_factory=dict)
    by_arn: dict[str, ManagedResource] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.by_id)

    def find(self, tf_type: str, import_id: str, arn: str = "", account: str | None = None) -> ManagedResource | None:
        """The managed resource with this import ID in the account (or in no known account), else with this ARN."""
        if not import_id:  # not known yet (bot/resolution.py): only the ARN can tell
            return self.by_arn.get(arn) if arn else None
        hit = self.by_id.get((account, tf_type, import_id)) if account else None
        if hit is None:
            hit = self.by_id.get((None, tf_type, import_id))
        if hit is None and account is None:
            # No account asked for (the classify CLI on a bare record): any account's resource of that ID.
            hit = next((m for (_, t, i), m in self.by_id.items() if t == tf_type and i == import_id), None)
        if hit is None and arn:
            hit = self.by_arn.get(arn)
        return hit

    def add_state(self, document: Any, state: str, account: str | None = None) -> None:
        """Index every managed resource in one state document (a state of `account`'s resources when given);
        raises InputError for what is not a v4 state."""
        for resource in _state_resources(document, state):
            if isinstance(resource, dict) and resource.get("mode") == "managed":
                self._add_resource(resource, state, account)

    def _add_resource(self, resource: dict[str, Any], state: str, account: str | None = None) -> None:
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
            arn = attributes.get("arn")
            managed = ManagedResource(address, state, arn_account(arn) or account)
            if isinstance(arn, str) and arn:
                self.by_arn[arn] = managed
            import_id = _import_id(entry, attributes, managed)
            if isinstance(import_id, str) and import_id and isinstance(tf_type, str):
                self.by_id[(managed.account, tf_type, import_id)] = managed

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


# Where Terraform's S3 backend keeps the states of workspaces other than "default":
# <workspace_key_prefix>/<workspace>/<key>, with this prefix unless the backend configures another.
DEFAULT_WORKSPACE_KEY_PREFIX = "env:"
_OPTIONS = ("workspace_key_prefix",)


@dataclass(frozen=True, slots=True)
class StateLocation:
    """One configured location: a state key, or a prefix ('' for the whole bucket) whose *.tfstate are states."""

    bucket: str
    key: str
    workspace_key_prefix: str = DEFAULT_WORKSPACE_KEY_PREFIX

    @property
    def is_prefix(self) -> bool:
        return not self.key or self.key.endswith("/")

    def workspace_key(self, key: str) -> bool:
        """Whether an object key is the state of a workspace of this location (`env:/<workspace>/<key>`).

        Workspace states live outside the configured key or prefix, so without them a resource that only a
        workspace manages would look unmanaged and could be deleted.
        """
        lead = self.workspace_listing_prefix
        if not key.startswith(lead):
            return False
        workspace, slash, rest = key[len(lead) :].partition("/")
        if not workspace or not slash:
            return False
        if self.is_prefix:
            return rest.startswith(self.key) and rest.endswith(".tfstate")
        return rest == self.key

    @property
    def workspace_listing_prefix(self) -> str:
        return f"{self.workspace_key_prefix}/" if self.workspace_key_prefix else ""


def parse_location(location: str) -> StateLocation:
    """`s3://bucket/key-or-prefix[?workspace_key_prefix=P]` -> StateLocation; ConfigError for an unknown option.

    The option is the backend's own `workspace_key_prefix`, taken as written (no URL decoding), so the same text
    means the same prefix to the bot and to the IAM policy infra/modules/bot_runtime derives from it.
    """
    path, _, query = location.removeprefix("s3://").partition("?")
    bucket, _, key = path.partition("/")
    options: dict[str, str] = {}
    for pair in filter(None, query.split("&")):
        name, equals, value = pair.partition("=")
        if name not in _OPTIONS or not equals:
            known = ", ".join(f"{option}=..." for option in _OPTIONS)
            raise ConfigError(f"state location {location!r}: unknown option {pair!r} (known: {known})")
        options[name] = value
    prefix = options.get("workspace_key_prefix", DEFAULT_WORKSPACE_KEY_PREFIX)
    if prefix.startswith("/") or prefix.endswith("/"):
        raise ConfigError(f"state location {location!r}: workspace_key_prefix may not start or end with '/'")
    return StateLocation(bucket, key, prefix)


class StateReader:
    """Reads Terraform states from S3 backends, and their workspaces' states, downloading only changed objects."""

    def __init__(self, s3: Any, locations: Iterable[str | tuple[str, str | None]], max_bytes: int) -> None:
        """`locations`: s3:// locations, each alone or with the account whose resources its states hold."""
        self._s3 = s3
        scoped = [(item, None) if isinstance(item, str) else item for item in locations]
        self._locations = tuple((location, parse_location(location), account) for location, account in scoped)
        self._max_bytes = max_bytes
        self._cache: dict[tuple[str, str], tuple[str, Any]] = {}  # (bucket, key) -> (etag, document or error)
        self.errors: list[InputError] = []
        self.downloads = 0

    def _objects(self, location: StateLocation) -> list[tuple[str, str]]:
        """(key, etag) of each state object a location names: one key, or every *.tfstate under a prefix."""
        if not location.is_prefix:
            head = self._s3.head_object(Bucket=location.bucket, Key=location.key)
            return [(location.key, head["ETag"])]
        return self._list(location.bucket, location.key, lambda key: key.endswith(".tfstate"))

    def _workspace_objects(self, location: StateLocation) -> list[tuple[str, str]]:
        """(key, etag) of each workspace state of a location; none for a whole bucket, whose listing has them."""
        if not location.key:
            return []
        return self._list(location.bucket, location.workspace_listing_prefix, location.workspace_key)

    def _list(self, bucket: str, prefix: str, keep: Callable[[str], bool]) -> list[tuple[str, str]]:
        """(key, etag) of every object under a prefix that `keep` accepts, over every page of the listing."""
        found = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                if keep(obj["Key"]):
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
        """A fresh index over every location and its workspaces; what cannot be read is recorded in `errors`."""
        from botocore.exceptions import BotoCoreError, ClientError

        self.errors = []
        index = ManagedIndex()
        seen: set[tuple[str, str]] = set()
        for name, location, account in self._locations:
            objects: list[tuple[str, str]] = []
            try:
                objects += self._objects(location)
            except (ClientError, BotoCoreError) as exc:
                self.errors.append(InputError(name, f"cannot list or read the state location ({exc})"))
            try:
                objects += self._workspace_objects(location)
            except (ClientError, BotoCoreError) as exc:
                where = f"s3://{location.bucket}/{location.workspace_listing_prefix}"
                self.errors.append(InputError(name, f"cannot list its workspace states under {where} ({exc})"))
            for obj_key, etag in objects:
                if (location.bucket, obj_key) in seen:  # named by two locations: read and reported once
                    continue
                seen.add((location.bucket, obj_key))
                self._add_object(index, location.bucket, obj_key, etag, account)
        for stale in set(self._cache) - seen:
            del self._cache[stale]
        for error in self.errors:
            logger.warning("Terraform state skipped: %s", error)
        return index

    def _add_object(self, index: ManagedIndex, bucket: str, key: str, etag: str, account: str | None) -> None:
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
                index.add_state(cached[1], where, account)
        except InputError as exc:
            self.errors.append(exc)
        except (ClientError, BotoCoreError) as exc:
            self.errors.append(InputError(where, f"cannot read the state ({exc})"))

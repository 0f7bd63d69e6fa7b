"""The shape of a catalog entry and the small helpers every service module uses to fill one."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from bot.catalog import _arn
from bot.catalog.template_input import Clients
from bot.events import CloudTrailRecord
from bot.resource import Resource

_IDENT_BAD = re.compile(r"[^a-z0-9_]+")
_MAX_TF_NAME = 64


class ExtractError(Exception):
    """A creation record lacks the field a resource's identity comes from."""


class OtherType(Exception):
    """The event is one of this type's create events, but it made a resource of another Terraform type."""

    def __init__(self, tf_type: str, why: str) -> None:
        super().__init__(f"{tf_type} ({why})")
        self.tf_type = tf_type
        self.why = why


class NotACreation(Exception):
    """The event is one of the type's create events, but this call changed an existing resource."""


@dataclass(frozen=True, slots=True)
class Found:
    """One resource a creation record made, as the catalog entry identified it. An empty import_id means the record
    does not carry it (a null responseElements, an API version that returned less); the entry's Lookup finds it."""

    import_id: str
    name: str
    arn: str
    console_url: str
    tags: Mapping[str, str] = field(default_factory=dict)
    # Where the record does not decide it (e.g. the entry's default), None.
    loses_data: bool | None = None


Resolver = Callable[[CloudTrailRecord], list[Found]]


@dataclass(frozen=True, slots=True)
class Located:
    """What a lookup read: the import ID, and the ARN when the record could not build it either."""

    import_id: str
    arn: str = ""


@dataclass(frozen=True, slots=True)
class Lookup:
    """The one describe call that finds a resource's import ID when its creation record lacks it, made in the
    resource's own account and region before the resource is stored (bot/resolution.py)."""

    call: str  # as people and the CLI read it: "secretsmanager:DescribeSecret"
    find: Callable[[Clients, Resource], Located]
@dataclass(frozen=True, slots=True)
class Listed:
    """One existing resource a scan listed, identified as a creation record's Found would identify it, with the facts
    that say what it is (instance type, storage size) for people deciding what idles."""

    import_id: str
    name: str
    arn: str
    console_url: str
    tags: Mapping[str, str] = field(default_factory=dict)
    # ("instance type", "t3.micro"), ("storage", "20 GiB"): in the order people read them.
    facts: tuple[tuple[str, str], ...] = ()
    # Where the scope's region is not the resource's: an account-wide listing (S3 buckets) says each one's.
    region: str = ""
    loses_data: bool | None = None


@dataclass(frozen=True, slots=True)
class ScanScope:
    """Where a lister lists: one region of one account, with boto3 clients acting there."""

    clients: Clients
    account_id: str

    @property
    def region(self) -> str:
        return self.clients.region

    @property
    def partition(self) -> str:
        return _arn.partition(self.region)

    def arn(self, service: str, resource: str, *, regional: bool = True, account: bool = True) -> str:
        """arn:<partition>:<service>:<region or ''>:<account or ''>:<resource> in this scope."""
        region = self.region if regional else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id if account else ''}:{resource}"


# Which of a scan's units a lister runs in: every region of an account, or once per account (a global service's
# listing, or S3's ListBuckets, which answers for every region) from the scan's first region.
LISTS_PER_REGION = "region"
LISTS_PER_ACCOUNT = "account"


@dataclass(frozen=True, slots=True)
class Lister:
    """How a scan finds every existing resource of one type in a scope: the list (and, where a list lacks the import
    ID or the facts, describe) calls, paginated. What AWS made by itself is never yielded: default VPCs and their
    subnets, security groups, route tables and internet gateways, AWS-managed policies and keys, service-linked
    roles, and the like of each service."""

    calls: tuple[str, ...]  # as people read them: ("s3:ListBuckets", "s3:GetBucketLocation")
    list: Callable[[ScanScope], Iterable[Listed]]
    per: str = LISTS_PER_REGION
    # An account-wide listing of regional resources (S3 buckets): each item names its region, and a scan keeps only
    # those of the regions it covers. Otherwise an account-wide listing is of a global service, kept whatever the
    # regions.
    regional_items: bool = False


StateId = Callable[[Mapping[str, Any]], str | None]


def state_attribute(*names: str) -> StateId:
    """A state_import_id that reads the first of these attributes of a state's resource that is a non-empty string:
    the attribute the provider keeps the import ID in (often not its `id`)."""

    def read(attributes: Mapping[str, Any]) -> str | None:
        for name in names:
            value = attributes.get(name)
            if isinstance(value, str) and value:
                return value
        return None

    return read


_state_id = state_attribute("id")


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """Everything tfsync knows about one Terraform resource type, declared once."""

    tf_type: str
    service: str  # boto3 service name
    event_source: str  # CloudTrail eventSource
    create_events: tuple[str, ...]
    resolve: Resolver
    # The import ID as the AWS provider's documentation gives it in the Import section, with its example.
    import_id_format: str
    loses_data: bool
    delete_events: tuple[str, ...] = ()
    # Maps a resource's attributes in a Terraform state file to the import ID resolve() returns.
    state_import_id: StateId = _state_id
    label: str = ""  # what a person calls it: "EC2 instance", "S3 bucket"
    # Terraform-only arguments (no AWS API behind them) whose import leaves a value other than the safe one the code
    # sets; the clean-plan gate accepts an in-place update of exactly these on an imported resource, and nothing else.
    argument_only_updates: tuple[str, ...] = ()
    # Where a record may lack the import ID: the describe call that finds it (Found.import_id is then "").
    lookup: Lookup | None = None
    # A type whose create events belong to another entry of the same event source: that entry's resolver hands the
    # records of this type over by raising OtherType(this type) (RDS's CreateDBInstance making an Aurora member,
    # elasticloadbalancing's CreateLoadBalancer making a classic ELB). Its create_events name those events.
    handed_over_by: str = ""


def dig(obj: Any, *path: str | int) -> Any:
    """obj[path[0]][path[1]]..., or None where any step is missing or of the wrong kind."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(obj, list) or not -len(obj) <= step < len(obj):
                return None
        elif not isinstance(obj, dict):
            return None
        obj = obj[step] if isinstance(step, int) else obj.get(step)
    return obj


def spelled(body: Any, *path: str) -> Any:
    """body[path[0]][path[1]]..., each step as CloudTrail writes it (camelCase: topicArn) or, where that is missing,
    as the API model spells it (PascalCase: TopicArn), which records of other producers and API versions use; None
    where a step is missing or not an object."""
    for step in path:
        if not isinstance(body, Mapping):
            return None
        value = body.get(step)
        body = value if value is not None else body.get(step[:1].upper() + step[1:])
    return body


def spelled_text(body: Any, *path: str) -> str:
    """spelled() of a string field, or '' for anything else."""
    return text(spelled(body, *path))


def text(value: Any) -> str:
    """A string field's value, or '' for anything else."""
    return value if isinstance(value, str) else ""


def need(value: Any, what: str) -> str:
    """A required identity field: a non-empty string, or an ExtractError naming what was missing."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ExtractError(f"the record has no {what}")


def tags_from_pairs(items: Any, key: str = "key", value: str = "value") -> dict[str, str]:
    """Tags from a list of {key, value} pairs, whatever the pair's field names are."""
    tags: dict[str, str] = {}
    if isinstance(items, dict):  # some APIs nest the list one level down: {"items": [...]} or {"member": [...]}
        items = items.get("items") or items.get("member") or items.get("Tag") or items.get("tag") or []
    if not isinstance(items, list):
        return tags
    for item in items:
        if isinstance(item, dict):
            k = item.get(key, item.get(key.capitalize()))
            v = item.get(value, item.get(value.capitalize()))
            if isinstance(k, str):
                tags[k] = v if isinstance(v, str) else ("" if v is None else str(v))
    return tags


def tags_from_map(mapping: Any) -> dict[str, str]:
    """Tags from a {key: value} object."""
    if not isinstance(mapping, dict):
        return {}
    return {str(k): v if isinstance(v, str) else ("" if v is None else str(v)) for k, v in mapping.items()}


def name_tag(tags: Mapping[str, str]) -> str:
    """The value of the Name tag, matched case-insensitively as people type it."""
    for key, value in tags.items():
        if key.lower() == "name" and value:
            return value
    return ""


def suggest_tf_name(*candidates: str, fallback: str = "this") -> str:
    """A valid Terraform identifier from the first usable candidate (Name tag, resource name, id)."""
    for candidate in candidates:
        if not candidate:
            continue
        ident = _IDENT_BAD.sub("_", candidate.lower()).strip("_")
        ident = re.sub(r"_+", "_", ident)[:_MAX_TF_NAME].rstrip("_")
        if ident:
            return ident if not ident[0].isdigit() else f"r_{ident}"[:_MAX_TF_NAME]
    return fallback


def console(region: str, path: str, *, subdomain: str | None = None) -> str:
    """A console URL on the console host of the region's partition; path is everything after the host, already
    shaped for that console. The host is regional unless `subdomain` says otherwise ("" for a global console)."""
    return _arn.console_url(region, path, subdomain=subdomain)


def q(value: str) -> str:
    """URL-quote a path or fragment component."""
    return quote(value, safe="")


def region_of(record: CloudTrailRecord) -> str:
    return record.aws_region or "us-east-1"


def first(values: Iterable[str]) -> str:
    for value in values:
        if value:
            return value
    return ""

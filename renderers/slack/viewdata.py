"""What the Slack renderers draw: small frozen views that the Slack adapters fill from state records and settings.

Statuses and ignore scopes are the engine's own (re-exported here for the renderers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.rules import IgnoreScope as IgnoreScope
from bot.state.status import OPEN_STATUSES as OPEN_STATUSES
from bot.state.status import Status as Status

_SHORT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")


class Expiry(StrEnum):
    DAY = "1d"
    WEEK = "7d"
    MONTH = "30d"
    FOREVER = "forever"

    @property
    def duration(self) -> timedelta | None:
        return {"1d": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}.get(self.value)


def check_short_id(value: str) -> str:
    """The short id goes into button values and block ids verbatim, so it must be short and plain."""
    if not _SHORT_ID.match(value):
        raise ValueError(f"short id {value[:80]!r} is not 1-64 letters, digits, '-' or '_'")
    return value


@dataclass(frozen=True, slots=True)
class ResourceView:
    """One detected resource as the Slack surfaces show it."""

    short_id: str  # the id people quote, e.g. r-k3v9q2mzt7ab
    tf_type: str
    label: str  # "S3 bucket"; the catalog's label, or the type when it has none
    import_id: str
    name: str
    arn: str
    region: str
    account_id: str
    actor: str  # the AWS principal that created it
    status: Status
    suggested_name: str
    loses_data: bool
    event_time: datetime | None = None
    console_url: str = ""
    actor_user_id: str | None = None  # the Slack user the principal maps to, when one does
    tags: Mapping[str, str] = field(default_factory=dict)
    code_preview: str = ""  # the Terraform code that would manage it
    channel_id: str | None = None
    thread_ts: str | None = None
    thread_url: str | None = None  # permalink of the thread, when the caller has one
    # Who made the current status and when (a Slack user for clicks; empty for tfsync's own changes).
    status_by_user_id: str | None = None
    status_by: str = ""
    status_at: datetime | None = None
    # Adoption: where the code goes, and what the job produced.
    tf_address: str | None = None  # e.g. module.network.aws_s3_bucket.logs
    tf_file: str | None = None  # the file the job put the code in, once it has made it
    job_url: str | None = None  # build log
    result_url: str | None = None  # commit or pull request
    result_kind: str | None = None  # "commit" or "pull request"
    error: str | None = None  # why the last adopt or delete failed
    # While ignored.
    ignore_rule: str | None = None  # how the rule reads, e.g. "all aws_s3_bucket by alice"
    ignore_until: datetime | None = None
    # The account as people know it (TFSYNC_ACCOUNT_ALIASES), and whether tfsync has a role there: without one, only
    # Ignore and the code preview are offered.
    account_alias: str = ""
    reachable: bool = True
    # Why the import ID is unknown, when the creation record lacked it and the lookup failed (import_id is "").
    unresolved: str = ""
    # What found it ("event", "scan" or "reconcile"), and its size facts, e.g. ("instance type", "t3.micro").
    source: str = "event"
    facts: tuple[tuple[str, str], ...] = ()

    @property
    def actionable(self) -> bool:
        """Whether Adopt and Delete can be offered: tfsync has a role in the account and knows the import ID."""
        return self.reachable and bool(self.import_id)

    def __post_init__(self) -> None:
        check_short_id(self.short_id)
        object.__setattr__(self, "status", Status(self.status))

    @property
    def display_name(self) -> str:
        return self.name or self.import_id or self.short_id

    @property
    def account_label(self) -> str:
        """`prod (111122223333)` when the account has an alias, else its number."""
        return f"{self.account_alias} ({self.account_id})" if self.account_alias else self.account_id


# Thread replies, one view per step.


@dataclass(frozen=True, slots=True)
class AdoptStarted:
    resource: ResourceView
    user_id: str | None
    tf_address: str
    module: str | None = None


@dataclass(frozen=True, slots=True)
class BuildProgress:
    resource: ResourceView
    phase: str  # e.g. "terraform plan"
    detail: str = ""
    job_url: str | None = None
    earlier: Sequence[str] = ()  # the job's phases before this one, as "phase: detail" lines, oldest first


@dataclass(frozen=True, slots=True)
class AdoptSucceeded:
    resource: ResourceView
    tf_address: str
    result_url: str | None  # commit or pull request
    result_kind: str = "commit"  # "commit" or "pull request"
    plan_summary: str = ""  # e.g. "1 to import, 0 to add, 0 to change, 0 to destroy"
    job_url: str | None = None
    tf_file: str | None = None  # the file the job put the resource block in
    # False when the code was committed but no plan proved it (no provider where the job ran): never a ✅ then.
    verified: bool = True


@dataclass(frozen=True, slots=True)
class AdoptFailedStep:
    resource: ResourceView
    reason: str
    job_url: str | None = None
    error_id: str | None = None
    nothing_changed: bool = True  # False when the job's worker stopped: how far it got is not known


@dataclass(frozen=True, slots=True)
class DeleteStarted:
    resource: ResourceView
    user_id: str | None


@dataclass(frozen=True, slots=True)
class Deleted:
    resource: ResourceView
    user_id: str | None


@dataclass(frozen=True, slots=True)
class DeleteFailedStep:
    resource: ResourceView
    reason: str
    error_id: str | None = None


@dataclass(frozen=True, slots=True)
class Ignored:
    resource: ResourceView
    user_id: str | None
    rule_id: str
    rule: str  # how the rule reads
    until: datetime | None  # None: forever


@dataclass(frozen=True, slots=True)
class Gone:
    resource: ResourceView
    noticed_at: datetime | None = None


StepView = (
    AdoptStarted | BuildProgress | AdoptSucceeded | AdoptFailedStep | DeleteStarted | Deleted | DeleteFailedStep
    | Ignored | Gone
)


# Modals.


@dataclass(frozen=True, slots=True)
class ModuleView:
    """A Terraform module the code may go into; `path` is what the form returns."""

    path: str  # e.g. "infra/network" or "." for the root module
    label: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class AdoptModalView:
    resource: ResourceView
    modules: Sequence[ModuleView]
    default_module: str | None = None
    tf_name: str | None = None  # what to prefill; the resource's suggested name when None
    min_query_length: int = 1  # for the external select, when there are more modules than a static select holds
    record_version: int | None = None  # the record version the modal was opened on


@dataclass(frozen=True, slots=True)
class DeleteModalView:
    resource: ResourceView
    allowed: bool
    admin_user_ids: Sequence[str] = ()
    admin_group_id: str | None = None  # a Slack user group (S...)
    record_version: int | None = None


@dataclass(frozen=True, slots=True)
class IgnoreModalView:
    resource: ResourceView
    record_version: int | None = None
    # Broad rules (a whole type, a creator, a name pattern, or no expiry) silence resources nobody has seen yet, so
    # only tfsync admins are offered them; everyone else may ignore this one resource, for a while.
    admin: bool = False


# Lists, rules, home, stats, digest.


@dataclass(frozen=True, slots=True)
class RoutingRuleView:
    channel_id: str
    account_id: str | None = None
    region: str | None = None
    tf_type: str | None = None
    tag: str | None = None  # "key" or "key=value"
    default: bool = False


@dataclass(frozen=True, slots=True)
class IgnoreRuleView:
    rule_id: str
    scope: str  # resource, type, actor, name, tag, or the fields of a configured rule
    description: str  # how the rule reads: "aws_s3_bucket named logs-*"
    created_by_user_id: str | None = None
    created_by: str = ""
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ActivityView:
    """One status change: who moved which resource from what to what, and when."""

    resource: ResourceView
    at: datetime
    to_status: Status
    from_status: Status | None = None
    user_id: str | None = None
    actor: str = ""  # when no Slack user made it: "tfsync", a principal


@dataclass(frozen=True, slots=True)
class OpenEntry:
    """One open resource as the App Home's filters and pages see it: what they filter and sort on, read from the
    record alone (no Slack lookup), so a backlog of thousands costs nothing until a page of it is shown."""

    short_id: str
    tf_type: str
    account_id: str
    region: str
    source: str = "event"  # event, scan or reconcile
    name: str = ""
    import_id: str = ""
    detected_at: datetime | None = None
    account_alias: str = ""


@dataclass(frozen=True, slots=True)
class HomeFilters:
    """What one person narrowed the App Home's open resources to, and the page they are on (1-based).

    Any change of a filter goes back to page 1; `revision` counts the changes (the filter bar's block_id follows it).
    """

    tf_type: str | None = None
    account: str | None = None  # an account id; each as renderers.slack.home.filter_value has it
    region: str | None = None
    source: str | None = None
    name: str = ""  # part of the name, import ID or tfsync id, any case
    page: int = 1
    revision: int = 0

    @property
    def active(self) -> bool:
        return any((self.tf_type, self.account, self.region, self.source, self.name))

    def narrowed(self, which: str, value: str | None) -> HomeFilters:
        """These filters with one changed (`which`: tf_type, account, region, source or name; None for any), on page
        1."""
        if which not in ("tf_type", "account", "region", "source", "name"):
            raise ValueError(f"not a home filter: {which!r}")
        return HomeFilters(
            tf_type=value if which == "tf_type" else self.tf_type,
            account=value if which == "account" else self.account,
            region=value if which == "region" else self.region,
            source=value if which == "source" else self.source,
            name=(value or "").strip() if which == "name" else self.name,
            page=1,
            revision=self.revision + 1,
        )

    def cleared(self) -> HomeFilters:
        return HomeFilters(revision=self.revision + 1)

    def at_page(self, page: int) -> HomeFilters:
        return replace(self, page=max(1, page))


@dataclass(frozen=True, slots=True)
class HomeView:
    counts: Mapping[Status, int]
    open_resources: Sequence[ResourceView]  # shown oldest first whatever the order given
    recent: Sequence[ActivityView] = ()
    routing_rules: Sequence[RoutingRuleView] = ()
    ignore_rules: Sequence[IgnoreRuleView] = ()
    open_total: int | None = None  # when open_resources is a page of a longer list
    # The person's filters and page; with `open_entries` (every open resource) open_resources need hold only the
    # page's views, else the filters and pages work on open_resources.
    filters: HomeFilters = HomeFilters()
    open_entries: Sequence[OpenEntry] | None = None


@dataclass(frozen=True, slots=True)
class StatsView:
    counts: Mapping[Status, int]
    by_type: Mapping[str, int] = field(default_factory=dict)
    by_actor: Mapping[str, int] = field(default_factory=dict)
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class BurstView:
    """More new resources in one channel within a window than get a message each."""

    channel_id: str
    resources: Sequence[ResourceView]
    window_seconds: int = 60


@dataclass(frozen=True, slots=True)
class BurstGroup:
    """The resources of one Terraform type within a burst."""

    tf_type: str
    label: str
    resources: Sequence[ResourceView]


@dataclass(frozen=True, slots=True)
class ErrorView:
    """A failure shown to a person, with the id they can quote to whoever reads the logs."""

    message: str
    error_id: str
    title: str = "Something went wrong"


# Scans and bulk decisions.


@dataclass(frozen=True, slots=True)
class ScanGroup:
    """One line of a scan digest's breakdown: a type, an account, a region or an owner, and how many it holds."""

    key: str  # the type, account id, region or owner tag value ("" for no owner tag)
    count: int
    label: str = ""  # the type's label ("EC2 instance"), the account's alias
    sizes: Sequence[tuple[str, int]] = ()  # a type's commonest size facts, e.g. ("t3.micro", 8), commonest first


@dataclass(frozen=True, slots=True)
class ScanDigestView:
    """One scan as its one channel message tells it (filled from the engine's ScanOutcome)."""

    scan_id: str
    source: str  # "scan" (someone asked) or "reconcile" (the scheduled one)
    new: int  # stored in the backlog by this scan
    known: int  # already in the backlog
    ignored: int  # covered by ignore rules
    managed: int  # found, and managed by a Terraform state
    by_type: Sequence[ScanGroup] = ()  # the scan's backlog (new and known), largest first
    by_account: Sequence[ScanGroup] = ()
    by_region: Sequence[ScanGroup] = ()
    by_owner: Sequence[ScanGroup] = ()  # by the owner tag's value; key "" for those without one
    owner_tag: str = "owner"
    failures: Sequence[str] = ()  # each failed call, described
    state_errors: Sequence[str] = ()  # Terraform states that could not be read
    api_calls: int = 0
    requests: int = 0
    seconds: float = 0.0
    stack_made: int = 0  # left out: made by a CloudFormation stack
    types_scanned: int = 0  # 0: every type
    regions: Sequence[str] = ()
    accounts: int = 0
    requested_by_user_id: str | None = None
    requested_by: str = ""
    module_hint: str = ""  # a configured module for the example command ("": none named, the default module)

    @property
    def unmanaged(self) -> int:
        """Every unmanaged resource found: new, already in the backlog, or covered by an ignore rule."""
        return self.new + self.known + self.ignored

    @property
    def incomplete(self) -> bool:
        return bool(self.failures or self.state_errors)


@dataclass(frozen=True, slots=True)
class BulkItem:
    """One resource a bulk decision picked, as its preview or result names it."""

    short_id: str
    tf_type: str
    label: str
    name: str
    account_id: str = ""
    region: str = ""


@dataclass(frozen=True, slots=True)
class BulkPreviewView:
    """What `/tfsync bulk adopt|ignore <filters>` would do, before anyone confirms it."""

    verb: str  # "adopt" or "ignore"
    selection: str  # the filters, as they read
    items: Sequence[BulkItem]  # every resource picked, oldest first
    value: str  # what the confirm button carries back (the command, the count and a digest of the picked ids)
    module: str | None = None  # adopt: where the code goes (None: the root module)
    days: int | None = None  # ignore: for how long (None: for ever)
    refusal: str = ""  # why it cannot go as it is (too many, several accounts): no confirm button then
    changed: bool = False  # shown again on a click because what the filters pick changed since the preview
    limit: int = 100  # the most one bulk decision takes


@dataclass(frozen=True, slots=True)
class BulkResultView:
    """What a confirmed bulk decision did: what it claimed (or ignored), and what it refused and why."""

    verb: str  # "adopt" or "ignore"
    done: Sequence[BulkItem]
    refused: Sequence[tuple[BulkItem, str]] = ()
    user_id: str | None = None
    module: str | None = None
    days: int | None = None
    batch_id: str = ""  # adopt: the one job (and pull request) the batch runs as

"""The scan: every existing resource of the catalog's types in the configured accounts and regions, less what a
Terraform state manages.

Events catch what is created from now on; a scan brings in what was made by hand before tfsync was there, and what a
missed event let through. Each type's lister (bot/catalog/<service>/scan.py) lists one region of one account, or a
whole account for a global service; the scanner runs those units on a few worker threads, each with its own clients
in the unit's account (bot/accounts.py), so one service's failure is named and the rest is still reported.

- **Backoff.** Scan clients use botocore's adaptive retry mode: a throttled call is retried with exponential backoff
  and the client slows its own sending rate, so a scan of many resources stays under each service's API rate.
- **Tags in bulk.** Listers take the tags a list answer carries; the rest come from the Resource Groups Tagging API,
  up to 100 ARNs a call, per account and region, rather than one call per resource.
- **Never ClickOps.** What AWS made by itself never reaches here (the listers leave it out: default VPCs, AWS-managed
  policies and keys, service-linked roles...), nor what a CloudFormation stack made (its `aws:cloudformation:`
  tags): the stack manages it, as a state would.
- **Counted.** Every API operation a scan calls is counted, and every HTTP request (retries included).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bot.aws import error_text
from bot.catalog import CATALOG, SCAN
from bot.catalog.base import LISTS_PER_ACCOUNT, Listed, Lister, ScanScope, suggest_tf_name
from bot.catalog.template_input import Clients
from bot.errors import InputError
from bot.managed import ManagedIndex
from bot.resource import Resource

logger = logging.getLogger(__name__)

# (account id, service, region) -> a boto3 client acting in that account.
ScanClientFactory = Callable[[str, str, str], Any]
# Where account-wide listings (IAM, Route 53, CloudFront, S3's bucket listing) run: the global endpoints' region.
GLOBAL_REGION = "us-east-1"
# The Resource Groups Tagging API takes at most this many ARNs per GetResources call.
TAGGING_BATCH = 100
TAGGING_CALL = "tag:GetResources"
# Tags CloudFormation puts on what a stack made: the stack manages it.
_STACK_TAG = "aws:cloudformation:stack-id"
DEFAULT_CONCURRENCY = 8


class UnknownType(InputError):
    """A scan asked for a type the catalog does not list."""


@dataclass(frozen=True, slots=True)
class ScanRequest:
    """What to scan: accounts, regions (each regional type is listed in every one) and types (none: every type)."""

    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    types: tuple[str, ...] = ()

    def checked_types(self) -> tuple[str, ...]:
        """The types to list, every catalog type when none is named; UnknownType for a name the catalog lacks."""
        unknown = [t for t in self.types if t not in CATALOG]
        if unknown:
            raise UnknownType(", ".join(unknown), f"not a type tfsync knows (see `python -m bot.docs`): {unknown}")
        return tuple(sorted(set(self.types))) if self.types else tuple(sorted(SCAN))


@dataclass(frozen=True, slots=True)
class ScanItem:
    """One existing resource a scan found, and the state that manages it (None: nobody manages it)."""

    tf_type: str
    import_id: str
    name: str
    arn: str
    region: str
    account_id: str
    console_url: str
    tags: Mapping[str, str] = field(default_factory=dict)
    facts: tuple[tuple[str, str], ...] = ()
    loses_data: bool = False
    state: str | None = None  # s3://bucket/key of the state that manages it
    address: str | None = None  # its address in that state

    @property
    def managed(self) -> bool:
        return self.state is not None

    def line(self) -> dict[str, Any]:
        """The command line's JSON object for this resource (`python -m bot scan`)."""
        return {
            "tf_type": self.tf_type,
            "import_id": self.import_id,
            "name": self.name,
            "arn": self.arn,
            "region": self.region,
            "account_id": self.account_id,
            "managed": self.managed,
            "state": self.state,
        }

    def resource(self) -> Resource:
        """The resource as tfsync stores and shows one: no creator is known (no event named one)."""
        return Resource(
            tf_type=self.tf_type, import_id=self.import_id, name=self.name, arn=self.arn, region=self.region,
            account_id=self.account_id, actor="", console_url=self.console_url,
            suggested_name=suggest_tf_name(self.tags.get("Name", ""), self.name, self.import_id),
            loses_data=self.loses_data, tags=dict(self.tags),
        )


@dataclass(frozen=True, slots=True)
class ScanFailure:
    """A call that failed, in which account and region, for which type ("" for the tag lookup)."""

    account_id: str
    region: str
    tf_type: str
    call: str
    error: str

    def describe(self) -> str:
        what = f" listing {self.tf_type}" if self.tf_type else ""
        return f"{self.call} failed in account {self.account_id}, {self.region}{what}: {self.error}"


@dataclass(slots=True)
class ScanReport:
    """What a scan found, what failed, and what it cost: API operations by name, HTTP requests, seconds."""

    request: ScanRequest
    items: list[ScanItem] = field(default_factory=list)
    failures: list[ScanFailure] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    seconds: float = 0.0
    stack_made: int = 0  # left out: made by a CloudFormation stack
    state_errors: list[str] = field(default_factory=list)  # states that could not be read

    @property
    def complete(self) -> bool:
        """Every call answered and every state was read: what is reported unmanaged is known to be."""
        return not self.failures and not self.state_errors

    @property
    def unmanaged(self) -> list[ScanItem]:
        return [item for item in self.items if not item.managed]

    @property
    def api_calls(self) -> int:
        return sum(self.calls.values())


@dataclass(frozen=True, slots=True)
class _Unit:
    account_id: str
    region: str
    tf_type: str
    lister: Lister


# A listed resource with its unit, region and tags, ready to be reported.
_Tagged = tuple[_Unit, Listed, str, Mapping[str, str]]


class _Counted:
    """Clients for one unit of work that count the operations they call and the HTTP requests they send."""

    def __init__(self, factory: ScanClientFactory, account_id: str) -> None:
        self.factory = factory
        self.account_id = account_id
        self.calls: Counter[str] = Counter()
        self.requests = 0
        self.last_call = ""

    def __call__(self, service: str, region: str) -> Any:
        client = self.factory(self.account_id, service, region)
        prefix = client.meta.service_model.signing_name

        def called(model: Any, **_: Any) -> None:
            self.last_call = f"{prefix}:{model.name}"
            self.calls[self.last_call] += 1

        def sent(**_: Any) -> None:
            self.requests += 1

        client.meta.events.register("before-parameter-build", called)
        client.meta.events.register("before-send", sent)
        return client


class Scanner:
    """Runs a scan's units on worker threads; see the module's docstring."""

    def __init__(self, factory: ScanClientFactory, managed: Callable[[], ManagedIndex] | None = None, *,
                 concurrency: int = DEFAULT_CONCURRENCY, state_errors: Callable[[], list[str]] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """`factory` makes clients in an account; `managed` reads the Terraform states afresh (None: no states, so
        nothing is managed); `state_errors` says which of those states could not be read."""
        self.factory = factory
        self.managed = managed
        self.state_errors = state_errors
        self.concurrency = max(1, concurrency)
        self.clock = clock

    def scan(self, request: ScanRequest, emit: Callable[[ScanItem], None] | None = None) -> ScanReport:
        """Every resource the request covers; `emit` is called with each as it is known (from worker threads, one
        at a time). A failed call is recorded in the report and the scan goes on."""
        started = self.clock()
        types = request.checked_types()
        report = ScanReport(request)
        index = self.managed() if self.managed is not None else ManagedIndex()
        if self.state_errors is not None:
            report.state_errors = list(self.state_errors())
        lock = threading.Lock()
        units = list(self._units(request, types))
        pending: dict[tuple[str, str], list[tuple[_Unit, Listed]]] = {}

        def work(unit: _Unit) -> None:
            counted = _Counted(self.factory, unit.account_id)
            found, failure = _list(unit, counted)
            with lock:
                report.calls.update(counted.calls)
                report.requests += counted.requests
                if failure is not None:
                    report.failures.append(failure)
                for listed in found:
                    region = listed.region or unit.region
                    if unit.lister.per == LISTS_PER_ACCOUNT and unit.lister.regional_items and \
                            region not in request.regions:
                        continue  # a bucket of a region the scan does not cover
                    pending.setdefault((unit.account_id, region), []).append((unit, listed))

        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="tfsync-scan") as pool:
            list(pool.map(work, units))
            tag_jobs = [pool.submit(self._tags, account, region, batch)
                        for (account, region), batch in sorted(pending.items())]
            for job in tag_jobs:
                self._report(report, *job.result(), index, emit)
        report.items.sort(key=lambda i: (i.account_id, i.region, i.tf_type, i.import_id))
        report.failures.sort(key=lambda f: (f.account_id, f.region, f.tf_type, f.call))
        report.seconds = self.clock() - started
        return report

    @staticmethod
    def _report(report: ScanReport, tagged: list[_Tagged], counted: _Counted, failure: ScanFailure | None,
                index: ManagedIndex, emit: Callable[[ScanItem], None] | None) -> None:
        """One account and region's listed resources, with their tags, into the report."""
        report.calls.update(counted.calls)
        report.requests += counted.requests
        if failure is not None:
            report.failures.append(failure)
        for unit, listed, region, tags in tagged:
            if _STACK_TAG in tags:
                report.stack_made += 1
                continue
            item = _item(unit, listed, region, tags, index)
            report.items.append(item)
            if emit is not None:
                emit(item)

    @staticmethod
    def _units(request: ScanRequest, types: Iterable[str]) -> Iterator[_Unit]:
        for account in dict.fromkeys(request.accounts):
            for tf_type in types:
                lister = SCAN[tf_type]
                if lister.per == LISTS_PER_ACCOUNT:
                    yield _Unit(account, GLOBAL_REGION, tf_type, lister)
                    continue
                for region in dict.fromkeys(request.regions):
                    yield _Unit(account, region, tf_type, lister)

    def _tags(self, account: str, region: str, batch: list[tuple[_Unit, Listed]]
              ) -> tuple[list[_Tagged], _Counted, ScanFailure | None]:
        """Each listed resource with its tags: the lister's, or else the Tagging API's for its ARN."""
        counted = _Counted(self.factory, account)
        # A global service's resources (IAM, Route 53, CloudFront) are not the regional Tagging API's: their listers
        # give the tags they can, and nothing more is asked.
        wanted = sorted({listed.arn for unit, listed in batch
                         if not listed.tags and listed.arn and _regional(unit.lister)})
        found: dict[str, dict[str, str]] = {}
        failure = None
        try:
            clients = Clients(counted, region)
            tagging = clients("resourcegroupstaggingapi") if wanted else None
            for start in range(0, len(wanted), TAGGING_BATCH):
                assert tagging is not None
                answer = tagging.get_resources(ResourceARNList=wanted[start : start + TAGGING_BATCH])
                for mapping in answer.get("ResourceTagMappingList", []):
                    found[mapping["ResourceARN"]] = {t["Key"]: t["Value"] for t in mapping.get("Tags", [])}
        except Exception as exc:  # the resources are still reported, without their tags; the failure is named
            failure = ScanFailure(account, region, "", TAGGING_CALL, error_text(exc))
        out: list[_Tagged] = [(unit, listed, region, dict(listed.tags) or found.get(listed.arn, {}))
                              for unit, listed in batch]
        return out, counted, failure


def _regional(lister: Lister) -> bool:
    """Whether a lister's resources live in regions (so the region's Tagging API knows them)."""
    return lister.per != LISTS_PER_ACCOUNT or lister.regional_items


def _list(unit: _Unit, counted: _Counted) -> tuple[list[Listed], ScanFailure | None]:
    """What one unit lists: every item, or the items before a failed call and that failure."""
    scope = ScanScope(Clients(counted, unit.region), unit.account_id)
    found: list[Listed] = []
    try:
        for listed in unit.lister.list(scope):
            found.append(listed)
    except Exception as exc:
        call = getattr(exc, "operation_name", None)
        prefix = counted.last_call.partition(":")[0]
        name = f"{prefix}:{call}" if call and prefix else counted.last_call or unit.lister.calls[0]
        logger.info("scan of %s in %s/%s: %s failed: %r", unit.tf_type, unit.account_id, unit.region, name, exc)
        return found, ScanFailure(unit.account_id, unit.region, unit.tf_type, name, error_text(exc))
    return found, None


def _item(unit: _Unit, listed: Listed, region: str, tags: Mapping[str, str], index: ManagedIndex) -> ScanItem:
    entry = CATALOG[unit.tf_type]
    managed = index.find(unit.tf_type, listed.import_id, listed.arn, unit.account_id)
    return ScanItem(
        tf_type=unit.tf_type, import_id=listed.import_id, name=listed.name, arn=listed.arn, region=region,
        account_id=unit.account_id, console_url=listed.console_url, tags=dict(tags), facts=tuple(listed.facts),
        loses_data=entry.loses_data if listed.loses_data is None else listed.loses_data,
        state=managed.state if managed else None, address=managed.address if managed else None,
    )

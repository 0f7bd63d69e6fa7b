"""A scan's finds in the backlog: each unmanaged resource one record whatever found it, and one digest per scan.

A scan (bot/scan.py) lists what exists; here its unmanaged resources become resource records with source `scan` (a
scan someone asked for) or `reconcile` (the scheduled one), keyed like an event's detection, so a resource an event
already reported, or an earlier scan found, stays the one record it is. Nothing is posted per resource: the records
wait in the backlog (App Home, `/tfsync list`), and the observer is told once per scan (Slack posts the digest). A
person's decision on one opens its thread as for any record.

What an ignore rule covers is not stored, as for an event. A record that says a resource was deleted (gone, deleted)
is left as it is when a scan finds the name again; events tell re-creations, and a scan that raced a deletion
must not undo it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from bot.accounts import AccountAccess
from bot.config import Settings
from bot.events import ServiceEvent
from bot.rules import IgnoreRule, first_match
from bot.scan import ScanItem, Scanner, ScanReport, ScanRequest
from bot.state import ResourceRecord, StateRepository
from bot.state.repository import Detection

logger = logging.getLogger(__name__)

SOURCES = ("scan", "reconcile")
RECONCILE_KIND = "reconcile"  # bot.events.SERVICE_DETAIL_TYPES["tfsync Reconciliation"]
# How many records a scan stores at once (each a conditional put through a worker thread).
STORE_CONCURRENCY = 8
TOP_GROUPS = 10  # the largest groups a digest names per dimension


@dataclass(slots=True)
class ScanOutcome:
    """What a scan brought into the backlog: new records, those already there, those an ignore rule covers."""

    scan_id: str
    source: str
    report: ScanReport
    owner_tag: str = "owner"
    new: list[ResourceRecord] = field(default_factory=list)
    known: list[ScanItem] = field(default_factory=list)
    ignored: list[ScanItem] = field(default_factory=list)
    requested_by: str = ""

    @property
    def unmanaged(self) -> list[ScanItem]:
        """The unmanaged resources not covered by an ignore rule: the scan's backlog."""
        ignored = {id(item) for item in self.ignored}
        return [item for item in self.report.unmanaged if id(item) not in ignored]

    def describe(self) -> str:
        return (f"{len(self.new)} new in the backlog, {len(self.known)} already there, {len(self.ignored)} covered by "
                f"ignore rules (scan {self.scan_id})")

    def counts(self, by: Callable[[ScanItem], str]) -> list[tuple[str, int]]:
        """The scan's backlog counted by one dimension, largest first."""
        counted = Counter(by(item) for item in self.unmanaged)
        return sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))

    def owner_of(self, item: ScanItem) -> str:
        """The value of the owner tag (matched case-insensitively), or "" when the resource has none."""
        wanted = self.owner_tag.lower()
        return next((value for key, value in item.tags.items() if key.lower() == wanted and value), "")

    def sizes(self, tf_type: str, limit: int = 3) -> list[tuple[str, int]]:
        """The commonest first facts (instance type, storage) of a type's resources in the backlog."""
        counted = Counter(item.facts[0][1] for item in self.unmanaged if item.tf_type == tf_type and item.facts)
        return sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


class ScanObserver(Protocol):
    """Told once per recorded scan (Slack posts the scan's digest); a failure there changes nothing stored."""

    async def scan_recorded(self, outcome: ScanOutcome) -> None: ...


def new_scan_id(now: datetime) -> str:
    return f"scan-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


async def record_scan(repo: StateRepository, report: ScanReport, *, source: str = "scan",
                      rules: Sequence[IgnoreRule] | None = None, owner_tag: str = "owner",
                      clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> ScanOutcome:
    """Store the report's unmanaged resources as records (source `scan` or `reconcile`), skipping those an ignore
    rule covers (the stored rules when `rules` is None) and those already in the backlog."""
    if source not in SOURCES:
        raise ValueError(f"a scan's source is one of {SOURCES}, not {source!r}")
    now = clock()
    outcome = ScanOutcome(new_scan_id(now), source, report, owner_tag)
    if rules is None:
        rules = [rule.to_rule() for rule in await repo.rules(now)]
    candidates: list[ScanItem] = []
    for item in report.unmanaged:
        if first_match(rules, now, account_id=item.account_id, region=item.region, tf_type=item.tf_type,
                       name=item.name, actor="", tags=item.tags) is not None:
            outcome.ignored.append(item)
        else:
            candidates.append(item)
    at = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    gate = asyncio.Semaphore(STORE_CONCURRENCY)

    async def store(item: ScanItem) -> ResourceRecord | None:
        detection = Detection(item.resource(), event_id="", event_name=source, event_time=at, source=source,
                              scan_id=outcome.scan_id, facts=item.facts)
        async with gate:
            created = await repo.create_detected(detection, owner=None, notify_grace=0)
            if created is not None:
                await repo.write_creation_audit(created)
        return created

    stored = await asyncio.gather(*(store(item) for item in candidates))
    for item, created in zip(candidates, stored, strict=True):
        if created is None:
            outcome.known.append(item)
        else:
            outcome.new.append(created)
    logger.info("scan %s (%s): %s", outcome.scan_id, source, outcome.describe())
    return outcome


class ScanInProgress(Exception):
    """A scan was asked for while one runs: scans are one at a time per process."""

    def __init__(self, requested_by: str, started: datetime) -> None:
        who = f" by {requested_by}" if requested_by else ""
        super().__init__(f"a scan is already running (started{who} at {started:%H:%M:%S} UTC); its digest follows "
                         "when it is done")


@dataclass(frozen=True, slots=True)
class ScanDefaults:
    """Where a scan looks when it is not told: the settings' regions, and the accounts (learnt lazily: tfsync's
    own account may need an STS call)."""

    regions: tuple[str, ...]
    accounts: Callable[[], tuple[str, ...]]
    types: tuple[str, ...] = ()  # none: every catalog type


class ScanService:
    """Runs scans one at a time, records their finds and tells the observer: `/tfsync scan`, the scheduled
    reconciliation and the command line's `--record` all come here."""

    def __init__(self, scanner: Scanner, repo: StateRepository, defaults: ScanDefaults, *,
                 observer: ScanObserver | None = None, file_rules: Sequence[IgnoreRule] = (),
                 owner_tag: str = "owner", clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.scanner = scanner
        self.repo = repo
        self.defaults = defaults
        self.observer = observer
        self.file_rules = tuple(file_rules)
        self.owner_tag = owner_tag
        self.clock = clock
        self._running: tuple[str, datetime] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    def from_settings(cls, settings: Settings, repo: StateRepository, accounts: AccountAccess, *,
                      observer: ScanObserver | None = None, types: Iterable[str] = ()) -> ScanService:
        """A scan service as the settings configure it: scan clients in each account (adaptive retries), the
        Terraform states read afresh for each scan, the ignore rules file, the owner tag. `types` narrows what a scan
        lists by default (the sandbox leaves out what its emulator does not serve)."""
        from bot import aws
        from bot.managed import StateReader
        from bot.rules import load_rules

        reader = StateReader(aws.client(settings, "s3"), settings.scoped_state_locations, settings.max_log_file_bytes)
        scanner = Scanner(accounts.scan_client, reader.load, concurrency=settings.scan_concurrency,
                          state_errors=lambda: [str(e) for e in reader.errors])
        defaults = ScanDefaults(settings.regions_to_scan,
                                lambda: settings.accounts_to_scan(accounts.own_account_id()), tuple(types))
        rules = load_rules(settings.ignore_rules_file) if settings.ignore_rules_file else ()
        return cls(scanner, repo, defaults, observer=observer, file_rules=rules, owner_tag=settings.owner_tag)

    def request(self, *, types: Iterable[str] = (), regions: Iterable[str] = (),
                accounts: Iterable[str] = ()) -> ScanRequest:
        """A scan request, the defaults filling what is not given; UnknownType for a type the catalog lacks."""
        request = ScanRequest(accounts=tuple(accounts) or self.defaults.accounts(),
                              regions=tuple(regions) or self.defaults.regions,
                              types=tuple(types) or self.defaults.types)
        request.checked_types()
        return request

    @property
    def running(self) -> bool:
        return self._running is not None

    def claim(self, requested_by: str) -> None:
        """Take the one scan slot, or ScanInProgress."""
        if self._running is not None:
            raise ScanInProgress(*self._running)
        self._running = (requested_by, self.clock())

    async def run(self, request: ScanRequest, *, source: str = "scan", requested_by: str = "",
                  claimed: bool = False) -> ScanOutcome:
        """Scan (on a worker thread), record the finds, tell the observer (whose failure is only logged)."""
        if not claimed:
            self.claim(requested_by)
        try:
            report = await asyncio.to_thread(self.scanner.scan, request)
            rules = [*self.file_rules, *(rule.to_rule() for rule in await self.repo.rules())]
            outcome = await record_scan(self.repo, report, source=source, rules=rules, owner_tag=self.owner_tag,
                                        clock=self.clock)
            outcome.requested_by = requested_by
        finally:
            self._running = None
        if self.observer is not None:
            try:
                await self.observer.scan_recorded(outcome)
            except Exception:
                logger.exception("the digest of scan %s could not be shown", outcome.scan_id)
        return outcome

    def start(self, request: ScanRequest, *, source: str = "scan", requested_by: str = "") -> None:
        """Claim the slot now (ScanInProgress if taken) and run the scan in the background."""
        self.claim(requested_by)
        task = asyncio.get_running_loop().create_task(
            self._background(request, source, requested_by), name=f"tfsync-scan-{source}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _background(self, request: ScanRequest, source: str, requested_by: str) -> None:
        try:
            await self.run(request, source=source, requested_by=requested_by, claimed=True)
        except Exception:
            logger.exception("a %s failed", source)

    async def handle_service_event(self, event: ServiceEvent) -> bool:
        """The scheduled reconciliation's event from the queue: start a reconciliation scan of the defaults (one that
        finds a scan running is skipped: that scan covers it). False for any other event."""
        if event.kind != RECONCILE_KIND:
            return False
        try:
            self.start(self.request(), source="reconcile", requested_by="schedule")
        except ScanInProgress as exc:
            logger.info("the scheduled reconciliation is skipped: %s", exc)
        return True

    async def drain(self) -> None:
        """Wait for background scans (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


@dataclass(frozen=True, slots=True)
class Selection:
    """What a bulk decision picks from the open backlog: a type, a shell-style name pattern, a tag (key, or
    key=value), an account, a region, a source (event, scan, reconcile). Every filter given must match."""

    tf_type: str | None = None
    name_pattern: str | None = None
    tag: tuple[str, str | None] | None = None
    account_id: str | None = None
    region: str | None = None
    source: str | None = None

    FIELDS = ("type", "name", "tag", "account", "region", "source")

    @classmethod
    def parse(cls, words: Iterable[str]) -> Selection:
        """`type=aws_s3_bucket name=logs-* tag=team=data account=123456789012 region=eu-west-1 source=scan`; a bare
        word that is a catalog type is the type. ValueError in words for anything else."""
        from bot.catalog import CATALOG

        values: dict[str, str] = {}
        for word in words:
            key, equals, value = word.partition("=")
            if not equals and word in CATALOG:
                key, value = "type", word
            elif not equals or key not in cls.FIELDS or not value:
                raise ValueError(f"{word!r} is not a filter: use {', '.join(f + '=...' for f in cls.FIELDS)}")
            if key in values:
                raise ValueError(f"{key}= is given twice")
            values[key] = value
        if "type" in values and values["type"] not in CATALOG:
            raise ValueError(f"{values['type']!r} is not a type tfsync knows")
        if "source" in values and values["source"] not in ("event", *SOURCES):
            raise ValueError(f"source= is one of event, {', '.join(SOURCES)}")
        tag = None
        if "tag" in values:
            key, equals, value = values["tag"].partition("=")
            tag = (key, value if equals else None)
        return cls(values.get("type"), values.get("name"), tag, values.get("account"), values.get("region"),
                   values.get("source"))

    @property
    def empty(self) -> bool:
        return not any((self.tf_type, self.name_pattern, self.tag, self.account_id, self.region, self.source))

    def describe(self) -> str:
        parts = [f"type={self.tf_type}" if self.tf_type else "", f"name={self.name_pattern}" if self.name_pattern
                 else "", f"account={self.account_id}" if self.account_id else "",
                 f"region={self.region}" if self.region else "", f"source={self.source}" if self.source else ""]
        if self.tag is not None:
            parts.append(f"tag={self.tag[0]}" + (f"={self.tag[1]}" if self.tag[1] is not None else ""))
        return " ".join(p for p in parts if p) or "everything"

    def pick(self, records: Iterable[ResourceRecord]) -> list[ResourceRecord]:
        """The records this selection matches, oldest first."""
        return matching(records, tf_type=self.tf_type, name_pattern=self.name_pattern, tag=self.tag,
                        account_id=self.account_id, region=self.region, source=self.source)


def matching(records: Iterable[ResourceRecord], *, tf_type: str | None = None, name_pattern: str | None = None,
             tag: tuple[str, str | None] | None = None, account_id: str | None = None,
             region: str | None = None, source: str | None = None) -> list[ResourceRecord]:
    """The records a bulk decision picks: every filter given must match (a shell-style name pattern; a tag key, with
    a value or any), oldest first."""
    from fnmatch import fnmatchcase

    picked = []
    for record in records:
        if tf_type and record.tf_type != tf_type:
            continue
        if name_pattern and not fnmatchcase(record.name, name_pattern):
            continue
        if account_id and record.account_id != account_id:
            continue
        if region and record.region != region:
            continue
        if source and record.source != source:
            continue
        if tag is not None:
            key, value = tag
            if key not in record.tags or (value is not None and record.tags[key] != value):
                continue
        picked.append(record)
    return sorted(picked, key=lambda r: (r.detected_at, r.resource_id))


async def run_reconciler(scans: ScanService, stop: asyncio.Event, period: float) -> None:
    """Reconcile every `period` seconds until `stop` is set (TFSYNC_RECONCILE_SECONDS: for a bot without infra/'s
    EventBridge schedule, such as the sandbox); the first after one period, not at start-up, so a restart loop does
    not scan the accounts on every start."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), period)
        if stop.is_set():
            return
        try:
            await scans.run(scans.request(), source="reconcile", requested_by="schedule")
        except ScanInProgress as exc:
            logger.info("the reconciliation is skipped: %s", exc)
        except Exception:
            logger.exception("the reconciliation failed; the next one runs in %s s", period)

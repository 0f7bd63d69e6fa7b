"""`/tfsync scan` and `/tfsync bulk adopt|ignore` over the socket, with state in moto: a scan is an admin's, answers at
once and posts one digest; a bulk decision previews what it picks and acts on a click only when the same resources are
still picked."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from bot import aws
from bot.backlog import ScanDefaults, ScanOutcome, ScanService, record_scan
from bot.runners import AdoptJob, JobReporter, JobResult
from bot.scan import ScanItem, ScanReport, ScanRequest
from bot.state import Status
from renderers.slack.ids import Action
from renderers.slack.viewdata import ModuleView
from sandbox.slack import payloads
from sandbox.slack.delivery import Envelope
from sandbox.slack.workspace import Ephemeral
from slack_adapters.scans import (
    ONLY_ADMINS_BULK_IGNORE,
    ONLY_ADMINS_SCAN,
    BulkCommand,
    BulkUsage,
    ScanWords,
    SlackScanObserver,
)
from tests.slack.conftest import ACCOUNT, Harness, RecordingRunner, eventually, texts

OTHER_ACCOUNT = "210987654321"


def bucket(name: str, *, account: str = ACCOUNT, tags: dict[str, str] | None = None) -> ScanItem:
    return ScanItem(tf_type="aws_s3_bucket", import_id=name, name=name, arn=f"arn:aws:s3:::{name}", region="us-east-1",
                    account_id=account, console_url=f"https://s3.console.aws.amazon.com/s3/buckets/{name}",
                    tags=tags or {}, facts=(("storage class", "STANDARD"),))


def instance(n: int) -> ScanItem:
    return ScanItem(tf_type="aws_instance", import_id=f"i-{n:017x}", name=f"web-{n}",
                    arn=f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-{n:017x}", region="us-east-1",
                    account_id=ACCOUNT, console_url="", tags={"owner": "team-web"},
                    facts=(("instance type", "t3.micro"),))


@dataclass
class FakeScanner:
    """Answers every scan with the same items; while `gate` is set and not yet opened, a scan waits for it."""

    items: list[ScanItem]
    requests: list[ScanRequest] = field(default_factory=list)
    gate: threading.Event | None = None

    def scan(self, request: ScanRequest, emit: Any = None) -> ScanReport:
        self.requests.append(request)
        if self.gate is not None:
            assert self.gate.wait(10), "the test never let the scan finish"
        report = ScanReport(request, items=list(self.items), requests=7, seconds=1.5)
        report.calls.update({"s3:ListBuckets": 1, "ec2:DescribeInstances": 3})
        return report


@dataclass
class BatchRunner(RecordingRunner):
    """The test's runner for bulk adoptions: records each job (one per batch) and commits it."""

    jobs: list[AdoptJob] = field(default_factory=list)

    async def run(self, job: AdoptJob, reporter: JobReporter) -> JobResult:
        self.jobs.append(job)
        return JobResult(status="succeeded", commit="https://git.example.com/infra/pull/7", verified=True)


def scans_for(harness: Harness, scanner: FakeScanner) -> ScanService:
    service = ScanService(scanner, harness.repo, ScanDefaults(("us-east-1",), lambda: (ACCOUNT,)),  # type: ignore[arg-type]
                          observer=SlackScanObserver.for_services(harness.services))
    harness.services.scans = service
    return service


async def ask(harness: Harness, user: str, text: str) -> Ephemeral:
    """Run `/tfsync text` as `user`; the ephemeral answer."""
    emulator = harness.emulator
    before = len(emulator.ephemerals(user=user))
    ack = await (await emulator.slash_command(user, "infra", "/tfsync", text)).wait_ack()
    assert ack.problem is None and ack.seconds < 3
    answers = await eventually(lambda: emulator.ephemerals(user=user)[before:])
    return answers[-1]


async def click(harness: Harness, user: str, note: Ephemeral, action_id: str) -> Ephemeral:
    """The person clicks a button in an ephemeral message, as Slack sends it (the emulator stores no ephemeral
    message to click in); the answer, posted through the click's response_url."""
    emulator, workspace = harness.emulator, harness.emulator.workspace
    person, where = workspace.user(user), workspace.channel(note.channel)
    block, element = payloads.find_element(note.blocks, action_id)
    before = len(emulator.ephemerals(user=user))
    payload = {
        "type": "block_actions", "user": payloads.user_ref(workspace, person), "api_app_id": workspace.app_id,
        "token": emulator.verification_token,
        "container": {"type": "message", "message_ts": note.ts, "channel_id": where.id, "is_ephemeral": True},
        "trigger_id": emulator._new_trigger(person), "team": payloads.team_ref(workspace), "enterprise": None,
        "is_enterprise_install": False, "channel": {"id": where.id, "name": where.name}, "state": {"values": {}},
        "response_url": emulator._new_response_url(where.id, person),
        "actions": [payloads.build_action(block, element, None)],
    }
    envelope: Envelope = await emulator.push("interactive", payload)
    ack = await envelope.wait_ack()
    assert ack.problem is None and ack.seconds < 3
    answers = await eventually(lambda: emulator.ephemerals(user=user)[before:])
    return answers[-1]


def button_texts(note: Ephemeral) -> list[str]:
    return [e["text"]["text"] for b in note.blocks if b.get("type") == "actions" for e in b["elements"]]


async def scanned(harness: Harness, items: list[ScanItem], source: str = "scan") -> ScanOutcome:
    """The items stored as a scan stores them (no message per resource), buckets made in moto too (an adoption
    reads the live resource)."""
    s3 = aws.client(harness.settings, "s3")
    for item in items:
        if item.tf_type == "aws_s3_bucket" and item.account_id == ACCOUNT:
            await asyncio.to_thread(s3.create_bucket, Bucket=item.name)
    report = ScanReport(ScanRequest((ACCOUNT,), ("us-east-1",)), items=items)
    return await record_scan(harness.repo, report, source=source, rules=[])


# /tfsync scan


async def test_a_scan_is_an_admins_answers_at_once_and_posts_one_digest(harness: Harness) -> None:
    emulator = harness.emulator
    scanner = FakeScanner([bucket("old-logs", tags={"owner": "team-data"}), bucket("old-assets"),
                           *(instance(n) for n in range(3))])
    service = scans_for(harness, scanner)

    refused = await ask(harness, "alice", "scan")
    assert ONLY_ADMINS_SCAN in texts(refused.blocks) and scanner.requests == []

    started = await ask(harness, "bob", f"scan aws_s3_bucket aws_instance us-east-1 {ACCOUNT}")
    assert "*Scan started* (aws_s3_bucket, aws_instance in us-east-1 of account 123456789012)" in texts(
        started.blocks)
    assert f"posted in <#{harness.channel}>" in texts(started.blocks)
    await service.drain()
    [request] = scanner.requests
    assert (request.types, request.regions, request.accounts) == (("aws_s3_bucket", "aws_instance"), ("us-east-1",),
                                                                 (ACCOUNT,))

    [digest] = await eventually(lambda: emulator.messages("infra"))
    shown = texts(digest.blocks)
    assert digest.text == "Scan found 5 unmanaged resources"
    assert "*5* new in the backlog" in shown and "*EC2 instance* \u00d7 3 (`aws_instance`) — t3.micro \u00d73" in shown
    assert "• `team-web` 3" in shown and "• _no owner tag_ 1" in shown
    assert f"asked by <@{emulator.workspace.user('bob').id}>" in shown
    stored = await harness.repo.by_status(Status.DETECTED.value)
    assert sorted(r.name for r in stored) == ["old-assets", "old-logs", "web-0", "web-1", "web-2"]
    assert {r.source for r in stored} == {"scan"} and all(r.slack_thread_ts is None for r in stored)
    await harness.services.notifier.flush()
    assert len(emulator.messages("infra")) == 1, "a scan's finds wait in the backlog: one digest, no thread each"


async def test_scan_words_are_read_by_their_shape(harness: Harness) -> None:
    scanner = FakeScanner([])
    scans_for(harness, scanner)
    unknown = texts((await ask(harness, "bob", "scan everything now")).blocks)
    assert "I did not understand `scan everything now`" in unknown and "/tfsync scan [type] [region] [account]" in (
        unknown)
    refused = texts((await ask(harness, "bob", "scan aws_flux_capacitor eu-west-1")).blocks)
    assert "*No scan started*: aws_flux_capacitor is not a type tfsync knows." in refused
    assert scanner.requests == []


async def test_one_scan_at_a_time(harness: Harness) -> None:
    scanner = FakeScanner([bucket("slow-logs")], gate=threading.Event())
    service = scans_for(harness, scanner)
    try:
        assert "*Scan started*" in texts((await ask(harness, "bob", "scan")).blocks)
        busy = texts((await ask(harness, "bob", "scan us-east-1")).blocks)
        assert "*No scan started*: a scan is already running" in busy
    finally:
        assert scanner.gate is not None
        scanner.gate.set()
    await service.drain()
    assert len(scanner.requests) == 1
    assert [m.text for m in await eventually(lambda: harness.emulator.messages("infra"))] == [
        "Scan found 1 unmanaged resource"]


async def test_a_digest_slack_refuses_changes_nothing_stored(harness: Harness) -> None:
    service = scans_for(harness, FakeScanner([bucket("kept-logs")]))
    harness.emulator.fail("chat.postMessage", status=500, times=None)
    try:
        await ask(harness, "bob", "scan")
        await service.drain()
    finally:
        harness.emulator.clear_faults()
    assert harness.emulator.messages("infra") == []
    [stored] = await harness.repo.by_status(Status.DETECTED.value)
    assert (stored.name, stored.source) == ("kept-logs", "scan")


async def test_without_scans_set_up_the_command_says_so(harness: Harness) -> None:
    harness.services.scans = None  # a composition that wires no scans
    assert "scans are not set up" in texts((await ask(harness, "bob", "scan")).blocks)


# /tfsync bulk


async def test_bulk_adopt_previews_then_adopts_the_same_resources_as_one_job(harness: Harness) -> None:
    runner = BatchRunner(harness.repo)
    harness.services.decisions.runner = runner
    outcome = await scanned(harness, [bucket(f"scan-logs-{n}") for n in range(3)] + [bucket("other-data")])

    preview = await ask(harness, "alice", "bulk adopt name=scan-logs-* source=scan into module.storage")
    shown = texts(preview.blocks)
    assert "*Adopt 3 resources* picked by `name=scan-logs-* source=scan`, into `module.storage`" in shown
    assert "S3 bucket \u00d7 3" in shown and "`scan-logs-0`" in shown and "other-data" not in shown
    assert button_texts(preview) == ["Adopt these 3"]

    answer = texts((await click(harness, "alice", preview, Action.BULK_CONFIRM)).blocks)
    alice = harness.emulator.workspace.user("alice").id
    assert f"<@{alice}> started adopting 3 resources into `module.storage` as one job (batch `b-" in answer
    await harness.settle()
    [job] = runner.jobs
    assert len(job.imports) == 3 and job.job_id.startswith("b-")
    picked = [r for r in outcome.new if r.name.startswith("scan-logs-")]
    for record in picked:
        fresh = await harness.repo.get(record.resource_id)
        assert fresh is not None and fresh.status == Status.ADOPTED.value
        assert (fresh.job_id, fresh.target_module) == (job.job_id, "module.storage")
    other = await harness.repo.get(next(r for r in outcome.new if r.name == "other-data").resource_id)
    assert other is not None and other.status == Status.DETECTED.value


async def test_a_click_after_the_backlog_changed_shows_the_new_preview_and_does_nothing(harness: Harness) -> None:
    runner = BatchRunner(harness.repo)
    harness.services.decisions.runner = runner
    await scanned(harness, [bucket("drift-1"), bucket("drift-2")])
    preview = await ask(harness, "alice", "bulk adopt name=drift-*")
    assert button_texts(preview) == ["Adopt these 2"]
    await scanned(harness, [bucket("drift-3")])  # a later scan finds one more

    again = await click(harness, "alice", preview, Action.BULK_CONFIRM)
    assert "changed since the preview, so nothing was done" in texts(again.blocks)
    assert button_texts(again) == ["Adopt these 3"]
    assert runner.jobs == [] and runner.calls == []
    assert len(await harness.repo.by_status(Status.DETECTED.value)) == 3

    # The same ids but one decided meanwhile: picked again, two remain, and the click shows that too.
    first = (await harness.repo.by_status(Status.DETECTED.value))[0]
    await harness.repo.transition(first.resource_id, Status.IGNORED.value, expected_status=Status.DETECTED.value,
                                  expected_version=first.version, actor="tfsync")
    later = await click(harness, "alice", again, Action.BULK_CONFIRM)
    assert button_texts(later) == ["Adopt these 2"] and runner.jobs == []


async def test_bulk_ignore_is_an_admins_and_ignores_each_for_the_time_asked(harness: Harness) -> None:
    outcome = await scanned(harness, [bucket("tmp-a"), bucket("tmp-b"), bucket("keep-c")])

    refused = await ask(harness, "alice", "bulk ignore name=tmp-* for 30 days")
    assert ONLY_ADMINS_BULK_IGNORE in texts(refused.blocks)

    preview = await ask(harness, "bob", "bulk ignore name=tmp-* for 30 days")
    assert "*Ignore 2 resources* picked by `name=tmp-*`, for 30 days" in texts(preview.blocks)
    answer = texts((await click(harness, "bob", preview, Action.BULK_CONFIRM)).blocks)
    bob = harness.emulator.workspace.user("bob").id
    assert f"<@{bob}> ignored 2 resources for 30 days." in answer
    await harness.settle()
    by_name = {r.name: await harness.repo.get(r.resource_id) for r in outcome.new}
    for name in ("tmp-a", "tmp-b"):
        record = by_name[name]
        assert record is not None and record.status == Status.IGNORED.value and record.ignore_scope == "resource"
        assert record.ignore_until is not None
        assert timedelta(days=29) < record.ignore_until - record.detected_at < timedelta(days=31)
    assert by_name["keep-c"] is not None and by_name["keep-c"].status == Status.DETECTED.value


async def test_a_bulk_adoption_is_one_account_and_at_most_the_engines_limit(harness: Harness) -> None:
    await scanned(harness, [bucket("multi-1"), bucket("multi-2", account=OTHER_ACCOUNT)])
    spread = await ask(harness, "alice", "bulk adopt name=multi-*")
    assert "These are in 2 accounts" in texts(spread.blocks) and button_texts(spread) == []
    one = await ask(harness, "alice", f"bulk adopt name=multi-* account={ACCOUNT}")
    assert button_texts(one) == ["Adopt these 1"]


@pytest.mark.parametrize(("text", "expected"), [
    ("bulk adopt", "Name at least one filter"),
    ("bulk frobnicate type=aws_s3_bucket", "A bulk command is adopt or ignore, then filters."),
    ("bulk adopt colour=red", "'colour=red' is not a filter"),
    ("bulk adopt type=aws_s3_bucket into module.nowhere",
     "module.nowhere is not one of the modules tfsync adopts into: ., module.storage."),
    ("bulk ignore type=aws_s3_bucket for ten days", "Ignore for 1 to 3650 days"),
])
async def test_bulk_commands_it_cannot_read_are_explained(harness: Harness, text: str, expected: str) -> None:
    answer = texts((await ask(harness, "bob", text)).blocks)
    assert expected in answer and "`/tfsync bulk adopt &lt;filters&gt; [into &lt;module&gt;]`" in answer, answer


# The words, read without Slack


def test_scan_words_by_shape() -> None:
    words = ScanWords.parse(f"aws_instance eu-west-1 {ACCOUNT} us-gov-west-1 aws_instance")
    assert words == ScanWords(("aws_instance",), ("eu-west-1", "us-gov-west-1"), (ACCOUNT,))
    assert ScanWords.parse("") == ScanWords()
    assert ScanWords.parse("aws_not_a_type") == ScanWords(("aws_not_a_type",))  # the service refuses it, by name
    for junk in ("everything", "12345", "eu-west", "1234567890123", "s3"):
        assert ScanWords.parse(junk) is None, junk


MODULES = (ModuleView("."), ModuleView("module.storage"))


def test_bulk_commands_read_as_they_are_written() -> None:
    adopt = BulkCommand.parse("adopt aws_s3_bucket tag=team=data INTO storage", MODULES)
    assert (adopt.verb, adopt.module, adopt.days) == ("adopt", "module.storage", None)
    assert adopt.selection.tf_type == "aws_s3_bucket" and adopt.selection.tag == ("team", "data")
    assert adopt.text == "adopt aws_s3_bucket tag=team=data into storage"
    assert BulkCommand.parse("adopt name=x", MODULES).module == "."  # the first module, as the Adopt form offers
    assert BulkCommand.parse("adopt name=x into root", MODULES).module == "."
    assert BulkCommand.parse("adopt name=x into module.net").module == "module.net"  # no modules configured
    assert BulkCommand.parse("ignore name=x for 1 day").days == 1
    assert BulkCommand.parse("ignore name=x for ever").days is None
    assert BulkCommand.parse("ignore name=x forever").text == "ignore name=x forever"
    assert BulkCommand.parse(BulkCommand.parse("ignore name=x for 7 days").text).days == 7
    for bad in ("adopt name=x into", "adopt name=x into a b", "adopt name=x into module.", "ignore name=x for 0 days",
                "ignore name=x for 99999 days", "ignore for", "adopt name=" + "<&>" * 600, "adopt source=nowhere"):
        with pytest.raises(BulkUsage):
            BulkCommand.parse(bad, MODULES)

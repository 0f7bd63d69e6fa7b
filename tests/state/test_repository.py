"""The async repository against moto over HTTP: create once, conditional transitions, audit, indexes, dedupe, rules."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase
from typing import Any

import pytest

from bot.classify import Resource
from bot.config import Settings
from bot.state import (
    Detection,
    IgnoreRuleRecord,
    IllegalTransition,
    ResourceNotFound,
    StateError,
    StateRepository,
    Status,
    TransitionConflict,
)
from bot.state.errors import ResourceIdCollision
from bot.state.records import exact_name_pattern


def detection(name: str, when: str = "2026-01-01T00:00:00Z", event: str | None = None) -> Detection:
    resource = Resource(
        tf_type="aws_s3_bucket",
        import_id=name,
        name=name,
        arn=f"arn:aws:s3:::{name}",
        region="us-east-1",
        account_id="123456789012",
        actor="arn:aws:iam::123456789012:user/alice",
        console_url=f"https://s3.console.aws.amazon.com/s3/buckets/{name}",
        suggested_name=name.replace("-", "_"),
        loses_data=True,
        tags={"team": "data"},
    )
    return Detection(resource, event or f"event-{name}", "CreateBucket", when)


@pytest.fixture
def repo(state_env: dict[str, str]) -> StateRepository:
    return StateRepository(Settings.from_env(state_env))


async def create(repo: StateRepository, name: str, when: str = "2026-01-01T00:00:00Z") -> Any:
    record = await repo.create_detected(detection(name, when), owner="m-1", notify_grace=60)
    assert record is not None
    await repo.write_creation_audit(record)
    return record


async def test_a_record_is_created_once_with_its_detection_and_first_audit_entry(repo: StateRepository) -> None:
    first = await create(repo, "tfsync-once")
    assert await repo.create_detected(detection("tfsync-once", event="another"), owner="m-2", notify_grace=60) is None
    stored = await repo.find("123456789012", "us-east-1", "aws_s3_bucket", "tfsync-once")
    assert stored == first
    assert (stored.status, stored.version, stored.notify_version, stored.notify_owner) == ("detected", 1, 1, "m-1")
    assert stored.tags == {"team": "data"} and stored.loses_data
    assert stored.event_ids == frozenset({"event-tfsync-once"})
    assert stored.detected_at == datetime(2026, 1, 1, tzinfo=UTC)
    (entry,) = await repo.history(first.resource_id)
    assert (entry.version, entry.from_status, entry.to_status, entry.actor) == (1, "", "detected", stored.actor)


async def test_transitions_are_conditional_audited_and_typed(repo: StateRepository) -> None:
    rec = await create(repo, "tfsync-steps")
    rid = rec.resource_id
    adopting = await repo.transition(
        rid, Status.ADOPTING, expected_status="detected", expected_version=1, actor="U-bob", reason="Adopt clicked",
        changes={"tf_name": "steps", "target_module": "modules/storage", "job_runner": "codebuild"},
    )  # fmt: skip
    assert (adopting.status, adopting.version, adopting.tf_name, adopting.status_changed_by) == (
        "adopting", 2, "steps", "U-bob"
    )  # fmt: skip
    failed = await repo.transition(
        rid, "adopt_failed", expected_status="adopting", expected_version=2, actor="codebuild",
        changes={"job_error": "plan shows 1 to change", "job_runner": None},
    )  # fmt: skip
    assert failed.job_error == "plan shows 1 to change" and failed.job_runner is None
    with pytest.raises(IllegalTransition):
        await repo.transition(rid, "deleted", expected_status="adopt_failed", expected_version=3, actor="U-bob")
    with pytest.raises(TransitionConflict) as conflict:
        await repo.transition(rid, "adopted", expected_status="adopting", expected_version=2, actor="U-bob")
    assert (conflict.value.current_status, conflict.value.current_version) == ("adopt_failed", 3)
    with pytest.raises(ResourceNotFound):
        await repo.transition("r-nosuchthing0", "adopting", expected_status="detected", expected_version=1, actor="x")
    with pytest.raises(StateError, match="cannot be set"):
        await repo.transition(rid, "adopting", expected_status="adopt_failed", expected_version=3, actor="x",
                              changes={"status": "adopted"})
    history = await repo.history(rid)
    assert [(h.version, h.from_status, h.to_status, h.actor) for h in history] == [
        (1, "", "detected", rec.actor),
        (2, "detected", "adopting", "U-bob"),
        (3, "adopting", "adopt_failed", "codebuild"),
    ]
    assert history[1].reason == "Adopt clicked"


async def test_the_version_decides_even_when_the_status_is_the_same_again(repo: StateRepository) -> None:
    rec = await create(repo, "tfsync-aba")
    await repo.transition(rec.resource_id, "ignored", expected_status="detected", expected_version=1, actor="a")
    await repo.transition(rec.resource_id, "detected", expected_status="ignored", expected_version=2, actor="a")
    # A click rendered when the record was detected v1 must not act on detected v3.
    with pytest.raises(TransitionConflict):
        await repo.transition(rec.resource_id, "deleting", expected_status="detected", expected_version=1, actor="b")


def test_20_concurrent_conflicting_transitions_from_2_instances_have_exactly_one_winner(
    state_env: dict[str, str],
) -> None:
    settings = Settings.from_env(state_env)
    rid = asyncio.run(create(StateRepository(settings), "tfsync-race")).resource_id
    targets = ["adopting", "deleting", "ignored"]
    barrier = threading.Barrier(2)
    outcomes: list[tuple[str, Any]] = []

    def replica(number: int) -> None:
        async def main() -> None:
            asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=10))
            repo = StateRepository(settings)  # one repository instance per replica
            barrier.wait()

            async def click(i: int) -> tuple[str, Any]:
                target = targets[(number * 10 + i) % 3]
                try:
                    record = await repo.transition(
                        rid, target, expected_status="detected", expected_version=1, actor=f"U-{number}-{i}"
                    )
                except TransitionConflict as exc:
                    return "conflict", exc
                return "won", record

            outcomes.extend(await asyncio.gather(*(click(i) for i in range(10))))

        asyncio.run(main())

    threads = [threading.Thread(target=replica, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [value for kind, value in outcomes if kind == "won"]
    conflicts = [value for kind, value in outcomes if kind == "conflict"]
    assert len(outcomes) == 20 and len(winners) == 1 and len(conflicts) == 19
    (winner,) = winners
    assert winner.version == 2
    assert all(c.current_status == winner.status and c.current_version == 2 for c in conflicts)
    final = asyncio.run(StateRepository(settings).get(rid))
    assert (final.status, final.version, final.status_changed_by) == (winner.status, 2, winner.status_changed_by)
    history = asyncio.run(StateRepository(settings).history(rid))
    assert [(h.version, h.to_status) for h in history] == [(1, "detected"), (2, winner.status)]


async def test_annotations_do_not_move_the_version_and_find_the_thread(repo: StateRepository) -> None:
    rec = await create(repo, "tfsync-thread")
    annotated = await repo.annotate(rec.resource_id, slack_channel="C0123", slack_thread_ts="1767225600.000100")
    assert annotated.version == 1
    assert (await repo.by_slack_thread("C0123", "1767225600.000100")).resource_id == rec.resource_id
    assert await repo.by_slack_thread("C0123", "1767225600.000200") is None
    with pytest.raises(StateError):
        await repo.annotate(rec.resource_id, version=7)
    with pytest.raises(ResourceNotFound):
        await repo.annotate("r-nosuchthing0", slack_channel="C1")
    # Still transitions from the version the person saw.
    assert (await repo.transition(rec.resource_id, "adopting", expected_status="detected", expected_version=1,
                                  actor="U1")).version == 2


async def test_open_resources_by_status_and_age(repo: StateRepository) -> None:
    newest = await create(repo, "tfsync-c", "2026-03-01T00:00:00Z")
    oldest = await create(repo, "tfsync-a", "2026-01-01T00:00:00Z")
    middle = await create(repo, "tfsync-b", "2026-02-01T00:00:00Z")
    done = await create(repo, "tfsync-d", "2025-12-01T00:00:00Z")
    await repo.transition(middle.resource_id, "deleting", expected_status="detected", expected_version=1, actor="U")
    await repo.transition(done.resource_id, "ignored", expected_status="detected", expected_version=1, actor="U")
    assert [r.import_id for r in await repo.open_resources()] == ["tfsync-a", "tfsync-b", "tfsync-c"]
    assert [r.import_id for r in await repo.by_status("detected")] == ["tfsync-a", "tfsync-c"]
    assert [r.import_id for r in await repo.open_resources(limit=2)] == ["tfsync-a", "tfsync-b"]
    assert [r.resource_id for r in await repo.by_status("ignored")] == [done.resource_id]
    assert {oldest.resource_id, newest.resource_id} <= {r.resource_id for r in await repo.open_resources()}


async def test_a_hash_collision_is_an_error_not_a_merge(repo: StateRepository, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.state.repository.resource_id", lambda *identity: "r-collision000")
    await create(repo, "tfsync-one")
    with pytest.raises(ResourceIdCollision):
        await repo.create_detected(detection("tfsync-two"), owner="m", notify_grace=1)


async def test_notification_bookkeeping(repo: StateRepository) -> None:
    rec = await create(repo, "tfsync-notify")
    assert await repo.claim_notification(rec, "m-2", 60) is not None  # the fresh record's owner was m-1
    assert await repo.claim_notification(rec, "m-3", 60) is None  # its owner changed meanwhile
    assert not await repo.notification_done(rec.resource_id, 2)
    assert await repo.notification_done(rec.resource_id, 1)
    cleared = await repo.get(rec.resource_id)
    assert (cleared.notify_version, cleared.notify_owner, cleared.notify_due, cleared.version) == (None, None, None, 1)


async def test_dedupe_markers_are_created_once_and_expire(state_env: dict[str, str]) -> None:
    settings = Settings.from_env({**state_env, "TFSYNC_DEDUPE_TTL_SECONDS": "3600"})
    repo = StateRepository(settings)
    assert await repo.remember("event:e-1")
    assert not await repo.remember("event:e-1")
    assert await repo.seen(["event:e-1", "event:e-2", "message:m-1"]) == {"event:e-1"}
    later = StateRepository(settings, clock=lambda: datetime.now(UTC) + timedelta(hours=2))
    assert await later.seen(["event:e-1"]) == set()  # expired, though DynamoDB has not removed it yet


async def test_ignore_rules_are_records(repo: StateRepository) -> None:
    now = datetime.now(UTC)
    keep = IgnoreRuleRecord(
        "rule-1", "name", created_by="U-alice", created_at=now, name_pattern="scratch-*", reason="experiments"
    )
    brief = IgnoreRuleRecord("rule-2", "actor", created_by="U-bob", created_at=now + timedelta(seconds=1),
                             actor="*:assumed-role/ci/*", expires_at=now + timedelta(days=1))
    await repo.put_rule(keep)
    await repo.put_rule(brief)
    with pytest.raises(StateError, match="exists already"):
        await repo.put_rule(keep)
    with pytest.raises(StateError, match="scope"):
        await repo.put_rule(IgnoreRuleRecord("rule-3", "everything", created_by="U", created_at=now))
    assert [r.rule_id for r in await repo.rules()] == ["rule-1", "rule-2"]
    assert [r.rule_id for r in await repo.rules(now + timedelta(days=2))] == ["rule-1"]
    stored = (await repo.rules())[1]
    assert stored.to_rule().matches(account_id="1", region="r", tf_type="aws_s3_bucket", name="x",
                                    actor="arn:aws:sts::1:assumed-role/ci/job-7", tags={})
    assert await repo.delete_rule("rule-1")
    assert not await repo.delete_rule("rule-1")
    assert [r.rule_id for r in await repo.rules()] == ["rule-2"]


def test_exact_name_pattern_matches_only_the_name() -> None:
    name = "logs-[prod]*?"
    pattern = exact_name_pattern(name)
    assert fnmatchcase(name, pattern)
    assert not fnmatchcase("logs-p*?", pattern) and not fnmatchcase("logs-[prod]xx", pattern)


async def test_an_ignore_writes_its_rule_and_the_status_together_or_neither(repo: StateRepository) -> None:
    now = datetime.now(UTC).replace(microsecond=0)  # a rule's expiry is a TTL: whole seconds

    def rule(rule_id: str) -> IgnoreRuleRecord:
        return IgnoreRuleRecord(rule_id, "resource", created_by="slack:U-alice", created_at=now,
                                expires_at=now + timedelta(days=7))

    def ignore(rid: str, rule_id: str, version: int = 1) -> Any:
        return repo.ignore_with_rule(rid, rule(rule_id), expected_status="detected", expected_version=version,
                                     actor="slack:U-alice", reason=f"ignored by rule {rule_id}",
                                     changes={"ignore_scope": "resource", "ignore_rule_id": rule_id})

    first = await create(repo, "tfsync-ignored")
    ignored = await ignore(first.resource_id, "i-first")
    assert (ignored.status, ignored.version, ignored.ignore_rule_id) == ("ignored", 2, "i-first")
    assert await repo.rule("i-first") == rule("i-first")
    assert (await repo.history(first.resource_id))[-1].reason == "ignored by rule i-first"

    # Lost race: someone decided first. No rule is left behind.
    raced = await create(repo, "tfsync-raced")
    await repo.transition(raced.resource_id, "deleting", expected_status="detected", expected_version=1, actor="b")
    with pytest.raises(TransitionConflict):
        await ignore(raced.resource_id, "i-raced")
    assert await repo.rule("i-raced") is None

    # The rule cannot be written (its id is taken): the record does not move either.
    taken = await create(repo, "tfsync-taken")
    with pytest.raises(StateError, match="ignore rule i-first could not be written, so nothing changed"):
        await ignore(taken.resource_id, "i-first")
    unchanged = await repo.get(taken.resource_id)
    assert unchanged is not None
    assert (unchanged.status, unchanged.version, unchanged.ignore_rule_id) == ("detected", 1, None)
    assert [e.to_status for e in await repo.history(taken.resource_id)] == ["detected"]
    assert await repo.rule("i-first") == rule("i-first")

    with pytest.raises(StateError, match="scope"):
        await repo.ignore_with_rule(taken.resource_id, IgnoreRuleRecord("i-bad", "everything", created_by="U",
                                                                         created_at=now),
                                    expected_status="detected", expected_version=1, actor="U")
    assert await repo.rule("i-bad") is None and await repo.rule("i-missing") is None


async def test_a_lease_is_renewed_by_its_owner_and_taken_over_only_once_it_ran_out(repo: StateRepository) -> None:
    now = datetime.now(UTC)
    record = await create(repo, "tfsync-leased")
    leased = await repo.transition(record.resource_id, "adopting", expected_status="detected", expected_version=1,
                                   actor="slack:U-alice",
                                   changes={"lease_owner": "w-1", "lease_until": now + timedelta(seconds=60)})
    rid = leased.resource_id

    assert not await repo.renew_lease(rid, "adopting", "w-2", now + timedelta(seconds=90))
    assert await repo.renew_lease(rid, "adopting", "w-1", now + timedelta(seconds=90))
    renewed = await repo.get(rid)
    assert renewed is not None
    assert (renewed.lease_owner, renewed.lease_until, renewed.version) == ("w-1", now + timedelta(seconds=90), 2)

    assert await repo.expired_leases(["adopting", "deleting"], now) == []
    assert [r.resource_id for r in await repo.expired_leases(["adopting"], now + timedelta(seconds=91))] == [rid]
    # A live lease is neither taken over nor ended by a sweeper's conditional writes.
    assert await repo.take_lease(renewed, "w-2", now + timedelta(seconds=200), expired_by=now) is None
    with pytest.raises(TransitionConflict):
        await repo.transition(rid, "adopt_failed", expected_status="adopting", expected_version=2, actor="tfsync",
                              lease_expired_by=now)
    assert await repo.get(rid) == renewed

    later = now + timedelta(seconds=100)
    taken = await repo.take_lease(renewed, "w-2", now + timedelta(seconds=200), expired_by=later)
    assert taken is not None and (taken.lease_owner, taken.version, taken.status) == ("w-2", 2, "adopting")
    assert await repo.take_lease(renewed, "w-3", now + timedelta(seconds=300), expired_by=later) is None, "once"
    assert not await repo.renew_lease(rid, "adopting", "w-1", now + timedelta(seconds=400)), "w-1 lost it"

    ended = await repo.transition(rid, "adopt_failed", expected_status="adopting", expected_version=2,
                                  actor="tfsync", lease_expired_by=now + timedelta(seconds=201),
                                  changes={"lease_owner": None, "lease_until": None})
    assert (ended.status, ended.lease_owner, ended.lease_until) == ("adopt_failed", None, None)
    assert not await repo.renew_lease(rid, "adopting", "w-2", now + timedelta(seconds=400)), "the work ended"

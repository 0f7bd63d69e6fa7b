"""What a person's decision does: the conditional transition that makes one click win, then the hand-off.

Buttons, modal submissions and `/tfsync` subcommands all come here, so a decision means the same from any surface.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.slack.errors import NoSuchRule, UnknownResource, new_error_id
from bot.slack.execution import AdoptLauncher, AdoptRequest, Deleter, DeleteRequest
from bot.slack.notifier import SlackNotifier
from bot.slack.users import slack_actor
from bot.state import IgnoreRuleRecord, ResourceRecord, StateRepository, Status, TransitionConflict
from bot.state.records import RESOURCE_ID_PREFIX, exact_name_pattern
from renderers.slack.forms import AdoptForm, IgnoreForm
from renderers.slack.models import IgnoreScope

logger = logging.getLogger(__name__)

ADOPT_FROM = (Status.DETECTED.value, Status.ADOPT_FAILED.value)
DELETE_FROM = (Status.DETECTED.value, Status.DELETE_FAILED.value)


@dataclass
class Decisions:
    repo: StateRepository
    notifier: SlackNotifier
    launcher: AdoptLauncher
    deleter: Deleter
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    # Finding resources ----------------------------------------------------------------------------------------

    async def find(self, query: str) -> ResourceRecord:
        """A resource by its tfsync id, import ID or ARN; UnknownResource when none matches."""
        query = query.strip().strip("`").strip()
        if query.startswith(RESOURCE_ID_PREFIX):
            record = await self.repo.get(query)
            if record is not None:
                return record
        if query:
            for record in await self.all_records():
                if query in (record.import_id, record.arn):
                    return record
        raise UnknownResource(query)

    async def all_records(self) -> list[ResourceRecord]:
        found: list[ResourceRecord] = []
        for status in Status:
            found.extend(await self.repo.by_status(status.value))
        return found

    # Adopt ----------------------------------------------------------------------------------------------------

    async def adopt(self, record_id: str, version: int | None, user_id: str, form: AdoptForm) -> ResourceRecord:
        """detected (or adopt_failed) -> adopting, in one conditional write; then the launcher runs."""
        record = await self._current(record_id, version)
        request = AdoptRequest(record.resource_id, user_id, form.tf_name, form.module_path, form.tf_file,
                               retry=record.status == Status.ADOPT_FAILED.value)
        return await self._start_adopt(record, request)

    async def retry_adopt(self, record: ResourceRecord, user_id: str) -> ResourceRecord:
        request = AdoptRequest(record.resource_id, user_id, record.tf_name or record.suggested_name,
                               record.target_module, record.tf_file or "", retry=True)
        return await self._start_adopt(record, request)

    async def _start_adopt(self, record: ResourceRecord, request: AdoptRequest) -> ResourceRecord:
        adopting = await self.repo.transition(
            record.resource_id, Status.ADOPTING.value, expected_status=require_status(record, ADOPT_FROM, "adopting"),
            expected_version=record.version, actor=slack_actor(request.user_id),
            reason="adopt retried" if request.retry else "adopt requested",
            changes={"tf_name": request.tf_name, "target_module": request.target_module,
                     "tf_file": request.tf_file or None, "job_result": None, "job_error": None},
        )
        await self.notifier.status_changed(adopting)
        self._spawn(self._run_adopt(adopting, request))
        return adopting

    async def _run_adopt(self, record: ResourceRecord, request: AdoptRequest) -> None:
        try:
            await self.launcher.launch(record, request)
        except Exception as exc:
            await self._failed(record, Status.ADOPT_FAILED.value, exc)
            return
        await self._report_end(record)

    # Delete ---------------------------------------------------------------------------------------------------

    async def delete(self, record_id: str, version: int | None, user_id: str, *, confirmed: bool) -> ResourceRecord:
        record = await self._current(record_id, version)
        request = DeleteRequest(record.resource_id, user_id, confirmed_data_loss=confirmed,
                                retry=record.status == Status.DELETE_FAILED.value)
        deleting = await self.repo.transition(
            record.resource_id, Status.DELETING.value, expected_status=require_status(record, DELETE_FROM, "deleting"),
            expected_version=record.version, actor=slack_actor(user_id),
            reason="delete retried" if request.retry else "delete requested",
            changes={"job_result": None, "job_error": None},
        )
        await self.notifier.status_changed(deleting)
        self._spawn(self._run_delete(deleting, request))
        return deleting

    async def _run_delete(self, record: ResourceRecord, request: DeleteRequest) -> None:
        try:
            await self.deleter.delete(record, request)
        except Exception as exc:
            await self._failed(record, Status.DELETE_FAILED.value, exc)
            return
        await self._report_end(record)

    # Ignore ---------------------------------------------------------------------------------------------------

    async def ignore(self, record_id: str, version: int | None, user_id: str, form: IgnoreForm) -> ResourceRecord:
        """Store the ignore rule, then detected -> ignored; a lost race removes the rule again."""
        record = await self._current(record_id, version)
        now = datetime.now(UTC)
        duration = form.expiry.duration
        until = now + duration if duration is not None else None
        rule = rule_for(record, form, slack_actor(user_id), now, until)
        await self.repo.put_rule(rule)
        try:
            ignored = await self.repo.transition(
                record.resource_id, Status.IGNORED.value, expected_status=require_status(record, (Status.DETECTED,),
                                                                                     "ignored"),
                expected_version=record.version, actor=slack_actor(user_id), reason=f"ignored by rule {rule.rule_id}",
                changes={"ignore_scope": form.scope.value, "ignore_until": until, "ignore_rule_id": rule.rule_id},
            )
        except Exception:
            await self.repo.delete_rule(rule.rule_id)
            raise
        await self.notifier.status_changed(ignored)
        return ignored

    async def unignore(self, rule_id: str, user_id: str) -> list[ResourceRecord]:
        """Remove a rule; the resources it kept ignored are waiting for a decision again."""
        if not await self.repo.delete_rule(rule_id):
            raise NoSuchRule(f"There is no ignore rule {rule_id!r}. `/tfsync rules` lists them.")
        back = []
        for record in await self.repo.by_status(Status.IGNORED.value):
            if record.ignore_rule_id != rule_id:
                continue
            try:
                detected = await self.repo.transition(
                    record.resource_id, Status.DETECTED.value, expected_status=record.status,
                    expected_version=record.version, actor=slack_actor(user_id), reason=f"rule {rule_id} removed",
                    changes={"ignore_scope": None, "ignore_until": None, "ignore_rule_id": None},
                )
            except TransitionConflict:
                continue
            await self.notifier.status_changed(detected, reply=False)
            back.append(detected)
        return back

    # Helpers --------------------------------------------------------------------------------------------------

    async def _current(self, record_id: str, version: int | None) -> ResourceRecord:
        record = await self.repo.get(record_id)
        if record is None:
            raise UnknownResource(record_id)
        if version is not None and version != record.version:
            # The modal was opened on an older version: someone decided in between.
            raise TransitionConflict(record_id, "", "", version, record.status, record.version)
        return record

    async def _report_end(self, handed: ResourceRecord) -> None:
        fresh = await self.repo.get(handed.resource_id)
        if fresh is not None and fresh.version != handed.version:
            await self.notifier.status_changed(fresh)

    async def _failed(self, record: ResourceRecord, to_status: str, exc: Exception) -> None:
        error_id = new_error_id()
        logger.exception("%s of %s failed (error id %s)", record.status, record.resource_id, error_id, exc_info=exc)
        current = await self.repo.get(record.resource_id)
        if current is None or current.status != record.status:
            if current is not None:
                await self.notifier.status_changed(current, error_id=error_id)
            return
        failed = await self.repo.transition(
            record.resource_id, to_status, expected_status=current.status, expected_version=current.version,
            actor="tfsync", reason=f"{type(exc).__name__}: {exc}"[:500],
            changes={"job_result": "failed", "job_error": (str(exc) or type(exc).__name__)[:500]},
        )
        await self.notifier.status_changed(failed, error_id=error_id)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for the hand-offs still running (tests, and a clean shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def require_status(record: ResourceRecord, allowed: Iterable[str], target: str) -> str:
    """The record's status when a decision may start from it; a TransitionConflict (the polite note) otherwise."""
    if record.status not in allowed:
        raise TransitionConflict(record.resource_id, target, record.status, record.version, record.status,
                                 record.version)
    return record.status


def rule_for(
    record: ResourceRecord, form: IgnoreForm, created_by: str, now: datetime, until: datetime | None,
) -> IgnoreRuleRecord:
    rule_id = "i-" + secrets.token_hex(4)
    common: dict[str, Any] = {"rule_id": rule_id, "scope": form.scope.value, "created_by": created_by,
                              "created_at": now, "expires_at": until, "reason": f"from {record.resource_id}"}
    if form.scope is IgnoreScope.RESOURCE:
        return IgnoreRuleRecord(**common, resource_id=record.resource_id, account_id=record.account_id,
                                region=record.region, tf_type=record.tf_type,
                                name_pattern=exact_name_pattern(record.name or record.import_id))
    if form.scope is IgnoreScope.TYPE:
        return IgnoreRuleRecord(**common, tf_type=record.tf_type)
    if form.scope is IgnoreScope.ACTOR:
        return IgnoreRuleRecord(**common, actor=record.actor)
    return IgnoreRuleRecord(**common, name_pattern=form.pattern)

"""State records and settings as the renderers' view models."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.backlog import ScanOutcome
from bot.catalog import CATALOG
from bot.codegen import CodeGenerator, CodegenError, Target, parse_module_path
from bot.decisions import ABANDONED, resource_of
from bot.state.records import AuditEntry, IgnoreRuleRecord, ResourceRecord
from renderers.slack.viewdata import (
    ActivityView,
    AdoptFailedStep,
    AdoptStarted,
    AdoptSucceeded,
    BulkItem,
    Deleted,
    DeleteFailedStep,
    DeleteStarted,
    Gone,
    Ignored,
    IgnoreRuleView,
    ModuleView,
    ResourceView,
    ScanDigestView,
    ScanGroup,
    Status,
    StepView,
)
from slack_adapters.users import UserDirectory, user_of_actor

logger = logging.getLogger(__name__)

ROOT_MODULE = "."


class Previews:
    """The Terraform code a thread previews, written from the detection alone (no AWS calls on the Slack path)."""

    def __init__(self, generator: CodeGenerator | None = None) -> None:
        self.generator = generator or CodeGenerator()
        self._cache: dict[tuple[str, str | None], str] = {}

    def code(self, record: ResourceRecord) -> str:
        key = (record.resource_id, record.tf_name)
        if key not in self._cache:
            try:
                generation = self.generator.generate(resource_of(record), None, name=record.tf_name)
                self._cache[key] = "\n".join(f.content for f in generation.files)
            except (CodegenError, KeyError, ValueError) as exc:
                # A preview is a courtesy; the thread is still worth posting without one.
                logger.info("no code preview for %s %s: %s", record.tf_type, record.resource_id, exc)
                self._cache[key] = ""
        return self._cache[key]


def tf_address(record: ResourceRecord) -> str | None:
    if not record.tf_name:
        return None
    try:
        modules = parse_module_path(record.target_module)
    except CodegenError:
        return None
    return Target(modules=modules).address(record.tf_type, record.tf_name)


def result_kind(link: str | None) -> str:
    return "pull request" if link and "/pull" in link else "commit"


def label(tf_type: str) -> str:
    entry = CATALOG.get(tf_type)
    return entry.label if entry is not None and entry.label else tf_type


class AccountNames(Protocol):
    """What the views need to know of accounts, without any AWS call (AccountAccess in production)."""

    def alias(self, account_id: str) -> str | None: ...

    def known_reachable(self, account_id: str) -> bool | None: ...


async def resource_view(
    record: ResourceRecord, users: UserDirectory | None = None, previews: Previews | None = None,
    *, rules: Sequence[IgnoreRuleRecord] = (), accounts: AccountNames | None = None,
) -> ResourceView:
    """The renderers' view of a record, with the creator as a Slack mention when the principal maps to a person,
    and the account by its alias, offering Adopt and Delete only where tfsync has a role (or may have one: an
    account it cannot judge yet is refused, if at all, when clicked)."""
    actor_user = await users.user_for_principal(record.actor) if users is not None else None
    by_user = user_of_actor(record.status_changed_by)
    rule = next((r for r in rules if r.rule_id == record.ignore_rule_id), None)
    link = record.job_link if record.job_link and record.job_link.startswith(("https://", "http://")) else None
    return ResourceView(
        short_id=record.resource_id,
        tf_type=record.tf_type,
        label=label(record.tf_type),
        import_id=record.import_id,
        name=record.name,
        arn=record.arn,
        region=record.region,
        account_id=record.account_id,
        actor=record.actor,
        status=Status(record.status),
        suggested_name=record.suggested_name,
        loses_data=record.loses_data,
        event_time=record.detected_at,
        console_url=record.console_url,
        actor_user_id=actor_user,
        tags=dict(record.tags),
        code_preview=previews.code(record) if previews is not None else "",
        channel_id=record.slack_channel,
        thread_ts=record.slack_thread_ts,
        status_by_user_id=by_user,
        status_by="" if by_user else record.status_changed_by,
        status_at=record.status_changed_at,
        tf_address=tf_address(record),
        tf_file=record.tf_file,
        result_url=link,
        result_kind=result_kind(link) if link else None,
        error=record.job_error,
        ignore_rule=describe_rule(rule) if rule else None,
        ignore_until=record.ignore_until,
        account_alias=(accounts.alias(record.account_id) or "") if accounts is not None else "",
        reachable=accounts is None or accounts.known_reachable(record.account_id) is not False,
        unresolved=record.unresolved or "",
        source=record.source,
        facts=tuple(record.facts),
    )


def describe_rule(rule: IgnoreRuleRecord) -> str:
    """How a rule reads: "aws_s3_bucket named logs-*", "everything arn:...:user/alice creates"."""
    if rule.scope == "actor":
        return f"everything {rule.actor} creates"
    if rule.scope == "type":
        return f"every {rule.tf_type}"
    if rule.scope == "resource":
        return f"{rule.tf_type} {rule.name_pattern} in {rule.account_id}/{rule.region}"
    if rule.scope == "name":
        return f"names matching {rule.name_pattern}" + (f" ({rule.tf_type})" if rule.tf_type else "")
    return f"tag {rule.tag}"


def rule_view(rule: IgnoreRuleRecord) -> IgnoreRuleView:
    by_user = user_of_actor(rule.created_by)
    return IgnoreRuleView(
        rule_id=rule.rule_id, scope=rule.scope, description=describe_rule(rule), created_by_user_id=by_user,
        created_by="" if by_user else rule.created_by, expires_at=rule.expires_at,
    )


def module_views(modules: Sequence[str]) -> list[ModuleView]:
    return [
        ModuleView(path=m, label="Root module" if m == ROOT_MODULE else m,
                   description="The root module" if m == ROOT_MODULE else "")
        for m in modules
    ]


def activity_view(entry: AuditEntry, resource: ResourceView) -> ActivityView:
    by_user = user_of_actor(entry.actor)
    return ActivityView(
        resource=resource, at=entry.at, to_status=Status(entry.to_status),
        from_status=Status(entry.from_status) if entry.from_status else None,
        user_id=by_user, actor="" if by_user else entry.actor,
    )


def step_for(
    record: ResourceRecord, view: ResourceView, *, rule: IgnoreRuleRecord | None = None,
    plan_summary: str = "", job_url: str | None = None, error_id: str | None = None,
    noticed_at: datetime | None = None,
) -> StepView | None:
    """The thread reply that tells of the record's current status; None for a status that has none (detected)."""
    by_user = user_of_actor(record.status_changed_by)
    status = Status(record.status)
    address = view.tf_address or record.tf_name or record.tf_type
    if status is Status.ADOPTING:
        module = record.target_module if record.target_module not in (None, "", ROOT_MODULE) else None
        return AdoptStarted(view, by_user, address, module)
    if status is Status.ADOPTED:
        return AdoptSucceeded(view, address, view.result_url, view.result_kind or "commit", plan_summary, job_url,
                              record.tf_file, verified=record.job_result != "unverified")
    if status is Status.ADOPT_FAILED:
        return AdoptFailedStep(view, record.job_error or "no reason was reported", job_url, error_id,
                               nothing_changed=record.job_result != ABANDONED)
    if status is Status.DELETING:
        return DeleteStarted(view, by_user)
    if status is Status.DELETED:
        return Deleted(view, by_user)
    if status is Status.DELETE_FAILED:
        return DeleteFailedStep(view, record.job_error or "no reason was reported", error_id)
    if status is Status.IGNORED:
        return Ignored(view, by_user, record.ignore_rule_id or "", describe_rule(rule) if rule else "ignored",
                       record.ignore_until)
    if status is Status.GONE:
        return Gone(view, noticed_at or record.status_changed_at)
    return None


def scan_digest_view(outcome: ScanOutcome, *, accounts: AccountNames | None = None, modules: Sequence[str] = (),
                     ) -> ScanDigestView:
    """A recorded scan as its digest tells it: the counts of its backlog by type (with the commonest sizes), account
    (by alias where one is known), region and owner tag, what failed, and what it cost."""
    report = outcome.report
    by_type = [ScanGroup(tf_type, count, label(tf_type), tuple(outcome.sizes(tf_type)))
               for tf_type, count in outcome.counts(lambda item: item.tf_type)]
    by_account = [ScanGroup(account_id, count, (accounts.alias(account_id) or "") if accounts is not None else "")
                  for account_id, count in outcome.counts(lambda item: item.account_id)]
    by_region = [ScanGroup(region, count) for region, count in outcome.counts(lambda item: item.region)]
    owners = outcome.counts(outcome.owner_of)
    # Those without an owner tag come last, whatever their number: the owners are what a reader looks for.
    by_owner = [ScanGroup(owner, count) for owner, count in owners if owner] + [
        ScanGroup("", count) for owner, count in owners if not owner]
    requested_by = user_of_actor(outcome.requested_by)
    hint = next((m for m in modules if m and m != ROOT_MODULE), "")
    return ScanDigestView(
        scan_id=outcome.scan_id, source=outcome.source, new=len(outcome.new), known=len(outcome.known),
        ignored=len(outcome.ignored), managed=len(report.items) - len(report.unmanaged),
        by_type=by_type, by_account=by_account, by_region=by_region, by_owner=by_owner,
        owner_tag=outcome.owner_tag, failures=[failure.describe() for failure in report.failures],
        state_errors=list(report.state_errors), api_calls=report.api_calls, requests=report.requests,
        seconds=report.seconds, stack_made=report.stack_made, types_scanned=len(set(report.request.types)),
        regions=tuple(dict.fromkeys(report.request.regions)), accounts=len(set(report.request.accounts)),
        requested_by_user_id=requested_by, requested_by="" if requested_by else outcome.requested_by,
        module_hint=hint,
    )


def bulk_item(record: ResourceRecord) -> BulkItem:
    """A record as a bulk preview or result names it."""
    return BulkItem(short_id=record.resource_id, tf_type=record.tf_type, label=label(record.tf_type),
                    name=record.name or record.import_id, account_id=record.account_id, region=record.region)

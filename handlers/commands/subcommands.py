"""The `/tfsync` subcommands: each takes the rest of the text and answers with an ephemeral payload, or opens a
modal and answers nothing. All run after the command was acked; a modal opens as the loading view first (the
trigger_id does not wait for a table scan), then shows the form."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.backlog import ScanInProgress
from bot.decisions import DELETE_FROM, require_status
from bot.scan import UnknownType
from bot.state import Status
from handlers.flow import ONLY_ADMINS_UNIGNORE, LoadingModal, require_admin
from renderers.slack import render_help, render_scan_refused, render_scan_started, render_unignored
from slack_adapters import scans, surfaces
from slack_adapters.errors import NotAuthorized
from slack_adapters.services import SlackServices
from slack_adapters.users import slack_actor


@dataclass(frozen=True, slots=True)
class Invocation:
    services: SlackServices
    client: AsyncWebClient
    user_id: str
    trigger_id: str
    args: str
    context: dict[str, Any]  # the request's context: a loading modal puts its view id and hash there

    async def loading(self, what: str) -> LoadingModal:
        return await LoadingModal.open(self.client, self.trigger_id, self.context, what)


Answer = dict[str, Any] | None
Subcommand = Callable[[Invocation], Awaitable[Answer]]


async def help_(inv: Invocation) -> Answer:
    return render_help()


async def list_(inv: Invocation) -> Answer:
    word = inv.args.strip().lower()
    if word in ("", "open"):
        return await surfaces.list_message(inv.services, None)
    try:
        status = Status(word.replace(" ", "_").replace("-", "_"))
    except ValueError:
        return render_help(f"list {inv.args.strip()}")
    return await surfaces.list_message(inv.services, status)


async def show(inv: Invocation) -> Answer:
    return await surfaces.show_message(inv.services, await inv.services.decisions.find(inv.args))


async def adopt(inv: Invocation) -> Answer:
    loading = await inv.loading("the Adopt form")
    record = await inv.services.decisions.find(inv.args)
    require_status(record, (Status.DETECTED.value,), Status.ADOPTING.value)
    await loading.show(await surfaces.adopt_modal(inv.services, record))
    return None


async def delete(inv: Invocation) -> Answer:
    loading = await inv.loading("the Delete form")
    record = await inv.services.decisions.find(inv.args)
    require_status(record, DELETE_FROM, Status.DELETING.value)
    allowed = await inv.services.users.is_admin(inv.user_id)
    await loading.show(await surfaces.delete_modal(inv.services, record, allowed=allowed))
    return None


async def ignore(inv: Invocation) -> Answer:
    loading = await inv.loading("the Ignore form")
    record = await inv.services.decisions.find(inv.args)
    require_status(record, (Status.DETECTED.value,), Status.IGNORED.value)
    admin = await inv.services.users.is_admin(inv.user_id)
    await loading.show(await surfaces.ignore_modal(inv.services, record, admin=admin))
    return None


async def rules(inv: Invocation) -> Answer:
    return await surfaces.rules_message(inv.services)


async def unignore(inv: Invocation) -> Answer:
    rule_id = inv.args.strip().strip("`")
    if not rule_id:
        return render_help("unignore")
    actor = slack_actor(inv.user_id)
    admin = await inv.services.users.is_admin(inv.user_id)
    if not admin:
        # Anyone may take back a rule of their own; someone else's is an admin's to remove. An unknown rule is left
        # to the decision service, which says so (and checks the owner again).
        rule = await inv.services.repo.rule(rule_id)
        if rule is not None and rule.created_by != actor:
            raise NotAuthorized(ONLY_ADMINS_UNIGNORE)
    await inv.services.decisions.unignore(rule_id, actor, admin=admin)
    return render_unignored(rule_id, inv.user_id)


async def stats(inv: Invocation) -> Answer:
    return await surfaces.stats_message(inv.services)


async def scan(inv: Invocation) -> Answer:
    """`/tfsync scan [type] [region] [account]`: an admin's (a scan costs API calls in every account), started in the
    background at once; the digest follows in the channel."""
    words = scans.ScanWords.parse(inv.args)
    if words is None:
        return render_help(f"scan {inv.args.strip()}")
    service = inv.services.scans
    if service is None:
        return render_scan_refused("scans are not set up in this tfsync.")
    await require_admin(inv.services, inv.user_id, scans.ONLY_ADMINS_SCAN)
    try:
        # The default accounts may take an STS call the first time: off the event loop.
        request = await asyncio.to_thread(service.request, types=words.types, regions=words.regions,
                                          accounts=words.accounts)
        service.start(request, source="scan", requested_by=slack_actor(inv.user_id))
    except UnknownType as exc:
        return render_scan_refused(f"{exc.source} is not a type tfsync knows.")
    except ScanInProgress as exc:
        return render_scan_refused(str(exc))
    return render_scan_started(inv.services.router.default_channel, scans.describe_request(request))


async def bulk(inv: Invocation) -> Answer:
    """`/tfsync bulk adopt|ignore <filters> ...`: a preview of what it picks, with the button that does it."""
    return await scans.bulk_preview(inv.services, inv.args, inv.user_id)


# Subcommands that need an argument, and those that take none.
NEEDS_ARGUMENT = frozenset({"show", "adopt", "delete", "ignore", "unignore", "bulk"})
SUBCOMMANDS: dict[str, Subcommand] = {
    "help": help_, "list": list_, "show": show, "adopt": adopt, "delete": delete, "ignore": ignore, "rules": rules,
    "unignore": unignore, "stats": stats, "scan": scan, "bulk": bulk,
}

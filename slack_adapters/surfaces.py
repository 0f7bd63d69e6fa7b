"""What the read-only surfaces show, gathered from state: `/tfsync list|show|rules|stats`, the modals (the App Home is
slack_adapters/home.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.state import ResourceRecord, Status
from renderers.slack import (
    render_adopt_modal,
    render_delete_modal,
    render_ignore_modal,
    render_list,
    render_rules,
    render_show,
    render_stats,
)
from renderers.slack.viewdata import (
    AdoptModalView,
    DeleteModalView,
    IgnoreModalView,
    StatsView,
)
from renderers.slack.viewdata import Status as ViewStatus
from slack_adapters.presenters import rule_view
from slack_adapters.services import SlackServices


async def list_message(services: SlackServices, status: Status | None) -> dict[str, Any]:
    if status is None:
        records = await services.repo.open_resources()
    else:
        records = await services.repo.by_status(status.value)
    views = [await services.view(r) for r in records[:100]]
    return render_list(views, ViewStatus(status.value) if status else None, total=len(records))


async def show_message(services: SlackServices, record: ResourceRecord) -> dict[str, Any]:
    rules = await services.repo.rules() if record.status == Status.IGNORED else ()
    return render_show(await services.view(record, preview=True, rules=rules))


async def rules_message(services: SlackServices) -> dict[str, Any]:
    return render_rules(services.router.views(), [rule_view(r) for r in await services.repo.rules()])


async def stats_message(services: SlackServices) -> dict[str, Any]:
    records = await services.decisions.all_records()
    return render_stats(StatsView(
        counts=Counter(ViewStatus(r.status) for r in records),
        by_type=Counter(r.tf_type for r in records),
        by_actor=Counter(r.actor or "unknown" for r in records),
        since=min((r.created_at for r in records), default=None),
    ))


async def adopt_modal(services: SlackServices, record: ResourceRecord) -> dict[str, Any]:
    view = await services.view(record, preview=True)
    return render_adopt_modal(AdoptModalView(
        view, services.modules, default_module=services.modules[0].path if services.modules else None,
        tf_name=record.tf_name, record_version=record.version,
    ))


async def delete_modal(services: SlackServices, record: ResourceRecord, *, allowed: bool) -> dict[str, Any]:
    admins, group = services.users.admin_views()
    view = await services.view(record)
    return render_delete_modal(DeleteModalView(view, allowed, admins, group, record_version=record.version))


async def ignore_modal(services: SlackServices, record: ResourceRecord, *, admin: bool) -> dict[str, Any]:
    """The Ignore form; broad scopes and "forever" only for admins (the submission checks again)."""
    view = await services.view(record)
    return render_ignore_modal(IgnoreModalView(view, record_version=record.version, admin=admin))

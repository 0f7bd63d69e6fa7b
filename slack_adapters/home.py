"""The App Home as each person sees it: every open resource's entry (read from its record, no Slack lookup), the
person's filters and page (kept in memory by `HomeTabs`), and full views only for the page shown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.state import ResourceRecord
from bot.state.records import AuditEntry
from renderers.slack import render_home
from renderers.slack.home import select_page
from renderers.slack.viewdata import HomeFilters, HomeView, OpenEntry, ResourceView
from renderers.slack.viewdata import Status as ViewStatus
from slack_adapters.presenters import AccountNames, activity_view, rule_view
from slack_adapters.services import SlackServices

RECENT_RECORDS = 10  # resources whose history feeds "recent activity"
RECENT_SHOWN = 15


def open_entry(record: ResourceRecord, accounts: AccountNames | None) -> OpenEntry:
    return OpenEntry(
        short_id=record.resource_id, tf_type=record.tf_type, account_id=record.account_id, region=record.region,
        source=record.source, name=record.name, import_id=record.import_id, detected_at=record.detected_at,
        account_alias=(accounts.alias(record.account_id) or "") if accounts is not None else "",
    )


async def home_view(services: SlackServices, filters: HomeFilters) -> tuple[dict[str, Any], HomeFilters]:
    """The Home tab for someone with these filters, and the filters as shown (a page past the end is the last)."""
    records = await services.decisions.all_records()
    counts = Counter(ViewStatus(r.status) for r in records)
    open_records = {r.resource_id: r for r in records if r.is_open}
    entries = [open_entry(r, services.notifier.publisher.accounts) for r in open_records.values()]
    page = select_page(entries, filters)
    views: dict[str, ResourceView] = {}
    for entry in page.entries:
        views[entry.short_id] = await services.view(open_records[entry.short_id])
    page_views = list(views.values())

    recent_records = sorted(records, key=lambda r: r.status_changed_at, reverse=True)[:RECENT_RECORDS]
    entries_seen: list[tuple[AuditEntry, ResourceRecord]] = []
    for record in recent_records:
        entries_seen.extend((entry, record) for entry in await services.repo.history(record.resource_id))
    entries_seen.sort(key=lambda pair: pair[0].at, reverse=True)
    recent = []
    for audit, record in entries_seen[:RECENT_SHOWN]:
        view = views.get(record.resource_id) or await services.view(record)
        views[record.resource_id] = view
        recent.append(activity_view(audit, view))
    rules = await services.repo.rules()
    payload = render_home(HomeView(
        counts=counts, open_resources=page_views, recent=recent, routing_rules=services.router.views(),
        ignore_rules=[rule_view(r) for r in rules], open_total=len(entries), filters=filters, open_entries=entries,
    ))
    return payload, filters.at_page(page.number)


async def publish_home(
    services: SlackServices, client: AsyncWebClient, user_id: str,
    change: Callable[[HomeFilters], HomeFilters] | None = None,
) -> None:
    """Publish the person's Home tab, after applying `change` to their filters (a menu, the name, a page)."""
    homes = services.homes
    if change is not None:
        homes.change_filters(user_id, change)  # at once: of two quick clicks, the later one's filters win
    async with homes.lock(user_id):
        filters = homes.filters_for(user_id)
        view, shown = await home_view(services, filters)
        # With the hash of the tab last published, so an older render cannot overwrite a newer one.
        await homes.publish(client, user_id, view)
        homes.settle_filters(user_id, filters, shown)

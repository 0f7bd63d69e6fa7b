"""What every Slack listener may use, built once by the composition root and put in each request's context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from bot.backlog import ScanService
from bot.config import Settings
from bot.decisions import DecisionService
from bot.state import ResourceRecord, StateRepository
from bot.state.records import IgnoreRuleRecord
from renderers.slack.viewdata import ModuleView, ResourceView
from slack_adapters.client import HomeTabs
from slack_adapters.notifier import SlackNotifier
from slack_adapters.presenters import Previews, module_views
from slack_adapters.routing import Router
from slack_adapters.users import UserDirectory


@dataclass
class SlackServices:
    """The engine's decision service and the Slack adapters, as the listeners see them (`services` in context)."""

    settings: Settings
    repo: StateRepository
    client: AsyncWebClient
    router: Router
    users: UserDirectory
    previews: Previews
    notifier: SlackNotifier
    decisions: DecisionService
    homes: HomeTabs = field(default_factory=HomeTabs)  # the App Home hash per person, for views.publish
    scans: ScanService | None = None  # `/tfsync scan` (None: scans are not set up in this process)

    async def view(self, record: ResourceRecord, *, preview: bool = False,
                   rules: Sequence[IgnoreRuleRecord] = ()) -> ResourceView:
        """A record as the surfaces show it, as its messages do (the publisher's view)."""
        return await self.notifier.publisher.view(record, preview=preview, rules=rules)

    @property
    def modules(self) -> list[ModuleView]:
        return module_views(self.settings.target_modules)

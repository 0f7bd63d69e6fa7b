"""What every Slack listener may use, built once by the composition root and put in each request's context."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.decisions import DecisionService
from bot.state import StateRepository
from renderers.slack.viewdata import ModuleView
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

    @property
    def modules(self) -> list[ModuleView]:
        return module_views(self.settings.target_modules)

"""The App Home tab: its publication when opened, and its filters and pages.

Each action acks before any I/O (handlers/flow.py), then publishes the person's tab again.
"""

from __future__ import annotations

from slack_bolt.app.async_app import AsyncApp

from handlers.home.app_home_opened import handle_app_home_opened
from handlers.home.clear_filters import handle_clear_filters
from handlers.home.filter_select import FILTER_MENUS, handle_filter_select
from handlers.home.name_filter import handle_name_filter
from handlers.home.page_button import handle_page_button
from renderers.slack.ids import Action


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
    for menu in FILTER_MENUS:
        app.action(menu)(handle_filter_select)
    app.action(Action.HOME_NAME_SET)(handle_name_filter)
    app.action(Action.HOME_FILTERS_CLEAR)(handle_clear_filters)
    app.action(Action.HOME_PAGE_PREVIOUS)(handle_page_button)
    app.action(Action.HOME_PAGE_NEXT)(handle_page_button)

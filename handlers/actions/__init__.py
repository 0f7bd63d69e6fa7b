"""Buttons and selects: the resource buttons, retries, link buttons, and the module search.

Each acks before any I/O (handlers/flow.py); none has listener middleware, which would run before the ack.
"""

from __future__ import annotations

from slack_bolt.app.async_app import AsyncApp

from handlers.actions.adopt_button import handle_adopt_button
from handlers.actions.bulk_confirm import handle_bulk_confirm
from handlers.actions.delete_button import handle_delete_button
from handlers.actions.ignore_button import handle_ignore_button
from handlers.actions.link_button import LINK_ACTIONS, handle_link_button
from handlers.actions.module_options import handle_module_options
from handlers.actions.retry_adoption import handle_retry_adoption
from handlers.actions.retry_deletion import handle_retry_deletion
from renderers.slack.ids import Action


def register(app: AsyncApp) -> None:
    app.action(Action.RESOURCE_ADOPT)(handle_adopt_button)
    app.action(Action.RESOURCE_DELETE)(handle_delete_button)
    app.action(Action.RESOURCE_IGNORE)(handle_ignore_button)
    app.action(Action.ADOPTION_RETRY)(handle_retry_adoption)
    app.action(Action.DELETION_RETRY)(handle_retry_deletion)
    app.action(Action.BULK_CONFIRM)(handle_bulk_confirm)
    for action in LINK_ACTIONS:
        app.action(action)(handle_link_button)
    app.options(Action.MODULE_SELECT)(handle_module_options)

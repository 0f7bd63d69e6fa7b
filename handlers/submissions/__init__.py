"""Modal submissions: Adopt, Delete (admins only, checked after the ack) and Ignore."""

from __future__ import annotations

from slack_bolt.app.async_app import AsyncApp

from handlers.submissions.adopt_submit import handle_adopt_submission
from handlers.submissions.delete_submit import handle_delete_submission
from handlers.submissions.ignore_submit import handle_ignore_submission
from renderers.slack.ids import Callback


def register(app: AsyncApp) -> None:
    app.view(Callback.ADOPTION_SUBMIT)(handle_adopt_submission)
    app.view(Callback.DELETION_SUBMIT)(handle_delete_submission)
    app.view(Callback.IGNORE_RULE_SUBMIT)(handle_ignore_submission)

"""tfsync in Slack: the app factory, the notifier that keeps one thread per resource, posting, routing and people."""

from __future__ import annotations

from bot.slack.app import Tfsync, build_app, build_tfsync, run_app
from bot.slack.execution import AdoptLauncher, AdoptRequest, Deleter, DeleteRequest, ThreadUpdates
from bot.slack.notifier import SlackJobReporter, SlackNotifier
from bot.slack.posting import PostingQueue
from bot.slack.routing import Route, Router
from bot.slack.users import UserDirectory

__all__ = [
    "AdoptLauncher",
    "AdoptRequest",
    "DeleteRequest",
    "Deleter",
    "PostingQueue",
    "Route",
    "Router",
    "SlackJobReporter",
    "SlackNotifier",
    "Tfsync",
    "ThreadUpdates",
    "UserDirectory",
    "build_app",
    "build_tfsync",
    "run_app",
]

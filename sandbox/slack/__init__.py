"""A Slack emulator strict like Slack: Web API, Socket Mode websocket or signed requests to the app's request URL,
response URLs and a simulated person."""

from __future__ import annotations

from sandbox.slack.delivery import Ack, Envelope
from sandbox.slack.emulator import SlackEmulator, UnknownCommand
from sandbox.slack.faults import Fault
from sandbox.slack.web_api import METHODS, ApiCall
from sandbox.slack.workspace import Channel, Ephemeral, Message, User, UserGroup, View, Workspace

__all__ = [
    "METHODS",
    "Ack",
    "ApiCall",
    "Channel",
    "Envelope",
    "Ephemeral",
    "Fault",
    "Message",
    "SlackEmulator",
    "UnknownCommand",
    "User",
    "UserGroup",
    "View",
    "Workspace",
]

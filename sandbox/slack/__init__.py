"""A Slack emulator strict like Slack: Web API, Socket Mode websocket, response URLs and a simulated person."""

from __future__ import annotations

from sandbox.slack.emulator import SlackEmulator
from sandbox.slack.socket_mode import Ack, Envelope
from sandbox.slack.web_api import METHODS, ApiCall
from sandbox.slack.workspace import Channel, Ephemeral, Message, User, View, Workspace

__all__ = [
    "METHODS",
    "Ack",
    "ApiCall",
    "Channel",
    "Envelope",
    "Ephemeral",
    "Message",
    "SlackEmulator",
    "User",
    "View",
    "Workspace",
]

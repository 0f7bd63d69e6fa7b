"""The sandbox's web side: a Slack-like page and the JSON API it (and the tests) use."""

from __future__ import annotations

from sandbox.web.api import Hub, SandboxContext, build_web_app

__all__ = ["Hub", "SandboxContext", "build_web_app"]

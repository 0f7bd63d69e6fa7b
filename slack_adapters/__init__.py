"""Slack adapters: the engine's records as Slack threads (notifier, posting, routing, people) and the error router.

They use the engine (`bot/`) and the renderers; the listeners in `handlers/` use them; the engine never imports them.
"""

"""The App Home tab: counts by status, open resources oldest first with their buttons, recent activity, rules."""

from __future__ import annotations

from renderers.slack import blocks as bk
from renderers.slack import limits
from renderers.slack.blocks import Payload
from renderers.slack.commands import count_fields, rules_blocks
from renderers.slack.resource import STATUS_WORDS, actions_block, age_key, label_of, pack_lines, summary_line, unique
from renderers.slack.text import Mrkdwn, code, date, esc, who
from renderers.slack.viewdata import ActivityView, HomeView

RECENT_SHOWN = 15
RULE_BLOCKS = 8  # headings plus packed lines for routing and ignore rules
RECENT_BLOCKS = 3


def activity_line(item: ActivityView) -> Mrkdwn:
    r = item.resource
    source = Mrkdwn("{} → ").format(STATUS_WORDS[item.from_status]) if item.from_status else Mrkdwn("")
    return Mrkdwn("{} · {} · {} {} {} · {}{}").format(
        date(item.at, "{date_short} {time}"), who(item.actor or "tfsync", item.user_id, 80), code(r.short_id, 70),
        esc(label_of(r), 60), code(r.display_name, 80), source, STATUS_WORDS[item.to_status],
    )


def render_home(view: HomeView) -> Payload:
    """The whole App Home view for views.publish."""
    total_open = view.open_total if view.open_total is not None else len(view.open_resources)
    top = [
        bk.header("tfsync"),
        bk.section(fields=count_fields(view.counts)),
        bk.divider(),
        bk.section(Mrkdwn("*Open resources* ({}), oldest first").format(total_open)),
    ]
    recent_lines = [activity_line(a) for a in sorted(view.recent, key=lambda a: a.at, reverse=True)[:RECENT_SHOWN]]
    tail: list[Payload] = [bk.divider(), bk.section(Mrkdwn("*Recent activity*"))]
    tail += pack_lines(recent_lines, max_blocks=RECENT_BLOCKS, what="changes") or [
        bk.context(Mrkdwn("Nothing has happened yet."))
    ]
    tail.append(bk.divider())
    tail += rules_blocks(view.routing_rules, view.ignore_rules, max_blocks=RULE_BLOCKS)

    # What is left of the 100 blocks goes to open resources, two blocks each, with one kept for "and N more".
    room = limits.VIEW_BLOCKS - len(top) - len(tail) - 1
    middle: list[Payload] = []
    shown = 0
    for resource in sorted(unique(view.open_resources), key=age_key):
        pair = [bk.section(summary_line(resource))]
        buttons = actions_block(resource, scoped_id=True)
        if buttons:
            pair.append(buttons)
        if len(middle) + len(pair) > room:
            break
        middle += pair
        shown += 1
    if not view.open_resources:
        middle.append(bk.context(Mrkdwn(":tada: Nothing waiting: every resource is in Terraform or decided.")))
    elif total_open > shown:
        middle.append(bk.context(Mrkdwn(f"…and {total_open - shown} more; `/tfsync list` shows them all.")))
    return bk.home([*top, *middle, *tail])

"""A burst of new resources in one channel: one digest message, then one message (or more) per Terraform type.

The digest names the groups with their counts; each group's messages carry a line and the buttons per resource.
Where the group messages go (replies under the digest, or parents of their own threads) is the poster's choice.
"""

from __future__ import annotations

from collections import defaultdict

from renderers.slack import blocks as bk
from renderers.slack import limits
from renderers.slack.blocks import Payload
from renderers.slack.resource import actions_block, age_key, label_of, pack_lines, summary_line, unique
from renderers.slack.text import Mrkdwn, code, esc
from renderers.slack.viewdata import BurstGroup, BurstView, ResourceView

GROUP_PAGE = (limits.MESSAGE_BLOCKS - 2) // 2  # two blocks per resource, a heading and a spare


def group_burst(view: BurstView) -> list[BurstGroup]:
    """Resources grouped by Terraform type, largest group first, oldest resource first within a group."""
    by_type: dict[str, list[ResourceView]] = defaultdict(list)
    for resource in unique(view.resources):
        by_type[resource.tf_type].append(resource)
    groups = [
        BurstGroup(tf_type=tf_type, label=label_of(items[0]), resources=tuple(sorted(items, key=age_key)))
        for tf_type, items in by_type.items()
    ]
    return sorted(groups, key=lambda g: (-len(g.resources), g.tf_type))


def _group_line(group: BurstGroup) -> Mrkdwn:
    return Mrkdwn("• *{}* \u00d7 {} ({})").format(esc(group.label, 80), len(group.resources), code(group.tf_type, 100))


def render_burst_digest(view: BurstView) -> Payload:
    """The one channel message that stands for the whole burst."""
    groups = group_burst(view)
    count = sum(len(g.resources) for g in groups)
    minutes = max(1, round(view.window_seconds / 60))
    window = "minute" if minutes == 1 else f"{minutes} minutes"
    found = sum(1 for g in groups for r in g.resources if r.source != "event")
    if found == count:
        # Records a scan found have no thread until someone decides on them: a bulk decision brings many at once.
        head = Mrkdwn(":package: *{} resources found by a scan* were decided on together.").format(count)
    else:
        head = Mrkdwn(":rotating_light: *{} new resources* were created outside Terraform within a {}.").format(
            count, window
        )
    blocks = [bk.section(head)]
    blocks += pack_lines([_group_line(g) for g in groups], max_blocks=limits.MESSAGE_BLOCKS - 2, what="types")
    blocks.append(bk.context(Mrkdwn("Each type has its own thread with a line and the buttons per resource.")))
    text = (f"{count} resources found by a scan were decided on" if found == count
            else f"{count} new resources created outside Terraform")
    return bk.message(text, blocks)


def render_burst_group(group: BurstGroup) -> list[Payload]:
    """The messages for one group: pages of up to GROUP_PAGE resources, each with its line and buttons."""
    resources = sorted(unique(group.resources), key=age_key)
    pages = [resources[i : i + GROUP_PAGE] for i in range(0, len(resources), GROUP_PAGE)] or [[]]
    out = []
    for number, page in enumerate(pages, start=1):
        first = (number - 1) * GROUP_PAGE + 1
        span = Mrkdwn(f" ({first}-{first + len(page) - 1} of {len(resources)})") if len(pages) > 1 else Mrkdwn("")
        blocks = [bk.section(Mrkdwn("*{}* \u00d7 {} ({}){}").format(
            esc(group.label, 80), len(resources), code(group.tf_type, 100), span))]
        for resource in page:
            blocks.append(bk.section(summary_line(resource)))
            buttons = actions_block(resource, scoped_id=True)
            if buttons:
                blocks.append(buttons)
        out.append(bk.message(f"{len(resources)} x {group.label}", blocks))
    return out

"""Ephemeral responses to `/tfsync`: help, list, show, rules, stats, and the short notices between them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from renderers.slack import blocks as bk
from renderers.slack import limits
from renderers.slack.blocks import Payload
from renderers.slack.resource import (
    STATUS_WORDS,
    age_key,
    label_of,
    pack_lines,
    resource_blocks,
    status_emoji,
    summary_line,
    unique,
)
from renderers.slack.text import Mrkdwn, channel, code, date, esc, link, safe_url, who
from renderers.slack.viewdata import (
    ErrorView,
    IgnoreRuleView,
    ResourceView,
    RoutingRuleView,
    StatsView,
    Status,
)

COMMAND = "/tfsync"
LIST_BLOCKS = limits.MESSAGE_BLOCKS - 2
LIST_SHOWN = 100
TOP = 10

_HELP = (
    ("help", "this help"),
    ("list [status]", "open resources, or those in one status ({statuses})"),
    ("show <resource>", "one resource with its buttons"),
    ("adopt <resource>", "open the Adopt form"),
    ("delete <resource>", "open the Delete form"),
    ("ignore <resource>", "open the Ignore form"),
    ("rules", "routing rules and ignore rules in force"),
    ("unignore <rule>", "remove an ignore rule"),
    ("stats", "counts by status, type and creator"),
    ("scan [type] [region] [account]", "look in AWS for resources no Terraform state manages (tfsync admins)"),
    ("bulk adopt <filters> [into <module>]", "adopt the waiting resources the filters pick, in one pull request"),
    ("bulk ignore <filters> [for N days]", "ignore the waiting resources the filters pick (tfsync admins)"),
)


def render_help(unknown: str | None = None) -> Payload:
    """The help text; with `unknown`, prefixed by what was not understood."""
    statuses = ", ".join(s.value for s in Status)
    lines = [
        Mrkdwn("{} — {}").format(code(f"{COMMAND} {usage}"), text.format(statuses=statuses)) for usage, text in _HELP
    ]
    blocks = []
    if unknown is not None:
        blocks.append(bk.section(Mrkdwn("I did not understand {}.").format(code(unknown or " ", 200))))
    blocks.append(bk.section(Mrkdwn("*tfsync* finds AWS resources created outside Terraform.\n") +
                             Mrkdwn("\n").join(lines)))
    blocks.append(bk.context(Mrkdwn("Name a resource by its tfsync id (like `r-k3v9q2mzt7ab`), import ID or ARN."),
                             Mrkdwn("Bulk filters: `type=` (or a bare type), `name=` (a pattern like `logs-*`), "
                                    "`tag=key[=value]`, `account=`, `region=`, `source=event|scan|reconcile`; a "
                                    "bulk command shows what it picks and asks before it does anything.")))
    return bk.message("tfsync help", blocks)


def render_list(resources: Sequence[ResourceView], status: Status | None = None, total: int | None = None) -> Payload:
    """`/tfsync list [status]`: one line per resource, oldest first."""
    title = f"Resources {STATUS_WORDS[status]}" if status else "Open resources"
    count = len(resources) if total is None else total
    ordered = sorted(unique(resources), key=age_key)
    head = bk.section(Mrkdwn("*{}* ({})").format(title, count))
    if not ordered:
        return bk.message(f"{title}: none", [head, bk.context(Mrkdwn("Nothing here."))])
    lines = [summary_line(r, with_status=status is None) for r in ordered[:LIST_SHOWN]]
    blocks = [head, *pack_lines(lines, max_blocks=LIST_BLOCKS, what="resources", total=count)]
    if count > LIST_SHOWN:
        blocks.append(bk.context(Mrkdwn("The oldest {} are listed.").format(LIST_SHOWN)))
    return bk.message(f"{title}: {count}", blocks)


def render_show(resource: ResourceView) -> Payload:
    """`/tfsync show <resource>`: the resource in full, with the buttons its status allows and its thread."""
    blocks = resource_blocks(resource)
    if safe_url(resource.thread_url):
        blocks.append(bk.context(Mrkdwn("Discussed in {}").format(link(resource.thread_url, "its thread"))))
    return bk.message(f"{label_of(resource)} {resource.display_name}", blocks)


def render_not_found(query: str) -> Payload:
    text = Mrkdwn("No resource matches {}. Try `{} list`, or name it by tfsync id, import ID or ARN.").format(
        code(query or " ", 300), COMMAND
    )
    return bk.message("No such resource", [bk.section(text)])


def routing_line(rule: RoutingRuleView) -> Mrkdwn:
    if rule.default:
        return Mrkdwn("{} ← everything else (default)").format(channel(rule.channel_id))
    conditions = [
        Mrkdwn("{} {}").format(name, code(value, 120))
        for name, value in (("account", rule.account_id), ("region", rule.region), ("type", rule.tf_type),
                            ("tag", rule.tag))
        if value
    ]
    scope = Mrkdwn(", ").join(conditions) if conditions else Mrkdwn("everything")
    return Mrkdwn("{} ← {}").format(channel(rule.channel_id), scope)


def ignore_line(rule: IgnoreRuleView) -> Mrkdwn:
    until = Mrkdwn("until ") + date(rule.expires_at) if rule.expires_at else Mrkdwn("forever")
    by = Mrkdwn(" · by {}").format(who(rule.created_by, rule.created_by_user_id, 80)) if (
        rule.created_by or rule.created_by_user_id) else Mrkdwn("")
    return Mrkdwn("{} {}{} · {}").format(code(rule.rule_id, 80), esc(rule.description, 400), by, until)


def rules_blocks(routing: Sequence[RoutingRuleView], ignore: Sequence[IgnoreRuleView], *, max_blocks: int) -> (
        list[Payload]):
    """Routing then ignore rules, each as a heading and packed lines, within max_blocks (at least 4)."""
    each = max(1, (max_blocks - 2) // 2)
    out: list[Payload] = [bk.section(Mrkdwn("*Routing rules*"))]
    out += pack_lines([routing_line(r) for r in routing], max_blocks=each, what="rules") or [
        bk.context(Mrkdwn("No routing rules: everything goes to the default channel."))
    ]
    out.append(bk.section(Mrkdwn("*Ignore rules in force*")))
    out += pack_lines([ignore_line(r) for r in ignore], max_blocks=each, what="rules") or [
        bk.context(Mrkdwn("No ignore rules."))
    ]
    return out


def render_rules(routing: Sequence[RoutingRuleView], ignore: Sequence[IgnoreRuleView]) -> Payload:
    """`/tfsync rules`."""
    return bk.message(
        f"{len(routing)} routing rules, {len(ignore)} ignore rules",
        rules_blocks(routing, ignore, max_blocks=limits.MESSAGE_BLOCKS),
    )


def render_unignored(rule_id: str, user_id: str | None) -> Payload:
    text = Mrkdwn(":white_check_mark: {} removed the ignore rule {}.").format(who("", user_id), code(rule_id, 200))
    return bk.message("Ignore rule removed", [bk.section(text)])


def count_fields(counts: Mapping[Status, int]) -> list[Mrkdwn]:
    """One field per status, in the state machine's order: at most 9, within a section's 10."""
    values = {Status(k): v for k, v in counts.items()}
    return [
        Mrkdwn("{} *{}*\n{}").format(
            Mrkdwn(status_emoji(s)), s.value.replace("_", " ").capitalize(), int(values.get(s, 0))
        )
        for s in Status
    ]


def _top(counts: Mapping[str, int], what: str) -> Mrkdwn:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if not items:
        return Mrkdwn("*{}*: none").format(what)
    lines = [Mrkdwn("{} {}").format(code(k, 120), int(v)) for k, v in items[:TOP]]
    more = len(items) - TOP
    tail = Mrkdwn(f"\n_…and {more} more_") if more > 0 else Mrkdwn("")
    return Mrkdwn("*{}*\n").format(what) + Mrkdwn("\n").join(lines) + tail


def render_stats(stats: StatsView) -> Payload:
    """`/tfsync stats`: counts by status, the types and creators seen most."""
    since = Mrkdwn(" since ") + date(stats.since) if stats.since else Mrkdwn("")
    total = sum(int(v) for v in stats.counts.values())
    blocks = [
        bk.section(Mrkdwn("*{} resources*{}").format(total, since)),
        bk.section(fields=count_fields(stats.counts)),
        bk.section(_top(stats.by_type, "By type")),
        bk.section(_top(stats.by_actor, "By creator")),
    ]
    return bk.message(f"tfsync stats: {total} resources", blocks)


def render_conflict(resource: ResourceView) -> Payload:
    """The polite note to the person who clicked second: someone else already decided."""
    r = resource
    text = Mrkdwn("{} Someone got there first: the {} {} is already _{}_ (by {}{}). Nothing else was changed.").format(
        Mrkdwn(status_emoji(r.status)), esc(label_of(r), 100), code(r.display_name, 200), STATUS_WORDS[r.status],
        who(r.status_by or "tfsync", r.status_by_user_id),
        Mrkdwn(", ") + date(r.status_at) if r.status_at else Mrkdwn(""),
    )
    return bk.message(f"{r.display_name} is already {STATUS_WORDS[r.status]}", [bk.section(text)])


def render_error_message(error: ErrorView) -> Payload:
    """An ephemeral message or thread reply saying what went wrong, with the id to quote."""
    text = Mrkdwn(":warning: *{}*\n{}").format(esc(error.title, 150), esc(error.message, 2_000))
    return bk.message(
        error.title, [bk.section(text), bk.context(Mrkdwn("Error id {} — quote it when you ask for help").format(
            code(error.error_id, 80)))]
    )

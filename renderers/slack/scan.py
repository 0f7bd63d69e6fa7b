"""A scan's one channel message (the digest), the answers to `/tfsync scan`, and the preview and result of a bulk
decision (`/tfsync bulk adopt|ignore <filters>`).

A scan stores what it finds in the backlog without a message per resource: the digest stands for all of them, with
the counts a person acts on (by type with the commonest sizes, by account, region and owner tag), what failed (so
nobody takes an incomplete scan for a clean bill), and how to act on a group. Every count may run to hundreds of
groups: each breakdown names the largest and says how many more there are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from urllib.parse import quote, unquote

from renderers.slack import blocks as bk
from renderers.slack import limits
from renderers.slack.blocks import Payload
from renderers.slack.ids import Action
from renderers.slack.text import Mrkdwn, channel, clip, clip_mrkdwn, code, esc, slack_len, who
from renderers.slack.viewdata import BulkItem, BulkPreviewView, BulkResultView, ScanDigestView, ScanGroup

COMMAND = "/tfsync"
TYPES_SHOWN = 15  # lines of the by-type breakdown
GROUPS_SHOWN = 8  # lines of each other breakdown (account, region, owner)
SIZES_SHOWN = 3
FAILURES_NAMED = 5  # up to this many failures are each named; more are counted, the first few named
FAILURES_SAMPLED = 3
STATES_NAMED = 3
NAMES_SHOWN = 10  # resources a bulk preview or result names
REFUSALS_SHOWN = 10
LINE = 500  # room for one line of a breakdown
MORE = 40  # room kept for an "…and N more" line
# What a confirm button may carry: the command, its count and digest (percent-encoded) within Slack's 2000.
MAX_COMMAND = 1_500
DIGEST_CHARS = 16
_VALUE_SAFE = "=/*?[]!,:@+"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


# The digest ----------------------------------------------------------------------------------------------------


def headline_text(view: ScanDigestView) -> str:
    """The digest's first words, also its notification text."""
    if view.source == "reconcile":
        return f"Reconciliation: {plural(view.new, 'resource')} no creation event reported"
    if not view.unmanaged:
        return "Scan found no unmanaged resources"
    return f"Scan found {plural(view.unmanaged, 'unmanaged resource')}"


def _listing(heading: Mrkdwn, lines: Sequence[Mrkdwn], *, total: int, what: str, budget: int,
             max_lines: int) -> Mrkdwn:
    """A heading and as many lines as fit `budget` (and max_lines), then how many of `total` were left out."""
    out = [heading]
    size = slack_len(heading)
    shown = 0
    for line in lines[:max_lines]:
        line = clip_mrkdwn(line, LINE)
        if size + 1 + slack_len(line) > budget - MORE:
            break
        out.append(line)
        size += 1 + slack_len(line)
        shown += 1
    left = total - shown
    if left > 0:
        out.append(Mrkdwn("_…and {} more {}_").format(f"{left:,}", what))
    return Mrkdwn("\n").join(out)


def _type_line(group: ScanGroup) -> Mrkdwn:
    sizes = [Mrkdwn("{} \u00d7{}").format(esc(value, 60), count) for value, count in group.sizes[:SIZES_SHOWN]]
    tail = Mrkdwn(" — ") + Mrkdwn(", ").join(sizes) if sizes else Mrkdwn("")
    return Mrkdwn("• *{}* \u00d7 {} ({}){}").format(
        esc(group.label or group.key, 80), f"{group.count:,}", code(group.key, 80), tail)


def _account_line(group: ScanGroup) -> Mrkdwn:
    if group.label:
        return Mrkdwn("• {} ({}) {}").format(esc(group.label, 60), code(group.key, 40), f"{group.count:,}")
    return Mrkdwn("• {} {}").format(code(group.key, 60), f"{group.count:,}")


def _region_line(group: ScanGroup) -> Mrkdwn:
    return Mrkdwn("• {} {}").format(code(group.key, 60), f"{group.count:,}")


def _owner_line(group: ScanGroup) -> Mrkdwn:
    if not group.key:
        return Mrkdwn("• _no owner tag_ {}").format(f"{group.count:,}")
    return Mrkdwn("• {} {}").format(code(group.key, 80), f"{group.count:,}")


def _counts(view: ScanDigestView) -> Mrkdwn:
    parts = [
        Mrkdwn("*{}* new in the backlog").format(f"{view.new:,}"),
        Mrkdwn("*{}* already in the backlog").format(f"{view.known:,}"),
        Mrkdwn("*{}* covered by ignore rules").format(f"{view.ignored:,}"),
        Mrkdwn("*{}* managed by Terraform").format(f"{view.managed:,}"),
    ]
    if view.stack_made:
        parts.append(Mrkdwn("{} made by CloudFormation stacks (left out)").format(f"{view.stack_made:,}"))
    return Mrkdwn(" · ").join(parts)


def _failures(view: ScanDigestView) -> list[Payload]:
    out = []
    if view.failures:
        count = len(view.failures)
        if count <= FAILURES_NAMED:
            heading = Mrkdwn(":warning: *The scan is incomplete*: {} failed, so resources may be missing from these "
                             "counts.").format(plural(count, "call"))
            lines = [Mrkdwn("• {}").format(esc(text, 400)) for text in view.failures]
        else:
            heading = Mrkdwn(":warning: *The scan is incomplete*: *{} calls failed*, so resources may be missing "
                             "from these counts. Among them:").format(f"{count:,}")
            lines = [Mrkdwn("• {}").format(esc(text, 400)) for text in view.failures[:FAILURES_SAMPLED]]
        out.append(bk.section(_listing(heading, lines, total=count, what="failed calls",
                                       budget=limits.SECTION_TEXT, max_lines=FAILURES_NAMED)))
    if view.state_errors:
        count = len(view.state_errors)
        heading = Mrkdwn(":warning: *{} not read*: what {} manage may be counted as unmanaged here.").format(
            plural(count, "Terraform state"), "it" if count == 1 else "they")
        lines = [Mrkdwn("• {}").format(esc(text, 400)) for text in view.state_errors]
        out.append(bk.section(_listing(heading, lines, total=count, what="states", budget=limits.SECTION_TEXT,
                                       max_lines=STATES_NAMED)))
    return out


def _breakdowns(view: ScanDigestView) -> list[Payload]:
    if not view.by_type:
        return []
    types = _listing(Mrkdwn("*By type*"), [_type_line(g) for g in view.by_type], total=len(view.by_type),
                     what="types", budget=limits.SECTION_TEXT, max_lines=TYPES_SHOWN)
    fields = []
    for title, groups, line, what in (
        (Mrkdwn("*By account*"), view.by_account, _account_line, "accounts"),
        (Mrkdwn("*By region*"), view.by_region, _region_line, "regions"),
        (Mrkdwn("*By owner tag* {}").format(code(view.owner_tag, 60)), view.by_owner, _owner_line, "owners"),
    ):
        if groups:
            fields.append(_listing(title, [line(g) for g in groups], total=len(groups), what=what,
                                   budget=limits.FIELD_TEXT, max_lines=GROUPS_SHOWN))
    out = [bk.section(types)]
    if fields:
        out.append(bk.section(fields=fields))
    return out


def _example_filters(view: ScanDigestView) -> str:
    top = view.by_type[0].key if view.by_type else ""
    words = [f"type={top}" if top else "", f"source={view.source}"]
    return " ".join(w for w in words if w)


def _how_to_act(view: ScanDigestView) -> Payload | None:
    if not view.by_type:
        return None
    filters = _example_filters(view)
    into = f" into {view.module_hint}" if view.module_hint else ""
    adopt = code(clip(f"{COMMAND} bulk adopt {filters}{into}", 280), 300)
    ignore = code(clip(f"{COMMAND} bulk ignore {filters} for 30 days", 280), 300)
    text = Mrkdwn(
        "*Act on a group*\n"
        "• Adopt it, one pull request per account: {}\n"
        "• Ignore it: {}\n"
        "• Or decide one by one in tfsync's *App Home*, filtered by type, account, region or source.\n"
        "Filters: `type=` `name=` `tag=key[=value]` `account=` `region=` `source=`; each command shows what it "
        "picks before anything is done."
    ).format(adopt, ignore)
    return bk.section(text)


def _scope(view: ScanDigestView) -> Mrkdwn:
    types = "every type" if not view.types_scanned else plural(view.types_scanned, "type")
    regions = plural(len(view.regions), "region")
    accounts = plural(view.accounts, "account")
    return Mrkdwn("{} in {} of {}").format(types, regions, accounts)


def _footer(view: ScanDigestView) -> Payload:
    parts = [Mrkdwn("{} · {} ({}) · {}").format(
        _scope(view), plural(view.api_calls, "API call"), plural(view.requests, "HTTP request"),
        f"{view.seconds:,.0f} s" if view.seconds >= 10 else f"{view.seconds:.1f} s")]
    if view.requested_by_user_id or view.requested_by:
        parts.append(Mrkdwn("asked by {}").format(who(view.requested_by, view.requested_by_user_id, 80)))
    elif view.source == "reconcile":
        parts.append(Mrkdwn("the scheduled reconciliation"))
    parts.append(Mrkdwn("scan {}").format(code(view.scan_id, 80)))
    return bk.context(Mrkdwn(" · ").join(parts))


def render_scan_digest(view: ScanDigestView) -> Payload:
    """The one channel message a scan posts: what it found, what failed, what it cost, and how to act."""
    emoji = ":warning:" if view.incomplete else ":mag:"
    blocks = [bk.section(Mrkdwn("{} *{}*").format(Mrkdwn(emoji), headline_text(view))), bk.section(_counts(view))]
    blocks += _failures(view)
    blocks += _breakdowns(view)
    act = _how_to_act(view)
    if act is not None:
        blocks.append(act)
    blocks.append(_footer(view))
    return bk.message(headline_text(view), blocks)


# `/tfsync scan` answers ------------------------------------------------------------------------------------------


def render_scan_started(channel_id: str | None, what: str) -> Payload:
    """The ephemeral answer to `/tfsync scan`: started, and where the digest will be."""
    where = Mrkdwn("in {}").format(channel(channel_id)) if channel_id else Mrkdwn("in tfsync's channel")
    text = Mrkdwn(":mag: *Scan started* ({}). It runs in the background; the digest will be posted {} when it is "
                  "done.").format(esc(what, 500), where)
    return bk.message("Scan started", [bk.section(text)])


def render_scan_refused(reason: str) -> Payload:
    """A scan that was not started: one is running, or the words named nothing tfsync knows."""
    text = Mrkdwn(":hourglass_flowing_sand: *No scan started*: {}").format(esc(reason, 1_500))
    hint = Mrkdwn("Usage: `{} scan [type] [region] [account]`, e.g. `{} scan aws_instance eu-west-1`.").format(
        COMMAND, COMMAND)
    return bk.message("No scan started", [bk.section(text), bk.context(hint)])


# Bulk decisions --------------------------------------------------------------------------------------------------


def picked_digest(resource_ids: Iterable[str]) -> str:
    """A short digest of the picked resources (order does not matter): a click acts only on what was previewed."""
    joined = "\n".join(sorted(resource_ids))
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:DIGEST_CHARS]


def bulk_value(command: str, count: int, digest: str) -> str:
    """The confirm button's value: `<count>:<digest>:<command, percent-encoded>`; ValueError when it cannot fit."""
    if slack_len(command) > MAX_COMMAND:
        raise ValueError(f"a bulk command is at most {MAX_COMMAND} characters")
    value = f"{count}:{digest}:{quote(command, safe=_VALUE_SAFE)}"
    if slack_len(value) > limits.BUTTON_VALUE:
        raise ValueError("the bulk command does not fit a button")
    return value


def parse_bulk_value(value: str) -> tuple[str, int, str]:
    """(command, count, digest) from a confirm button's value; ValueError for anything else."""
    count, _, rest = value.partition(":")
    digest, _, command = rest.partition(":")
    if not count.isdigit() or len(digest) != DIGEST_CHARS or not command:
        raise ValueError("not a bulk confirm value")
    return unquote(command), int(count), digest


def render_bulk_usage(problem: str) -> Payload:
    """A bulk command tfsync could not read: what was wrong, and how one reads."""
    usage = Mrkdwn(
        "{} adopts the resources waiting for a decision that the filters pick, as one job in one account.\n"
        "{} ignores each of them (tfsync admins; for ever unless told).\n"
        "Filters: `type=aws_instance` (or just the type), `name=logs-*`, `tag=team` or `tag=team=data`, "
        "`account=123456789012`, `region=eu-west-1`, `source=event|scan|reconcile`. Nothing happens before you "
        "confirm the preview."
    ).format(code(f"{COMMAND} bulk adopt <filters> [into <module>]"),
             code(f"{COMMAND} bulk ignore <filters> [for N days]"))
    return bk.message("Bulk command not understood", [
        bk.section(Mrkdwn(":no_entry: {}").format(esc(problem, 1_500))), bk.section(usage)])


def _module_words(module: str | None) -> Mrkdwn:
    return Mrkdwn("into {}").format(code(module, 200)) if module and module != "." else Mrkdwn("into the root module")


def _days_words(days: int | None) -> Mrkdwn:
    return Mrkdwn("for ever") if days is None else Mrkdwn("for {}").format(plural(days, "day"))


def _item_line(item: BulkItem) -> Mrkdwn:
    where = Mrkdwn(" · {}/{}").format(code(item.account_id, 40), code(item.region, 40)) if item.account_id else (
        Mrkdwn(""))
    return Mrkdwn("• {} {} {}{}").format(code(item.short_id, 70), esc(item.label or item.tf_type, 60),
                                         code(item.name or item.short_id, 120), where)


def _by_type(items: Sequence[BulkItem]) -> Mrkdwn:
    counted: dict[tuple[str, str], int] = {}
    for item in items:
        key = (item.tf_type, item.label or item.tf_type)
        counted[key] = counted.get(key, 0) + 1
    ordered = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
    lines = [Mrkdwn("{} \u00d7 {}").format(esc(label, 60), f"{count:,}") for (_, label), count in ordered]
    return _listing(Mrkdwn("*By type*"), lines, total=len(lines), what="types", budget=limits.SECTION_TEXT,
                    max_lines=TYPES_SHOWN)


def _names(items: Sequence[BulkItem], heading: Mrkdwn) -> Payload:
    return bk.section(_listing(heading, [_item_line(i) for i in items], total=len(items), what="resources",
                               budget=limits.SECTION_TEXT, max_lines=NAMES_SHOWN))


def render_bulk_preview(view: BulkPreviewView) -> Payload:
    """What a bulk decision would do, with the button that does it (none when it cannot go as it is)."""
    count = len(view.items)
    verb = "Adopt" if view.verb == "adopt" else "Ignore"
    blocks: list[Payload] = []
    if view.changed:
        blocks.append(bk.context(Mrkdwn(":arrows_counterclockwise: What these filters pick changed since the "
                                        "preview, so nothing was done. This is what they pick now.")))
    if not count:
        blocks.append(bk.section(Mrkdwn("No resource waiting for a decision matches {}.").format(
            code(view.selection, 500))))
        return bk.message(f"{verb}: nothing matches", blocks)
    how = _module_words(view.module) if view.verb == "adopt" else _days_words(view.days)
    blocks.append(bk.section(Mrkdwn("*{} {}* picked by {}, {}:").format(
        verb, plural(count, "resource"), code(view.selection, 500), how)))
    blocks.append(bk.section(_by_type(view.items)))
    blocks.append(_names(view.items, Mrkdwn("*First picked* (oldest first)")))
    if view.refusal:
        blocks.append(bk.section(Mrkdwn(":no_entry: {}").format(esc(view.refusal, 1_500))))
        return bk.message(f"{verb} {plural(count, 'resource')}: not possible as asked", blocks)
    if view.verb == "adopt":
        note = Mrkdwn("One job in one account: one pull request with {}, one plan, and the clean-plan gate. A "
                      "resource someone decided on meanwhile is left out, and the answer says so.").format(
            plural(count, "import block"))
    else:
        note = Mrkdwn("Each resource is ignored on its own; resources found later are not covered. A resource "
                      "someone decided on meanwhile is left out, and the answer says so.")
    blocks.append(bk.context(note))
    button = bk.button(f"{verb} these {count:,}", Action.BULK_CONFIRM, value=view.value,
                       style="primary" if view.verb == "adopt" else None)
    blocks.append(bk.actions([button]))
    return bk.message(f"{verb} {plural(count, 'resource')}?", blocks)


def render_bulk_result(view: BulkResultView) -> Payload:
    """What a confirmed bulk decision did, and what it refused and why."""
    done, refused = len(view.done), len(view.refused)
    person = who("", view.user_id)
    blocks: list[Payload] = []
    if view.verb == "adopt":
        batch = Mrkdwn(" (batch {})").format(code(view.batch_id, 80)) if view.batch_id else Mrkdwn("")
        if done:
            head = Mrkdwn(":hourglass_flowing_sand: {} started adopting {} {} as one job{}: one pull request, "
                          "one plan. Each resource's thread follows it.").format(
                person, plural(done, "resource"), _module_words(view.module), batch)
        else:
            head = Mrkdwn(":warning: Nothing was adopted.")
        fallback = f"Adopting {plural(done, 'resource')}" if done else "Nothing was adopted"
    else:
        if done:
            head = Mrkdwn(":see_no_evil: {} ignored {} {}.").format(person, plural(done, "resource"),
                                                                   _days_words(view.days))
        else:
            head = Mrkdwn(":warning: Nothing was ignored.")
        fallback = f"Ignored {plural(done, 'resource')}" if done else "Nothing was ignored"
    blocks.append(bk.section(head))
    if done:
        blocks.append(_names(view.done, Mrkdwn("*{}*").format("Adopting" if view.verb == "adopt" else "Ignored")))
    if refused:
        lines = [Mrkdwn("{} — {}").format(_item_line(item), esc(reason, 300)) for item, reason in view.refused]
        what = "adopted" if view.verb == "adopt" else "ignored"
        blocks.append(bk.section(_listing(Mrkdwn(":no_entry: *{} not {}*:").format(plural(refused, "resource"), what),
                                          lines, total=refused, what="refused", budget=limits.SECTION_TEXT,
                                          max_lines=REFUSALS_SHOWN)))
    return bk.message(fallback, blocks)

"""The resource thread: its parent message (kept current with chat.update) and one reply per step."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from renderers.slack import blocks as bk
from renderers.slack import limits as bk_limits
from renderers.slack.blocks import Payload
from renderers.slack.ids import Action, Block, scoped
from renderers.slack.text import (
    Mrkdwn,
    as_utc,
    clip,
    clip_mrkdwn,
    code,
    code_block,
    date,
    esc,
    link,
    safe_url,
    slack_len,
    who,
)
from renderers.slack.viewdata import (
    AdoptFailedStep,
    AdoptStarted,
    AdoptSucceeded,
    BuildProgress,
    Deleted,
    DeleteFailedStep,
    DeleteStarted,
    Gone,
    Ignored,
    ResourceView,
    Status,
    StepView,
)

PREVIEW_LINES = 12
PREVIEW_CHARS = 1_500
NAME = 200  # room for an outside name in a sentence
ID_TEXT = 600  # room for an import ID or ARN in a field
REASON = 1_500
TAGS_SHOWN = 8
TAG_PART = 100
FALLBACK_PART = 150
PROGRESS_LINES = 9  # earlier phases a progress reply keeps (a context block holds ten elements' worth of text)
SCAN_SOURCES = ("scan", "reconcile")  # a record's source when a scan, not a creation event, found it
FACTS_SHOWN = 4
FACTS_TEXT = 300  # room for the size facts in a field
SUMMARY_FACTS = 80  # and in a list's line

_STATUS_EMOJI = {
    Status.DETECTED: ":large_orange_circle:",
    Status.ADOPTING: ":hourglass_flowing_sand:",
    Status.ADOPTED: ":white_check_mark:",
    Status.ADOPT_FAILED: ":x:",
    Status.DELETING: ":hourglass_flowing_sand:",
    Status.DELETED: ":wastebasket:",
    Status.DELETE_FAILED: ":x:",
    Status.IGNORED: ":see_no_evil:",
    Status.GONE: ":ghost:",
}
STATUS_WORDS = {
    Status.DETECTED: "waiting for a decision",
    Status.ADOPTING: "adopting",
    Status.ADOPTED: "adopted",
    Status.ADOPT_FAILED: "adoption failed",
    Status.DELETING: "deleting",
    Status.DELETED: "deleted",
    Status.DELETE_FAILED: "delete failed",
    Status.IGNORED: "ignored",
    Status.GONE: "gone",
}


def status_emoji(status: Status) -> str:
    return _STATUS_EMOJI[status]


def label_of(resource: ResourceView) -> str:
    return resource.label or resource.tf_type


def _changed_by(resource: ResourceView) -> Mrkdwn:
    return who(resource.status_by or "tfsync", resource.status_by_user_id)


def _since(resource: ResourceView) -> Mrkdwn:
    return Mrkdwn(" ") + date(resource.status_at) if resource.status_at else Mrkdwn("")


def _result_link(url: str | None, kind: str | None) -> Mrkdwn:
    noun = "pull request" if kind == "pull request" else "commit"
    return link(url, f"View the {noun}") if safe_url(url) else Mrkdwn("")


def account(resource: ResourceView, limit: int = 100) -> Mrkdwn:
    """The account as people know it: its alias beside the number when it has one."""
    if resource.account_alias:
        return Mrkdwn("{} ({})").format(esc(resource.account_alias, limit), code(resource.account_id, 40))
    return code(resource.account_id, 40)


def status_line(resource: ResourceView) -> Mrkdwn:
    """One line saying where the resource stands, who put it there and when."""
    r = resource
    emoji = Mrkdwn(status_emoji(r.status) + " ")
    if r.status is Status.DETECTED and not r.reachable:
        return emoji + Mrkdwn("*Waiting for a decision*: tfsync has no role in account {}, so it can show and "
                              "ignore this resource but not adopt or delete it. An admin can add one "
                              "(`TFSYNC_ACCOUNT_ROLES` or `TFSYNC_MEMBER_ROLE_NAME`).").format(account(r, 60))
    if r.status is Status.DETECTED and not r.import_id:
        return emoji + Mrkdwn("*Waiting for a decision*: tfsync does not know this resource's import ID, so it can "
                              "show and ignore it but not adopt or delete it.")
    if r.status is Status.DETECTED:
        return emoji + Mrkdwn("*Waiting for a decision*: adopt it into Terraform, delete it, or ignore it.")
    if r.status is Status.ADOPTING:
        where = Mrkdwn(" as {}").format(code(r.tf_address, NAME)) if r.tf_address else Mrkdwn("")
        return emoji + Mrkdwn("*Adopting*{} — started by {}{}").format(where, _changed_by(r), _since(r))
    if r.status is Status.ADOPTED:
        where = Mrkdwn(" as {}").format(code(r.tf_address, NAME)) if r.tf_address else Mrkdwn("")
        result = _result_link(r.result_url, r.result_kind)
        tail = Mrkdwn(" · {}").format(result) if result else Mrkdwn("")
        return emoji + Mrkdwn("*Adopted*{} by {}{}{}").format(where, _changed_by(r), _since(r), tail)
    if r.status in (Status.ADOPT_FAILED, Status.DELETE_FAILED):
        what = "Adoption failed" if r.status is Status.ADOPT_FAILED else "Delete failed"
        log = link(r.job_url, "build log") if safe_url(r.job_url) else Mrkdwn("")
        tail = Mrkdwn(" · {}").format(log) if log else Mrkdwn("")
        return emoji + Mrkdwn("*{}*: {}{}").format(what, esc(r.error or "no reason was reported", 500), tail)
    if r.status is Status.DELETING:
        return emoji + Mrkdwn("*Deleting* — requested by {}{}").format(_changed_by(r), _since(r))
    if r.status is Status.DELETED:
        return emoji + Mrkdwn("*Deleted* by {}{}").format(_changed_by(r), _since(r))
    if r.status is Status.IGNORED:
        rule = Mrkdwn(" ({})").format(esc(r.ignore_rule, 300)) if r.ignore_rule else Mrkdwn("")
        until = Mrkdwn("until ") + date(r.ignore_until) if r.ignore_until else Mrkdwn("forever")
        return emoji + Mrkdwn("*Ignored* by {}{}{}, {}").format(_changed_by(r), _since(r), rule, until)
    return emoji + Mrkdwn("*Gone*: deleted outside tfsync{}").format(
        Mrkdwn(", noticed ") + date(r.status_at) if r.status_at else Mrkdwn("")
    )


def delete_confirm_dialog(resource: ResourceView) -> Payload:
    text = Mrkdwn("This opens the delete form for the {} {}; nothing is deleted until you confirm there.").format(
        esc(label_of(resource), 60), code(resource.display_name, 120)
    )
    return bk.confirm(f"Delete this {clip(label_of(resource), 60)}?", text, "Continue", "Cancel", style="danger")


def resource_buttons(resource: ResourceView, *, with_console: bool = True) -> list[Payload]:
    """The buttons a resource's status allows (none once it is adopted, deleted, ignored or gone), and optionally
    a console link for surfaces that do not show the facts."""
    r = resource
    elements: list[Payload] = []
    if not r.actionable:
        # No role in the account, or no import ID to name the resource by: what touches AWS there is not offered;
        # ignoring touches nothing.
        if r.status is Status.DETECTED:
            elements = [bk.button("Ignore", Action.RESOURCE_IGNORE, value=r.short_id)]
    elif r.status is Status.DETECTED:
        elements = [
            bk.button("Adopt", Action.RESOURCE_ADOPT, value=r.short_id, style="primary"),
            bk.button(
                "Delete", Action.RESOURCE_DELETE, value=r.short_id, style="danger",
                confirm_dialog=delete_confirm_dialog(r),
            ),
            bk.button("Ignore", Action.RESOURCE_IGNORE, value=r.short_id),
        ]
    elif r.status is Status.ADOPT_FAILED:
        elements = [bk.button("Retry adoption", Action.ADOPTION_RETRY, value=r.short_id, style="primary")]
    elif r.status is Status.DELETE_FAILED:
        elements = [
            bk.button(
                "Retry delete", Action.DELETION_RETRY, value=r.short_id, style="danger",
                confirm_dialog=delete_confirm_dialog(r),
            )
        ]
    console = safe_url(r.console_url)
    if with_console and console and r.status not in (Status.DELETED, Status.GONE):
        elements.append(bk.button("Open in console", Action.CONSOLE_OPEN, value=r.short_id, url=console))
    return elements


def actions_block(resource: ResourceView, *, scoped_id: bool, with_console: bool = True) -> Payload | None:
    elements = resource_buttons(resource, with_console=with_console)
    if not elements:
        return None
    block_id = scoped(Block.RESOURCE_ACTIONS, resource.short_id) if scoped_id else str(Block.RESOURCE_ACTIONS)
    return bk.actions(elements, block_id)


def found_by_scan(resource: ResourceView) -> bool:
    """Whether a scan found it (no creation event named who made it)."""
    return resource.source in SCAN_SOURCES


def facts_text(resource: ResourceView, limit: int = FACTS_TEXT) -> Mrkdwn:
    """The resource's size facts in one line, "t3.micro · 20 GiB gp3"; empty when it has none."""
    values = [value for _, value in resource.facts if str(value).strip()][:FACTS_SHOWN]
    if not values:
        return Mrkdwn("")
    each = max(10, limit // len(values) - 3)
    return clip_mrkdwn(Mrkdwn(" · ").join(esc(value, each) for value in values), limit)


def found_text(resource: ResourceView) -> Mrkdwn:
    """How tfsync learnt of a resource no creation event told it of."""
    if resource.source == "reconcile":
        return Mrkdwn("by the scheduled reconciliation on {}: no creation event reached tfsync").format(
            date(resource.event_time))
    return Mrkdwn("by a scan on {}").format(date(resource.event_time))


def headline(resource: ResourceView) -> Mrkdwn:
    if found_by_scan(resource):
        return Mrkdwn("{} *{}* {} is not managed by Terraform").format(
            Mrkdwn(status_emoji(resource.status)), esc(label_of(resource), 100), code(resource.display_name, NAME)
        )
    return Mrkdwn("{} *New {}* {} was created outside Terraform").format(
        Mrkdwn(status_emoji(resource.status)), esc(label_of(resource), 100), code(resource.display_name, NAME)
    )


def fact_fields(resource: ResourceView) -> list[Mrkdwn]:
    r = resource
    if found_by_scan(r):
        origin = [Mrkdwn("*Found*\n{}").format(found_text(r))]
    else:
        origin = [
            Mrkdwn("*Created by*\n{}").format(who(r.actor, r.actor_user_id, ID_TEXT)),
            Mrkdwn("*When*\n{}").format(date(r.event_time)),
        ]
    facts = facts_text(r)
    fields = [
        *origin,
        Mrkdwn("*Account*\n{}").format(account(r)),
        Mrkdwn("*Region*\n{}").format(code(r.region, 100)),
        Mrkdwn("*Type*\n{}").format(code(r.tf_type, 200)),
        Mrkdwn("*Import ID*\n{}").format(code(r.import_id, ID_TEXT)) if r.import_id
        else Mrkdwn("*Import ID*\nunknown: {}").format(esc(r.unresolved or "the creation record lacks it", 300)),
    ]
    if safe_url(r.console_url):
        fields.append(Mrkdwn("*Console*\n{}").format(link(r.console_url, "Open in the AWS console")))
    if r.arn and r.arn != r.import_id:
        fields.append(Mrkdwn("*ARN*\n{}").format(code(r.arn, ID_TEXT)))
    if facts:
        fields.append(Mrkdwn("*Size*\n{}").format(facts))
    return fields


def tags_line(resource: ResourceView) -> Mrkdwn:
    items = sorted(resource.tags.items())
    shown = [Mrkdwn("{}={}").format(code(k, TAG_PART), code(v, TAG_PART)) for k, v in items[:TAGS_SHOWN]]
    more = len(items) - len(shown)
    text = Mrkdwn("Tags: ") + Mrkdwn(" · ").join(shown) if shown else Mrkdwn("No tags")
    return text + (Mrkdwn(f" · and {more} more") if more > 0 else Mrkdwn(""))


def preview_section(resource: ResourceView, *, max_lines: int = PREVIEW_LINES, max_chars: int = PREVIEW_CHARS) -> (
        Payload | None):
    if not resource.code_preview.strip():
        return None
    fence, omitted = code_block(resource.code_preview, max_lines=max_lines, max_chars=max_chars)
    note = f" — {omitted} more line{'s' if omitted != 1 else ''}" if omitted else ""
    return bk.section(Mrkdwn("*Terraform* (preview{})\n").format(note) + fence)


def fallback_text(resource: ResourceView) -> str:
    r = resource
    if found_by_scan(r):
        finder = "the scheduled reconciliation" if r.source == "reconcile" else "a scan"
        return (
            f"{clip(label_of(r), 60)} {clip(r.display_name, FALLBACK_PART)} in {clip(r.account_label, 80)}/"
            f"{clip(r.region, 40)}, not managed by Terraform, found by {finder}: {STATUS_WORDS[r.status]}"
        )
    return (
        f"New {clip(label_of(r), 60)} {clip(r.display_name, FALLBACK_PART)} in "
        f"{clip(r.account_label, 80)}/{clip(r.region, 40)} by {clip(r.actor or 'someone', FALLBACK_PART)}: "
        f"{STATUS_WORDS[r.status]}"
    )


def resource_blocks(resource: ResourceView, *, scoped_id: bool = False) -> list[Payload]:
    """The blocks that show one resource in full: headline, facts, tags, code preview, status, buttons."""
    r = resource
    out = [
        bk.section(headline(r)),
        bk.section(fields=fact_fields(r)),
        bk.context(tags_line(r), Mrkdwn("tfsync id {}").format(code(r.short_id, 80))),
    ]
    if r.status not in (Status.DELETED, Status.GONE):
        preview = preview_section(r)
        if preview:
            out.append(preview)
    out.append(bk.context(status_line(r)))
    # The console link is already among the facts; the button row is only for decisions, so it disappears
    # once the resource is adopted, deleted, ignored or gone.
    buttons = actions_block(r, scoped_id=scoped_id, with_console=False)
    if buttons:
        out.append(buttons)
    return out


def render_resource_message(resource: ResourceView) -> Payload:
    """The thread's parent message for `resource`, as it should read in its current status."""
    return bk.message(fallback_text(resource), resource_blocks(resource))


def _reply(fallback: str, *blocks: Payload | None) -> Payload:
    return bk.message(fallback, [b for b in blocks if b is not None])


def _job_button(url: str | None, resource: ResourceView) -> Payload | None:
    target = safe_url(url)
    return bk.button("Build log", Action.JOB_OPEN, value=resource.short_id, url=target) if target else None


def _error_id(error_id: str | None) -> Payload | None:
    return bk.context(Mrkdwn("Error id {} — quote it when you ask for help").format(code(error_id, 80))) if (
        error_id) else None


def render_step(step: StepView) -> Payload:
    """A thread reply for one step of a resource's life."""
    reply = _STEP_REPLIES.get(type(step))
    if reply is None:
        raise TypeError(f"no thread reply for {type(step).__name__}")
    r = step.resource
    return reply(step, esc(label_of(r), 100), code(r.display_name, NAME))


# Each step's reply, from the step, the resource's kind (`what`) and its name.
def _adopt_started(step: AdoptStarted, what: Mrkdwn, name: Mrkdwn) -> Payload:
    r = step.resource
    module = Mrkdwn(" (module {})").format(code(step.module, NAME)) if step.module else Mrkdwn("")
    text = Mrkdwn(":hourglass_flowing_sand: {} started adopting the {} {} as {}{}.").format(
        who("", step.user_id), what, name, code(step.tf_address, NAME), module
    )
    return _reply(f"Adopting {clip(r.display_name, FALLBACK_PART)}", bk.section(text))


def _build_progress(step: BuildProgress, what: Mrkdwn, name: Mrkdwn) -> Payload:
    r = step.resource
    detail = Mrkdwn(": {}").format(esc(step.detail, REASON)) if step.detail.strip() else Mrkdwn("")
    log = Mrkdwn(" · {}").format(link(step.job_url, "build log")) if safe_url(step.job_url) else Mrkdwn("")
    text = Mrkdwn(":gear: *{}*{}{}").format(esc(step.phase.strip() or "Working", 200), detail, log)
    blocks = [bk.section(text)]
    if step.earlier:
        # The job's one progress reply is updated in place: what it did before stays readable above the last.
        shown = list(step.earlier)[-PROGRESS_LINES:]
        lines = Mrkdwn("\n").join(Mrkdwn(":white_small_square: {}").format(esc(line, 300)) for line in shown)
        blocks.insert(0, bk.context(lines))
    return _reply(f"{clip(step.phase, 100)}: {clip(r.display_name, FALLBACK_PART)}", *blocks)


def _adopt_succeeded(step: AdoptSucceeded, what: Mrkdwn, name: Mrkdwn) -> Payload:
    r = step.resource
    result = _result_link(step.result_url, step.result_kind)
    tail = Mrkdwn(" {}.").format(result) if result else Mrkdwn("")
    where = Mrkdwn(" in {}").format(code(step.tf_file, NAME)) if step.tf_file else Mrkdwn("")
    if step.verified:
        text = Mrkdwn(":white_check_mark: Adopted the {} {} as {}{}.{}").format(
            what, name, code(step.tf_address, NAME), where, tail
        )
        plan = bk.context(Mrkdwn("Plan: {}").format(esc(step.plan_summary, 500))) if step.plan_summary.strip() else None
    else:
        text = Mrkdwn(":warning: Committed the code for the {} {} as {}{}, *not verified*.{}").format(
            what, name, code(step.tf_address, NAME), where, tail
        )
        plan = bk.context(Mrkdwn("No `terraform plan` ran: the AWS provider is not installed where the job ran "
                                 "(TFSYNC_TERRAFORM_PLUGIN_DIR). Plan it before you merge."))
    job = _job_button(step.job_url, r)
    fallback = "Adopted" if step.verified else "Committed, not verified:"
    return _reply(
        f"{fallback} {clip(r.display_name, FALLBACK_PART)}", bk.section(text), plan,
        bk.actions([job], scoped(Block.STEP_ACTIONS, r.short_id)) if job else None,
    )


def _adopt_failed(step: AdoptFailedStep, what: Mrkdwn, name: Mrkdwn) -> Payload:
    r = step.resource
    reason, _ = code_block(step.reason or "no reason was reported", max_lines=30, max_chars=REASON)
    buttons = [bk.button("Retry adoption", Action.ADOPTION_RETRY, value=r.short_id, style="primary"),
               bk.button("Adopt differently", Action.RESOURCE_ADOPT, value=r.short_id)]
    job = _job_button(step.job_url, r)
    if job:
        buttons.append(job)
    told = "Nothing was committed or applied. " if step.nothing_changed else ""
    forward = bk.context(Mrkdwn(told) + Mrkdwn(
        "*Retry* once the resource or the code is fixed, or *Adopt differently* under another name or module."))
    return _reply(
        f"Adoption of {clip(r.display_name, FALLBACK_PART)} failed",
        bk.section(Mrkdwn(":x: Adopting the {} {} failed:\n").format(what, name) + reason),
        forward,
        _error_id(step.error_id),
        bk.actions(buttons, scoped(Block.STEP_ACTIONS, r.short_id)),
    )

def _delete_started(step: DeleteStarted, what: Mrkdwn, name: Mrkdwn) -> Payload:
    r = step.resource
    text = Mrkdwn(
        ":hourglass_flowing_sand: {} asked to delete the {} {}. tfsync checks first that no Terraform state "
        "manages it."
    ).format(who("", step.user_id), what, name)
    return _reply(f"Deleting {clip(r.display_name, FALLBACK_PART)}", bk.section(text))


def _deleted(step: Deleted, what: Mrkdwn, name: Mrkdwn) -> Payload:
    r = step.resource
    text = Mrkdwn(":wastebasket: Deleted the {} {} (asked by {}).").format(what, name, who("", step.user_id))
    return _reply(f"Deleted {clip(r.display_name, FALLBACK_PART)}", bk.section(text))


def _delete_failed(step: DeleteFailedStep, what: Mrkdwn, name: Mrkdwn) -> Payload:
    r = step.resource
    reason, _ = code_block(step.reason or "no reason was reported", max_lines=30, max_chars=REASON)
    retry = bk.button(
        "Retry delete", Action.DELETION_RETRY, value=r.short_id, style="danger",
        confirm_dialog=delete_confirm_dialog(r),
    )
    return _reply(
        f"Deleting {clip(r.display_name, FALLBACK_PART)} failed",
        bk.section(Mrkdwn(":x: Deleting the {} {} failed:\n").format(what, name) + reason),
        _error_id(step.error_id),
        bk.actions([retry], scoped(Block.STEP_ACTIONS, r.short_id)),
    )


def _ignored(step: Ignored, what: Mrkdwn, name: Mrkdwn) -> Payload:
    r = step.resource
    until = Mrkdwn("until ") + date(step.until) if step.until else Mrkdwn("forever")
    text = Mrkdwn(":see_no_evil: {} ignored the {} {}: {} (rule {}), {}.").format(
        who("", step.user_id), what, name, esc(step.rule, 500), code(step.rule_id, 100), until
    )
    return _reply(f"Ignored {clip(r.display_name, FALLBACK_PART)}", bk.section(text))


def _gone(step: Gone, what: Mrkdwn, name: Mrkdwn) -> Payload:
    r = step.resource
    when = Mrkdwn(" (noticed {})").format(date(step.noticed_at)) if step.noticed_at else Mrkdwn("")
    text = Mrkdwn(":ghost: The {} {} was deleted outside tfsync{}.").format(what, name, when)
    return _reply(f"{clip(r.display_name, FALLBACK_PART)} is gone", bk.section(text))


_STEP_REPLIES: dict[type, Callable[[Any, Mrkdwn, Mrkdwn], Payload]] = {
    AdoptStarted: _adopt_started,
    BuildProgress: _build_progress,
    AdoptSucceeded: _adopt_succeeded,
    AdoptFailedStep: _adopt_failed,
    DeleteStarted: _delete_started,
    Deleted: _deleted,
    DeleteFailedStep: _delete_failed,
    Ignored: _ignored,
    Gone: _gone,
}


def age_key(resource: ResourceView) -> tuple[int, float]:
    """Sort key: oldest first, resources with no event time last."""
    return (0, as_utc(resource.event_time).timestamp()) if resource.event_time else (1, 0.0)


def unique(resources: Iterable[ResourceView]) -> list[ResourceView]:
    """Each short id once (the first seen): a surface must not repeat a resource's block ids."""
    seen: set[str] = set()
    out = []
    for resource in resources:
        if resource.short_id not in seen:
            seen.add(resource.short_id)
            out.append(resource)
    return out


def summary_line(resource: ResourceView, *, with_status: bool = True) -> Mrkdwn:
    """One line naming a resource for lists: id, what, where, who, when, and its thread when known."""
    r = resource
    facts = facts_text(r, SUMMARY_FACTS)
    parts = [
        Mrkdwn("{} {} {} {}").format(
            Mrkdwn(status_emoji(r.status)), code(r.short_id, 70), esc(label_of(r), 60), code(r.display_name, 80)
        ),
        *([facts] if facts else []),
        Mrkdwn("{}/{}").format(account(r, 40), code(r.region, 40)),
        Mrkdwn("found by {}").format("reconciliation" if r.source == "reconcile" else "a scan")
        if found_by_scan(r) else Mrkdwn("by {}").format(who(r.actor, r.actor_user_id, 80)),
        date(r.event_time, "{date_short} {time}"),
    ]
    if with_status:
        parts.append(Mrkdwn("_{}_").format(STATUS_WORDS[r.status]))
    if safe_url(r.thread_url):
        parts.append(link(r.thread_url, "thread"))
    return Mrkdwn(" · ").join(parts)


def pack_lines(
    lines: list[Mrkdwn], *, max_blocks: int, what: str, max_lines: int | None = None, total: int | None = None
) -> list[Payload]:
    """Lines packed into as few sections as fit Slack's 3000, within max_blocks and max_lines.

    A last line says how many of `total` (default: all the lines given) were left out.
    """
    if max_blocks < 1:
        raise ValueError("pack_lines needs room for at least one block")
    sections: list[list[Mrkdwn]] = [[]]
    size = 0
    shown = 0
    for line in lines[:max_lines]:
        line = clip_mrkdwn(line, 1_000)
        # Room for the newline, and for the "and N more" note that may have to follow.
        if sections[-1] and size + 1 + slack_len(line) > bk_limits.SECTION_TEXT - 60:
            if len(sections) == max_blocks:
                break
            sections.append([])
            size = 0
        size += slack_len(line) + 1
        sections[-1].append(line)
        shown += 1
    left = (len(lines) if total is None else max(total, len(lines))) - shown
    if left > 0:
        sections[-1].append(Mrkdwn(f"_…and {left} more {what}_"))
    return [bk.section(Mrkdwn("\n").join(chunk)) for chunk in sections if chunk]

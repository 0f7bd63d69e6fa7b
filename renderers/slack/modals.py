"""The Adopt, Delete and Ignore modals, the "loading" view they replace, the "working" views shown once one is
submitted, and the module options list.

A button's trigger_id is good for one views.open within three seconds, and loading a form reads state: so the
loading view opens first (it needs nothing but the trigger) and the form replaces it. The working views are drawn
from what the submission itself carries (the form and the modal's private_metadata), so they can go in the ack.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace

from renderers.hcl import hcl_identifier
from renderers.slack import blocks as bk
from renderers.slack import limits
from renderers.slack.blocks import Payload
from renderers.slack.ids import Action, Block, Callback
from renderers.slack.metadata import ModalMetadata, encode, is_thread_ts
from renderers.slack.resource import NAME, account, label_of, preview_section
from renderers.slack.text import (
    Mrkdwn,
    code,
    esc,
    is_channel_id,
    is_user_id,
    link,
    safe_url,
    slack_len,
    subteam,
    visible,
    who,
)
from renderers.slack.viewdata import (
    AdoptModalView,
    DeleteModalView,
    ErrorView,
    Expiry,
    IgnoreModalView,
    IgnoreScope,
    ModuleView,
    ResourceView,
)

TF_NAME_MAX = 64
PATTERN_MAX = 200
CONFIRM_PHRASE_MAX = 100
MODAL_PREVIEW_LINES = 40
MODAL_PREVIEW_CHARS = 2_800
# Terraform's identifier rule: a letter or underscore, then letters, digits, underscores and dashes.
TF_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_MODULE_VALUE = re.compile(r"[A-Za-z0-9_./:@+-]{1,150}\Z")

# Where an adoption puts its code: the generator names the files, so no file already there is ever edited.
_CODE_IN_MODULE = Mrkdwn(
    "The code goes in a new file, {}, in the folder of the chosen module; its `import` block goes in the root module."
)
_CODE_IN_ROOT = Mrkdwn("The code and its `import` block go in a new file, {}, in the root module.")

EXPIRY_LABELS = {Expiry.DAY: "1 day", Expiry.WEEK: "7 days", Expiry.MONTH: "30 days", Expiry.FOREVER: "Forever"}
# What anyone may ignore: this one resource, for a while. Wider scopes and "forever" are for tfsync admins.
NARROW_SCOPES = frozenset({IgnoreScope.RESOURCE})
NARROW_EXPIRIES = frozenset({Expiry.DAY, Expiry.WEEK, Expiry.MONTH})
_SCOPE_WORDS = {
    IgnoreScope.RESOURCE: "this resource",
    IgnoreScope.TYPE: "every resource of its type",
    IgnoreScope.ACTOR: "everything its creator makes",
    IgnoreScope.NAME: "names matching",
}


def is_broad(scope: IgnoreScope, expiry: Expiry) -> bool:
    """Whether an ignore rule reaches past one resource or never ends: a tfsync admin's decision."""
    return scope not in NARROW_SCOPES or expiry not in NARROW_EXPIRIES


def metadata_for(
    resource: ResourceView, record_version: int | None, confirm_phrase: str | None = None,
) -> ModalMetadata:
    """The modal's private_metadata: the resource, and its thread when the resource has a valid one."""
    has_thread = is_channel_id(resource.channel_id) and is_thread_ts(resource.thread_ts)
    return ModalMetadata(
        resource.short_id,
        resource.channel_id if has_thread else None,
        resource.thread_ts if has_thread else None,
        record_version,
        confirm_phrase,
    )


# Loading, and working once submitted.


def render_loading_modal(what: str) -> Payload:
    """What a button or a command opens at once with its trigger_id, while the form is loaded; `what` names it."""
    text = Mrkdwn(":hourglass_flowing_sand: Loading {}…").format(esc(what, 200))
    return bk.modal("tfsync", [bk.section(text)], Callback.LOADING_SHOW, close="Close")


def _working(title: str, text: Mrkdwn, callback: Callback, metadata: ModalMetadata) -> Payload:
    closing = Mrkdwn("\n\nEach step is posted in the resource's thread. You can close this window.")
    return bk.modal(title, [bk.section(text + closing)], callback, close="Close",
                    private_metadata=encode(replace(metadata, confirm_phrase=None)))


def _intro(resource: ResourceView, verb: str) -> Mrkdwn:
    return Mrkdwn("{} the {} {} in account {}, region {}.").format(
        verb, esc(label_of(resource), 100), code(resource.display_name, NAME), account(resource, 60),
        code(resource.region, 60),
    )


# Adopt.


def module_value(path: str) -> str:
    """The option value standing for a module: its path when short and plain, else a stable hash of it."""
    if _MODULE_VALUE.match(path) and not path.startswith("h:"):
        return path
    return "h:" + hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()


def module_option(module: ModuleView) -> Payload:
    if module.label:
        return bk.option(module.label, module_value(module.path), module.description or module.path)
    return bk.option(module.path or ".", module_value(module.path), module.description or None)


def distinct_modules(modules: Sequence[ModuleView]) -> list[ModuleView]:
    """Each module path once (the first seen): two options with one value would be ambiguous."""
    seen: set[str] = set()
    out = []
    for module in modules:
        value = module_value(module.path)
        if value not in seen:
            seen.add(value)
            out.append(module)
    return out


def render_module_options(modules: Sequence[ModuleView], query: str = "") -> Payload:
    """The response to the module external_select's options request: the first 100 modules matching `query`."""
    needle = query.strip().lower()
    matches = [m for m in distinct_modules(modules) if needle in m.path.lower() or needle in m.label.lower()]
    return {"options": [module_option(m) for m in matches[: limits.SELECT_OPTIONS]]}


def _module_input(view: AdoptModalView) -> Payload | None:
    modules = distinct_modules(view.modules)
    if not modules:
        return None
    default = next((m for m in modules if m.path == view.default_module), None)
    if len(modules) <= limits.SELECT_OPTIONS:
        options = [module_option(m) for m in modules]
        initial = module_option(default) if default else options[0]
        element = bk.static_select(Action.MODULE_SELECT, options, initial=initial, placeholder="Choose a module")
    else:
        element = bk.external_select(
            Action.MODULE_SELECT,
            min_query_length=view.min_query_length,
            initial=module_option(default) if default else None,
            placeholder="Type to search the modules",
        )
    return bk.input_block(
        "Target module", element, Block.MODULE_INPUT, hint="The Terraform module the code and its import block go in."
    )


def render_adopt_modal(view: AdoptModalView) -> Payload:
    """The Adopt form: Terraform resource name, target module, where the code goes, and a preview of the code."""
    r = view.resource
    # hcl_identifier uses its fallback verbatim, so the fallback is made an identifier first.
    fallback = hcl_identifier(r.tf_type.removeprefix("aws_"), fallback="resource")
    tf_name = hcl_identifier(view.tf_name or r.suggested_name, fallback=fallback)
    blocks: list[Payload | None] = [
        bk.section(
            _intro(r, "Adopt")
            + Mrkdwn(" tfsync writes the resource and an `import` block, then runs a plan that must show no change.")
        ),
        bk.input_block(
            "Terraform resource name",
            bk.plain_text_input(Action.TF_NAME_SET, initial_value=tf_name, max_length=TF_NAME_MAX),
            Block.TF_NAME_INPUT,
            hint="Letters, digits, underscores and dashes; starts with a letter or an underscore.",
        ),
        _module_input(view),
        bk.context((_CODE_IN_MODULE if view.modules else _CODE_IN_ROOT).format(code(f"{r.tf_type}.<name>.tf", NAME))),
        preview_section(r, max_lines=MODAL_PREVIEW_LINES, max_chars=MODAL_PREVIEW_CHARS),
    ]
    return bk.modal(
        "Adopt resource",
        [b for b in blocks if b is not None],
        Callback.ADOPTION_SUBMIT,
        submit="Adopt",
        private_metadata=encode(metadata_for(r, view.record_version)),
    )


def render_adopt_working(resource: ResourceView, tf_address: str, record_version: int | None = None) -> Payload:
    """What the Adopt modal turns into once submitted: the request is on its way; progress goes to the thread."""
    r = resource
    thread = link(r.thread_url, "the resource's thread") if safe_url(r.thread_url) else Mrkdwn("the resource's thread")
    text = Mrkdwn(
        ":hourglass_flowing_sand: Adopting the {} {} as {}. The code goes in a new file in the module's folder.\n\n"
        "Each step, and the file the code went to, is posted in {}. You can close this window."
    ).format(esc(label_of(r), 100), code(r.display_name, NAME), code(tf_address, NAME), thread)
    return bk.modal(
        "Adopt resource",
        [bk.section(text)],
        Callback.ADOPTION_WAIT,
        close="Close",
        private_metadata=encode(metadata_for(r, record_version)),
    )


def render_adopt_pending(
    metadata: ModalMetadata, tf_name: str, module_path: str | None, tf_address: str | None = None,
) -> Payload:
    """The Adopt form once submitted, drawn from the form alone (it goes in the ack); the full working view
    (render_adopt_working) replaces it once the resource is read. The address when it is known already."""
    if tf_address:
        target = Mrkdwn("as {}").format(code(tf_address, NAME))
    else:
        target = Mrkdwn("as {} in {}").format(code(tf_name, NAME), code(module_path or ".", NAME))
    text = Mrkdwn(":hourglass_flowing_sand: Adopting {} {}.").format(code(metadata.resource_id, 80), target)
    return _working("Adopt resource", text, Callback.ADOPTION_WAIT, metadata)


# Delete.


def render_delete_working(metadata: ModalMetadata) -> Payload:
    """The Delete form once submitted: tfsync checks again that no Terraform state manages it, then deletes it."""
    text = Mrkdwn(
        ":hourglass_flowing_sand: Deleting {}. tfsync first checks again that no Terraform state manages it; if one "
        "does, nothing is deleted."
    ).format(code(metadata.resource_id, 80))
    return _working("Delete resource", text, Callback.DELETION_WAIT, metadata)


def delete_confirmation_phrase(resource: ResourceView) -> str:
    """What a person types to confirm a delete: the name when it can be shown and typed as is, else the short id."""
    name = resource.name
    typable = (
        name
        and name == name.strip()
        and visible(name) == name
        and "`" not in name
        and slack_len(name) <= CONFIRM_PHRASE_MAX
    )
    return name if typable else resource.short_id


def _loss(resource: ResourceView) -> Mrkdwn:
    if resource.loses_data:
        return Mrkdwn(
            ":warning: *Its data is lost.* Deleting the {} destroys what it holds (objects, rows, records, volumes' "
            "contents), and that cannot be undone."
        ).format(esc(label_of(resource), 100))
    return Mrkdwn(
        "The {} itself. It holds no data that would be lost; its settings are gone unless you adopt it instead."
    ).format(esc(label_of(resource), 100))


def render_delete_modal(view: DeleteModalView) -> Payload:
    """The Delete form; when deleting loses data, the person types the resource's name. Non-admins get a refusal."""
    r = view.resource
    if not view.allowed:
        return _delete_refused(view, encode(metadata_for(r, view.record_version)))
    # The phrase travels in the form, so its submission is checked without reading state (see metadata.py).
    phrase = delete_confirmation_phrase(r) if r.loses_data else None
    metadata = encode(metadata_for(r, view.record_version, phrase))
    blocks: list[Payload] = [
        bk.section(_intro(r, "Delete")),
        bk.section(Mrkdwn("*What will be lost*\n") + _loss(r)),
        bk.context(
            Mrkdwn("Before deleting, tfsync checks again that no Terraform state manages it; if one does, nothing "
                   "is deleted.")
        ),
    ]
    if phrase is not None:
        what = "name" if phrase == r.name else "tfsync id"
        blocks.append(bk.section(Mrkdwn("To confirm, type the {} {} below.").format(what, code(phrase, 200))))
        blocks.append(
            bk.input_block(
                f"Type the {what} to confirm",
                bk.plain_text_input(
                    Action.CONFIRMATION_TYPE, max_length=limits.INPUT_VALUE, placeholder="Type it exactly"
                ),
                Block.CONFIRMATION_INPUT,
            )
        )
    return bk.modal(
        "Delete resource", blocks, Callback.DELETION_SUBMIT, submit="Delete", private_metadata=metadata
    )


def _delete_refused(view: DeleteModalView, metadata: str) -> Payload:
    admins = [Mrkdwn(f"<@{u}>") for u in view.admin_user_ids if is_user_id(u)][:10]
    group = subteam(view.admin_group_id or "")
    people = admins + ([Mrkdwn("members of ") + group] if group else [])
    ask = Mrkdwn(" Ask {}.").format(Mrkdwn(", ").join(people)) if people else Mrkdwn("")
    text = Mrkdwn(":no_entry: Only tfsync admins can delete resources.{} You can adopt or ignore the {} {}.").format(
        ask, esc(label_of(view.resource), 100), code(view.resource.display_name, NAME)
    )
    return bk.modal("Delete resource", [bk.section(text)], Callback.DELETION_REFUSE, close="Close",
                    private_metadata=metadata)


# Ignore.


def suggest_pattern(name: str) -> str:
    """A name pattern to start from: the name up to its last separator, then `*`; odd characters become `?`."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_./:") else "?" for c in name)
    cut = max(safe.rfind(sep) for sep in "-_./:")
    stem = safe[: cut + 1] if cut >= 3 else safe
    return stem[: PATTERN_MAX - 1] + "*" if stem else ""


def render_ignore_modal(view: IgnoreModalView) -> Payload:
    """The Ignore form: what to ignore (this resource, its type, its creator, a name pattern) and for how long.
    People who are not tfsync admins are offered this resource only, for at most 30 days."""
    r = view.resource
    scopes = [bk.md_option(Mrkdwn("*This resource*"), IgnoreScope.RESOURCE, code(r.display_name, 60))]
    if view.admin:
        scopes += [
            bk.md_option(Mrkdwn("*Every {}*").format(esc(label_of(r), 50)), IgnoreScope.TYPE, code(r.tf_type, 60)),
            bk.md_option(Mrkdwn("*Everything this principal creates*"), IgnoreScope.ACTOR, who(r.actor, None, 60)),
            bk.md_option(Mrkdwn("*Names matching a pattern*"), IgnoreScope.NAME, Mrkdwn("The pattern below")),
        ]
    expiries = [bk.md_option(Mrkdwn(EXPIRY_LABELS[e]), e) for e in Expiry if view.admin or e in NARROW_EXPIRIES]
    blocks: list[Payload] = [
        bk.section(
            _intro(r, "Ignore")
            + Mrkdwn(" Ignored resources get no thread and no buttons until the rule expires.")
        ),
        bk.input_block("Ignore", bk.radio_buttons(Action.SCOPE_CHOOSE, scopes, initial=scopes[0]), Block.SCOPE_INPUT),
    ]
    if view.admin:
        pattern = suggest_pattern(r.name)
        blocks.append(bk.input_block(
            "Name pattern",
            bk.plain_text_input(
                Action.PATTERN_SET, initial_value=pattern or None, max_length=PATTERN_MAX, placeholder="e.g. tmp-*"
            ),
            Block.PATTERN_INPUT,
            hint="Used only with “Names matching a pattern”. * matches anything, ? one character.",
            optional=True,
        ))
    blocks.append(
        bk.input_block("For", bk.radio_buttons(Action.EXPIRY_CHOOSE, expiries, initial=expiries[1]), Block.EXPIRY_INPUT)
    )
    if not view.admin:
        blocks.append(bk.context(Mrkdwn(
            "Ignoring a whole type, everything a principal creates or a name pattern, or ignoring for ever, is for "
            "tfsync admins."
        )))
    return bk.modal(
        "Ignore resource",
        blocks,
        Callback.IGNORE_RULE_SUBMIT,
        submit="Ignore",
        private_metadata=encode(metadata_for(r, view.record_version)),
    )


def render_ignore_working(
    metadata: ModalMetadata, scope: IgnoreScope, expiry: Expiry, pattern: str | None = None,
) -> Payload:
    """The Ignore form once submitted: the rule as chosen; its id is posted in the thread once it is stored."""
    what = Mrkdwn(_SCOPE_WORDS[scope])
    if scope is IgnoreScope.NAME:
        what = what + Mrkdwn(" ") + code(pattern or "", PATTERN_MAX + 2)
    how_long = Mrkdwn("for ever") if expiry is Expiry.FOREVER else Mrkdwn("for {}").format(EXPIRY_LABELS[expiry])
    text = Mrkdwn(":hourglass_flowing_sand: Ignoring {} ({}), {}.").format(
        what, code(metadata.resource_id, 80), how_long
    )
    return _working("Ignore resource", text, Callback.IGNORE_RULE_WAIT, metadata)


def render_error_modal(error: ErrorView, *, clear_on_close: bool = False) -> Payload:
    """A modal (or views.update of one) saying what went wrong, with the id to quote. Pushed on top of a modal
    that no longer tells the truth (a "working" view), it closes that one too (`clear_on_close`)."""
    text = Mrkdwn(":warning: {}\n\nError id {} — quote it when you ask for help.").format(
        esc(error.message, 2_000), code(error.error_id, 80)
    )
    return bk.modal(error.title, [bk.section(text)], Callback.ERROR_SHOW, close="Close", clear_on_close=clear_on_close)

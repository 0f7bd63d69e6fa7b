"""Reading the Adopt, Delete and Ignore modals back: typed forms from `view.state.values`, or per-field errors.

The inverse of renderers.slack.modals, kept beside it so block and action ids have one room. A FormError's
`errors` is what a view_submission listener acks with: `ack(response_action="errors", errors=exc.errors)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from renderers.slack.ids import Action, Block
from renderers.slack.metadata import ModalMetadata
from renderers.slack.modals import (
    PATTERN_MAX,
    TF_IDENTIFIER,
    TF_NAME_MAX,
    delete_confirmation_phrase,
    is_broad,
    module_value,
)
from renderers.slack.viewdata import Expiry, IgnoreScope, ModuleView, ResourceView


class FormError(ValueError):
    """A submission a person must correct; `errors` maps block_id to the message shown under that input."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True, slots=True)
class AdoptForm:
    tf_name: str
    module_path: str | None  # None when no modules are configured: the root module


@dataclass(frozen=True, slots=True)
class IgnoreForm:
    scope: IgnoreScope
    expiry: Expiry
    pattern: str | None  # only for IgnoreScope.NAME

    @property
    def broad(self) -> bool:
        """A rule past this one resource, or with no end: only tfsync admins may make it."""
        return is_broad(self.scope, self.expiry)


def _state(values: Mapping[str, Any], block: Block, action: Action) -> Mapping[str, Any]:
    item = values.get(str(block), {}).get(str(action), {}) if isinstance(values.get(str(block)), Mapping) else {}
    return item if isinstance(item, Mapping) else {}


def _text(values: Mapping[str, Any], block: Block, action: Action) -> str:
    value = _state(values, block, action).get("value")
    return value.strip() if isinstance(value, str) else ""


def _selected(values: Mapping[str, Any], block: Block, action: Action) -> str | None:
    option = _state(values, block, action).get("selected_option")
    value = option.get("value") if isinstance(option, Mapping) else None
    return value if isinstance(value, str) else None


def tf_name_error(name: str) -> str | None:
    if not name:
        return "Give the resource a name."
    if len(name) > TF_NAME_MAX:
        return f"Use at most {TF_NAME_MAX} characters."
    if not TF_IDENTIFIER.match(name):
        return "Use letters, digits, underscores and dashes, starting with a letter or an underscore."
    return None


def parse_adopt_form(values: Mapping[str, Any], modules: Sequence[ModuleView]) -> AdoptForm:
    errors: dict[str, str] = {}
    tf_name = _text(values, Block.TF_NAME_INPUT, Action.TF_NAME_SET)
    if problem := tf_name_error(tf_name):
        errors[Block.TF_NAME_INPUT] = problem
    module_path: str | None = None
    if modules:
        chosen = _selected(values, Block.MODULE_INPUT, Action.MODULE_SELECT)
        match = next((m for m in modules if chosen is not None and module_value(m.path) == chosen), None)
        if match is None:
            errors[Block.MODULE_INPUT] = "Choose one of the configured modules."
        else:
            module_path = match.path
    if errors:
        raise FormError(errors)
    return AdoptForm(tf_name=tf_name, module_path=module_path)


def check_delete_form(values: Mapping[str, Any], resource: ResourceView) -> None:
    """Nothing when the delete may go ahead; FormError when the typed confirmation does not match."""
    if not resource.loses_data:
        return
    phrase = delete_confirmation_phrase(resource)
    _check_phrase(values, phrase, "name" if phrase == resource.name else "tfsync id")


def check_delete_phrase(values: Mapping[str, Any], metadata: ModalMetadata) -> None:
    """check_delete_form from the submitted form alone: the phrase its private_metadata carries, if it asked for one.

    Pure, so a wrong phrase is answered in the ack, with the error under the input."""
    phrase = metadata.confirm_phrase
    if phrase is None:
        return
    _check_phrase(values, phrase, "tfsync id" if phrase == metadata.resource_id else "name")


def _check_phrase(values: Mapping[str, Any], phrase: str, what: str) -> None:
    typed = _text(values, Block.CONFIRMATION_INPUT, Action.CONFIRMATION_TYPE)
    if typed != phrase:
        raise FormError({Block.CONFIRMATION_INPUT: f"That is not the {what}; type it exactly to delete."})


def parse_ignore_form(values: Mapping[str, Any]) -> IgnoreForm:
    errors: dict[str, str] = {}
    scope_value = _selected(values, Block.SCOPE_INPUT, Action.SCOPE_CHOOSE)
    expiry_value = _selected(values, Block.EXPIRY_INPUT, Action.EXPIRY_CHOOSE)
    scope = IgnoreScope(scope_value) if scope_value in set(IgnoreScope) else None
    expiry = Expiry(expiry_value) if expiry_value in set(Expiry) else None
    if scope is None:
        errors[Block.SCOPE_INPUT] = "Choose what to ignore."
    if expiry is None:
        errors[Block.EXPIRY_INPUT] = "Choose for how long."
    pattern = _text(values, Block.PATTERN_INPUT, Action.PATTERN_SET) or None
    if scope is IgnoreScope.NAME:
        if not pattern:
            errors[Block.PATTERN_INPUT] = "Give the name pattern to ignore."
        elif len(pattern) > PATTERN_MAX:
            errors[Block.PATTERN_INPUT] = f"Use at most {PATTERN_MAX} characters."
        elif not pattern.strip("*?"):
            # A pattern of wildcards alone would silence every resource of every type.
            errors[Block.PATTERN_INPUT] = "The pattern must name something besides * and ?."
    if errors:
        raise FormError(errors)
    assert scope is not None and expiry is not None
    return IgnoreForm(scope=scope, expiry=expiry, pattern=pattern if scope is IgnoreScope.NAME else None)

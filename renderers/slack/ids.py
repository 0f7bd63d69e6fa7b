"""Every action_id, block_id and callback_id tfsync puts in a Slack payload, as `tfsync-<noun>-<verb>` constants.

Listeners register on these constants and renderers emit them, so a rename cannot leave a button without a handler.
Blocks that repeat on one surface (a resource's buttons on the App Home) take a constant prefix plus `scoped()`.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum


class Action(StrEnum):
    """action_id of every interactive element."""

    RESOURCE_ADOPT = "tfsync-resource-adopt"
    RESOURCE_DELETE = "tfsync-resource-delete"
    RESOURCE_IGNORE = "tfsync-resource-ignore"
    ADOPTION_RETRY = "tfsync-adoption-retry"
    DELETION_RETRY = "tfsync-deletion-retry"
    CONSOLE_OPEN = "tfsync-console-open"
    THREAD_OPEN = "tfsync-thread-open"
    JOB_OPEN = "tfsync-job-open"
    # Inputs in modals: read from view.state.values[Block.X][Action.Y] on submission.
    TF_NAME_SET = "tfsync-tf-name-set"
    MODULE_SELECT = "tfsync-module-select"  # also the action_id of the external_select options request
    CONFIRMATION_TYPE = "tfsync-confirmation-type"
    SCOPE_CHOOSE = "tfsync-scope-choose"
    PATTERN_SET = "tfsync-pattern-set"
    EXPIRY_CHOOSE = "tfsync-expiry-choose"
    # The confirm button of a `/tfsync bulk adopt|ignore` preview (handlers/actions/bulk_confirm.py).
    BULK_CONFIRM = "tfsync-bulk-confirm"
    # The App Home's filters and pages (handlers/home/).
    HOME_TYPE_CHOOSE = "tfsync-home-type-choose"
    HOME_ACCOUNT_CHOOSE = "tfsync-home-account-choose"
    HOME_REGION_CHOOSE = "tfsync-home-region-choose"
    HOME_SOURCE_CHOOSE = "tfsync-home-source-choose"
    HOME_NAME_SET = "tfsync-home-name-set"
    HOME_FILTERS_CLEAR = "tfsync-home-filters-clear"
    HOME_PAGE_PREVIOUS = "tfsync-home-page-previous"
    HOME_PAGE_NEXT = "tfsync-home-page-next"


class Block(StrEnum):
    """block_id of blocks a listener reads (inputs) or that must be unique on a surface (prefixes)."""

    TF_NAME_INPUT = "tfsync-tf-name-input"
    MODULE_INPUT = "tfsync-module-input"
    CONFIRMATION_INPUT = "tfsync-confirmation-input"
    SCOPE_INPUT = "tfsync-scope-input"
    PATTERN_INPUT = "tfsync-pattern-input"
    EXPIRY_INPUT = "tfsync-expiry-input"
    # Prefixes: one block per resource on a surface that shows several resources.
    RESOURCE_ACTIONS = "tfsync-resource-actions"
    STEP_ACTIONS = "tfsync-step-actions"
    # The App Home's filter bar and name input, in two spellings each: the block_id changes whenever the filters do,
    # so Slack's client shows what the new view says instead of keeping what was picked or typed in the old one.
    HOME_FILTERS_A = "tfsync-home-filters-a"
    HOME_FILTERS_B = "tfsync-home-filters-b"
    HOME_NAME_A = "tfsync-home-name-a"
    HOME_NAME_B = "tfsync-home-name-b"
    HOME_PAGES = "tfsync-home-pages"


class Callback(StrEnum):
    """callback_id of every view."""

    ADOPTION_SUBMIT = "tfsync-adoption-submit"
    ADOPTION_WAIT = "tfsync-adoption-wait"
    DELETION_SUBMIT = "tfsync-deletion-submit"
    DELETION_REFUSE = "tfsync-deletion-refuse"
    DELETION_WAIT = "tfsync-deletion-wait"
    IGNORE_RULE_SUBMIT = "tfsync-ignore-rule-submit"
    IGNORE_RULE_WAIT = "tfsync-ignore-rule-wait"
    # The modal opened with the trigger_id at once, replaced by the form (or a refusal) once it is loaded.
    LOADING_SHOW = "tfsync-loading-show"
    ERROR_SHOW = "tfsync-error-show"
    HOME_SHOW = "tfsync-home-show"


MAX_ID = 255
_SAFE_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")


def scoped(prefix: Block, key: str) -> str:
    """`prefix` plus a key (a short resource id), unique per key and always a short, safe block_id."""
    if not _SAFE_KEY.match(key):
        # Distinct keys stay distinct: anything outside the plain alphabet is replaced by its hash, never folded.
        key = "h" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{prefix}-{key}"

"""Slack surfaces as pure functions: view models in, Block Kit payloads (plain dicts, within Slack's limits) out.

Messages are `{"text", "blocks"}` dicts for chat.postMessage / chat.update / chat.postEphemeral; views are dicts for
views.open / views.update / views.publish. Every payload has passed `renderers.slack.limits.check`.
"""

from __future__ import annotations

from renderers.slack.commands import (
    render_conflict,
    render_error_message,
    render_help,
    render_list,
    render_not_found,
    render_rules,
    render_show,
    render_stats,
    render_unignored,
)
from renderers.slack.digest import group_burst, render_burst_digest, render_burst_group
from renderers.slack.forms import (
    AdoptForm,
    FormError,
    IgnoreForm,
    check_delete_form,
    check_delete_phrase,
    parse_adopt_form,
    parse_ignore_form,
)
from renderers.slack.home import render_home
from renderers.slack.ids import Action, Block, Callback
from renderers.slack.limits import LimitExceeded
from renderers.slack.metadata import MetadataError, ModalMetadata
from renderers.slack.metadata import parse as parse_metadata
from renderers.slack.modals import (
    render_adopt_modal,
    render_adopt_pending,
    render_adopt_working,
    render_delete_modal,
    render_delete_working,
    render_error_modal,
    render_ignore_modal,
    render_ignore_working,
    render_loading_modal,
    render_module_options,
)
from renderers.slack.resource import render_resource_message, render_step
from renderers.slack.scan import (
    render_bulk_preview,
    render_bulk_result,
    render_bulk_usage,
    render_scan_digest,
    render_scan_refused,
    render_scan_started,
)

__all__ = [
    "Action",
    "AdoptForm",
    "Block",
    "Callback",
    "FormError",
    "IgnoreForm",
    "LimitExceeded",
    "MetadataError",
    "ModalMetadata",
    "check_delete_form",
    "check_delete_phrase",
    "group_burst",
    "parse_adopt_form",
    "parse_ignore_form",
    "parse_metadata",
    "render_adopt_modal",
    "render_adopt_pending",
    "render_adopt_working",
    "render_bulk_preview",
    "render_bulk_result",
    "render_bulk_usage",
    "render_burst_digest",
    "render_burst_group",
    "render_conflict",
    "render_delete_modal",
    "render_delete_working",
    "render_error_message",
    "render_error_modal",
    "render_help",
    "render_home",
    "render_ignore_modal",
    "render_ignore_working",
    "render_list",
    "render_loading_modal",
    "render_module_options",
    "render_not_found",
    "render_resource_message",
    "render_rules",
    "render_scan_digest",
    "render_scan_refused",
    "render_scan_started",
    "render_show",
    "render_stats",
    "render_step",
    "render_unignored",
]

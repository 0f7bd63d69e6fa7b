"""PynamoDB models: the DynamoDB tables tfsync keeps its state in.

Table names are `<Settings.table_prefix><TABLE_SUFFIX>` and the endpoint comes from the settings; both are set
once at start-up by `bot.state.schema.configure`, before any call. `bot.state.schema` reads keys, indexes and TTL
from these classes, so they are declared here and nowhere else.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.constants import ALL_NEW, PAY_PER_REQUEST_BILLING_MODE
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

CONDITION_FAILED = "ConditionalCheckFailedException"


class StatusAgeIndex(GlobalSecondaryIndex["ResourceModel"]):
    """Records of one status, oldest detection first: the open-resource lists of the Slack surfaces."""

    class Meta:
        index_name = "status-age-index"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    detected_at = UTCDateTimeAttribute(range_key=True)


class SlackThreadIndex(GlobalSecondaryIndex["ResourceModel"]):
    """The record behind a Slack thread; sparse: only records that have a thread are in it."""

    class Meta:
        index_name = "slack-thread-index"
        projection = AllProjection()

    slack_channel = UnicodeAttribute(hash_key=True)
    slack_thread_ts = UnicodeAttribute(range_key=True)


class PendingIndex(GlobalSecondaryIndex["ResourceModel"]):
    """Records with a change Slack has not shown yet, the oldest due first; sparse: `notify_pending` is set only
    while one is pending, so the publisher (any replica, after any restart) finds what is left to show."""

    class Meta:
        index_name = "pending-index"
        projection = AllProjection()

    notify_pending = UnicodeAttribute(hash_key=True)
    notify_due = UTCDateTimeAttribute(range_key=True)


class ResourceModel(Model):
    """One resource a person created, from detection to adopted, deleted, ignored or gone."""

    TABLE_SUFFIX: ClassVar[str] = "resources"

    class Meta:
        table_name = "tfsync-resources"
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    # Short and stable: a hash of (account, region, type, import ID), see bot.state.records.resource_id. Import
    # IDs can be long ARNs; the key stays a few bytes and doubles as the id people quote in Slack.
    resource_id = UnicodeAttribute(hash_key=True)
    account_id = UnicodeAttribute()
    region = UnicodeAttribute()
    tf_type = UnicodeAttribute()
    import_id = UnicodeAttribute()  # "" while unknown: the record lacked it and the lookup failed (unresolved)
    unresolved = UnicodeAttribute(null=True)  # why the import ID is unknown, for the thread (bot/resolution.py)

    # The detection.
    name = UnicodeAttribute(default="")
    arn = UnicodeAttribute(default="")
    console_url = UnicodeAttribute(default="")
    actor = UnicodeAttribute(default="")
    suggested_name = UnicodeAttribute(default="")
    loses_data = BooleanAttribute(default=False)
    tags: MapAttribute[str, str] = MapAttribute(default=dict)
    event_id = UnicodeAttribute(default="")
    event_name = UnicodeAttribute(default="")
    event_time = UnicodeAttribute(default="")
    detected_at = UTCDateTimeAttribute()
    # Every CloudTrail event that reported this resource (a console retry, a second trail, a re-creation).
    event_ids = UnicodeSetAttribute(null=True)
    # What found it: an event ("event"), a scan someone ran ("scan"), or the scheduled reconciliation ("reconcile":
    # a resource no creation event reported); the scan that found it, and what the resource is (size facts), as
    # "label\x1fvalue" strings in the order people read them.
    source = UnicodeAttribute(default="event")
    scan_id = UnicodeAttribute(null=True)
    facts = ListAttribute(of=UnicodeAttribute, null=True)

    # The status machine: every change of status is one conditional write on (status, version).
    status = UnicodeAttribute()
    version = VersionAttribute()
    status_changed_at = UTCDateTimeAttribute()
    status_changed_by = UnicodeAttribute(default="")
    # CloudTrail time of the event behind the current status, so a late, older event cannot undo a newer one.
    status_event_time = UTCDateTimeAttribute(null=True)

    # Where the thread lives in Slack: the thread replies go to, and the message that shows the resource (the
    # thread's parent, or in a burst the group message inside the digest's thread).
    slack_channel = UnicodeAttribute(null=True)
    slack_thread_ts = UnicodeAttribute(null=True)
    slack_message_ts = UnicodeAttribute(null=True)
    # The last version whose message and step Slack has accepted, and the token of a post in flight (written before
    # the post, carried in its metadata, so a post Slack applied but never answered is found, not posted twice).
    slack_shown_version = NumberAttribute(null=True)
    slack_post_token = UnicodeAttribute(null=True)

    # What a person chose for adoption, and the adopt (or delete) job.
    tf_name = UnicodeAttribute(null=True)
    target_module = UnicodeAttribute(null=True)
    tf_file = UnicodeAttribute(null=True)
    job_runner = UnicodeAttribute(null=True)
    job_id = UnicodeAttribute(null=True)
    # The CodeBuild build running the job (project:uuid), stored once it starts: after a restart the sweeper
    # follows that build to its end rather than guess how it went.
    job_build_id = UnicodeAttribute(null=True)
    job_result = UnicodeAttribute(null=True)
    job_link = UnicodeAttribute(null=True)  # commit or pull request
    job_error = UnicodeAttribute(null=True)

    # Who works on an adopt or delete now, and until when: the worker renews it; past it, the sweeper ends the work
    # as failed (retryable), so no record stays adopting or deleting after its worker died.
    lease_owner = UnicodeAttribute(null=True)
    lease_until = UTCDateTimeAttribute(null=True)

    # While ignored: the scope chosen, until when, and the rule record it made (if any).
    ignore_scope = UnicodeAttribute(null=True)
    ignore_until = UTCDateTimeAttribute(null=True)
    ignore_rule_id = UnicodeAttribute(null=True)

    # A change not yet shown: its version and kind, the queue message whose work made it (for a notifier that shows
    # at once), and when it is due; `notify_pending` puts the record in the pending index until it is shown.
    notify_version = NumberAttribute(null=True)
    notify_kind = UnicodeAttribute(null=True)  # created, reopened, gone, reactivated, changed
    notify_owner = UnicodeAttribute(null=True)
    notify_due = UTCDateTimeAttribute(null=True)
    notify_pending = UnicodeAttribute(null=True)

    created_at = UTCDateTimeAttribute()

    by_status_age = StatusAgeIndex()
    by_slack_thread = SlackThreadIndex()
    by_pending = PendingIndex()


class AuditModel(Model):
    """One status transition of one resource: who, when, from, to, why. Query by resource_id for its history."""

    TABLE_SUFFIX: ClassVar[str] = "audit"

    class Meta:
        table_name = "tfsync-audit"
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    resource_id = UnicodeAttribute(hash_key=True)
    # The record's version after the transition: unique per resource and in the order things happened.
    version = NumberAttribute(range_key=True)
    at = UTCDateTimeAttribute()
    actor = UnicodeAttribute()
    from_status = UnicodeAttribute(default="")  # empty for the first detection
    to_status = UnicodeAttribute()
    reason = UnicodeAttribute(default="")
    event_id = UnicodeAttribute(null=True)


class DedupeModel(Model):
    """A marker that some input was handled: a CloudTrail event, a queue message, a malformed message's log line."""

    TABLE_SUFFIX: ClassVar[str] = "dedupe"

    class Meta:
        table_name = "tfsync-dedupe"
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    key = UnicodeAttribute(hash_key=True)  # "event:<eventID>", "message:<MessageId>", "malformed:<MessageId>"
    created_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()
    # Only on the "rules-generation" item (no expiry): bumped by every ignore-rule write, see bot/state/generation.py.
    generation = NumberAttribute(null=True)


class IgnoreRuleModel(Model):
    """A rule that keeps matching resources out of Slack: scope, optional expiry, who made it and why."""

    TABLE_SUFFIX: ClassVar[str] = "ignore-rules"

    class Meta:
        table_name = "tfsync-ignore-rules"
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    rule_id = UnicodeAttribute(hash_key=True)
    scope = UnicodeAttribute()  # resource, type, actor, name, tag
    resource_id = UnicodeAttribute(null=True)
    account_id = UnicodeAttribute(null=True)
    region = UnicodeAttribute(null=True)
    tf_type = UnicodeAttribute(null=True)
    name_pattern = UnicodeAttribute(null=True)
    actor = UnicodeAttribute(null=True)
    tag = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    reason = UnicodeAttribute(default="")
    # DynamoDB removes an expired rule by itself (within a day or two); reads treat it as gone at once.
    expires_at = TTLAttribute(null=True)


class ChannelModel(Model):
    """One Slack channel's posting state, shared by every replica: who posts into it now (a lease), when the next
    post may go (Slack's one message per second per channel), and the burst window with its digest message."""

    TABLE_SUFFIX: ClassVar[str] = "channels"

    class Meta:
        table_name = "tfsync-channels"
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    channel = UnicodeAttribute(hash_key=True)  # the channel id or name the routing rules give
    lease_owner = UnicodeAttribute(null=True)
    lease_until = UTCDateTimeAttribute(null=True)
    next_post_at = UTCDateTimeAttribute(null=True)
    # The burst window: when it opened and how many resources got a thread of their own in it.
    window_start = UTCDateTimeAttribute(null=True)
    window_posts = NumberAttribute(default=0)
    # The digest of the burst now open (its ts once posted, the token of its post in flight), and when it opened.
    digest_channel = UnicodeAttribute(null=True)  # the channel id Slack answered with
    digest_ts = UnicodeAttribute(null=True)
    digest_token = UnicodeAttribute(null=True)
    digest_started = UTCDateTimeAttribute(null=True)
    digest_count = NumberAttribute(default=0)


MODELS: tuple[type[Model], ...] = (ResourceModel, AuditModel, DedupeModel, IgnoreRuleModel, ChannelModel)


def conditional_update(model: type[Model], key: str, actions: list[Action], condition: Any) -> dict[str, Any] | None:
    """UpdateItem on `model`'s table when `condition` holds; the item's new attributes (raw), or None when it did not.

    Model.update adds one to a VersionAttribute and reads nothing back on a failed condition; the bookkeeping
    writes (a notification shown, a lease taken) need neither.
    """
    try:
        data = model._get_connection().update_item(key, actions=actions, condition=condition, return_values=ALL_NEW)
    except UpdateError as exc:
        if exc.cause_response_code == CONDITION_FAILED:
            return None
        raise
    attributes: dict[str, Any] = data["Attributes"]
    return attributes

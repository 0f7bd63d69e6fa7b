"""Making an Athena workgroup, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, ct_tags, pairs, slug


def create_athena_workgroup(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    group = slug(name, limit=128)
    # The console's defaults for a new workgroup: its settings enforced and its metrics published.
    output = f"s3://aws-athena-query-results-{ctx.account_id}-{ctx.region}/{group}/"
    config = {"ResultConfiguration": {"OutputLocation": output},
              "EnforceWorkGroupConfiguration": True, "PublishCloudWatchMetricsEnabled": True,
              "EngineVersion": {"SelectedEngineVersion": "AUTO"}}
    ctx.client("athena").create_work_group(Name=group, Configuration=config, **({"Tags": pairs(tags)} if tags else {}))
    return Call({"name": group, "configuration": {
                    "resultConfiguration": {"outputLocation": output},
                    "enforceWorkGroupConfiguration": True, "publishCloudWatchMetricsEnabled": True,
                    "engineVersion": {"selectedEngineVersion": "AUTO"}},
                 "tags": ct_tags(tags)},
                None,
                event_name="CreateWorkGroup")


CREATORS = {
    "aws_athena_workgroup": create_athena_workgroup,
}

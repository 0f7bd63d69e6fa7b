"""Making an OpenSearch domain, as the console's "Easy create" does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, ct_tags, pairs, slug

_ENGINE_VERSION = "OpenSearch_2.11"


def create_domain(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    domain = slug(name, limit=28)
    cluster = {"InstanceType": "t3.small.search", "InstanceCount": 1}
    ebs = {"EBSEnabled": True, "VolumeType": "gp3", "VolumeSize": 10}
    made = ctx.client("opensearch").create_domain(
        DomainName=domain, EngineVersion=_ENGINE_VERSION, ClusterConfig=cluster, EBSOptions=ebs,
        EncryptionAtRestOptions={"Enabled": True}, NodeToNodeEncryptionOptions={"Enabled": True},
        DomainEndpointOptions={"EnforceHTTPS": True}, TagList=pairs(tags),
    )["DomainStatus"]
    return Call({"domainName": domain, "engineVersion": _ENGINE_VERSION,
                 "clusterConfig": {"instanceType": "t3.small.search", "instanceCount": 1},
                 "eBSOptions": {"eBSEnabled": True, "volumeType": "gp3", "volumeSize": 10},
                 "encryptionAtRestOptions": {"enabled": True}, "nodeToNodeEncryptionOptions": {"enabled": True},
                 "domainEndpointOptions": {"enforceHTTPS": True}, "tagList": ct_tags(tags)},
                {"domainStatus": {"domainId": made["DomainId"], "domainName": domain, "aRN": made["ARN"],
                                  "engineVersion": _ENGINE_VERSION, "created": True, "deleted": False}},
                event_name="CreateDomain")


CREATORS = {
    "aws_opensearch_domain": create_domain,
}

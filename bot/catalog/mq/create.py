"""Making a small Amazon MQ broker, as the console's single-instance ActiveMQ setup does, and the CloudTrail record
of the call (CloudTrail hides each user's password as ***)."""

from __future__ import annotations

import secrets

from bot.catalog._create import Call, CreateContext, default_subnets, slug

_ENGINE_VERSION = "5.18"
_INSTANCE_TYPE = "mq.t3.micro"
_HIDDEN = "***"


def create_broker(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    broker = slug(name, limit=50)
    subnet = default_subnets(ctx)[0]["SubnetId"]
    # The password goes to Amazon MQ alone; nothing keeps it (the sandbox never connects to the broker).
    password = secrets.token_urlsafe(24).replace(",", "-")
    made = ctx.client("mq").create_broker(
        BrokerName=broker, EngineType="ACTIVEMQ", EngineVersion=_ENGINE_VERSION, HostInstanceType=_INSTANCE_TYPE,
        DeploymentMode="SINGLE_INSTANCE", PubliclyAccessible=False, AutoMinorVersionUpgrade=True,
        SubnetIds=[subnet], Users=[{"Username": "admin", "Password": password, "ConsoleAccess": True}],
        Tags=dict(tags),
    )
    return Call({"brokerName": broker, "engineType": "ACTIVEMQ", "engineVersion": _ENGINE_VERSION,
                 "hostInstanceType": _INSTANCE_TYPE, "deploymentMode": "SINGLE_INSTANCE",
                 "publiclyAccessible": False, "autoMinorVersionUpgrade": True, "subnetIds": [subnet],
                 "users": [{"username": "admin", "password": _HIDDEN, "consoleAccess": True}],
                 "tags": dict(tags)},
                {"brokerId": made["BrokerId"], "brokerArn": made["BrokerArn"]})


CREATORS = {
    "aws_mq_broker": create_broker,
}

"""Making an Application Load Balancer, a target group and a listener, as the console does, and the CloudTrail
records of the calls."""

from __future__ import annotations

from typing import Any

from bot.catalog._create import Call, CreateContext, ct_tags, default_subnets, pairs, slug

# The attributes AWS reports for every new Application Load Balancer. The embedded AWS reports only those set on
# it, and the provider reads a missing one as a change to make, so a new load balancer starts with AWS's values.
ALB_ATTRIBUTES = {
    "idle_timeout.timeout_seconds": "60",
    "client_keep_alive.seconds": "3600",
    "connection_logs.s3.enabled": "false",
    "connection_logs.s3.bucket": "",
    "connection_logs.s3.prefix": "",
    "routing.http2.enabled": "true",
    "routing.http.drop_invalid_header_fields.enabled": "false",
    "routing.http.desync_mitigation_mode": "defensive",
    "routing.http.preserve_host_header.enabled": "false",
    "routing.http.xff_header_processing.mode": "append",
    "routing.http.xff_client_port.enabled": "false",
    "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
    "waf.fail_open.enabled": "false",
    "zonal_shift.config.enabled": "false",
}


def create_load_balancer(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    lb_name = slug(name, limit=32)
    subnets = [s["SubnetId"] for s in default_subnets(ctx)[:2]]
    elbv2 = ctx.client("elbv2")
    made = elbv2.create_load_balancer(Name=lb_name, Subnets=subnets, Scheme="internal",
                                      **({"Tags": pairs(tags)} if tags else {}))["LoadBalancers"][0]
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=made["LoadBalancerArn"], Attributes=pairs(ALB_ATTRIBUTES))
    return Call({"name": lb_name, "subnets": subnets, "scheme": "internal", "type": "application",
                 "tags": ct_tags(tags)},
                {"loadBalancers": [{"loadBalancerArn": made["LoadBalancerArn"], "loadBalancerName": lb_name,
                                    "type": "application", "scheme": "internal"}]})


def _target_group(ctx: CreateContext, name: str, tags: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    vpc = default_subnets(ctx)[0]["VpcId"]
    request = {"name": name, "protocol": "HTTP", "port": 80, "vpcId": vpc, "targetType": "instance"}
    made = ctx.client("elbv2").create_target_group(
        Name=name, Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance",
        **({"Tags": pairs(tags)} if tags else {}),
    )["TargetGroups"][0]
    return request, made


def create_target_group(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    group_name = slug(name, limit=32)
    request, made = _target_group(ctx, group_name, tags)
    return Call({**request, "tags": ct_tags(tags)},
                {"targetGroups": [{"targetGroupArn": made["TargetGroupArn"], "targetGroupName": group_name,
                                   "protocol": "HTTP", "port": 80, "vpcId": request["vpcId"],
                                   "healthCheckProtocol": made.get("HealthCheckProtocol", "HTTP"),
                                   "healthCheckPort": made.get("HealthCheckPort", "traffic-port"),
                                   "targetType": "instance"}]})


def create_listener(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    # A listener belongs to a load balancer and forwards to a target group: both are made quietly first.
    base = slug(name, limit=28)
    lb = create_load_balancer(ctx, f"{base}-lb", {})
    lb_arn = lb.response["loadBalancers"][0]["loadBalancerArn"] if lb.response else ""
    _, group = _target_group(ctx, f"{base}-tg", {})
    action = {"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}
    made = ctx.client("elbv2").create_listener(
        LoadBalancerArn=lb_arn, Protocol="HTTP", Port=80, DefaultActions=[action],
        **({"Tags": pairs(tags)} if tags else {}),
    )["Listeners"][0]
    ct_action = {"type": "forward", "targetGroupArn": group["TargetGroupArn"]}
    return Call({"loadBalancerArn": lb_arn, "protocol": "HTTP", "port": 80, "defaultActions": [ct_action],
                 "tags": ct_tags(tags)},
                {"listeners": [{"listenerArn": made["ListenerArn"], "loadBalancerArn": lb_arn, "port": 80,
                                "protocol": "HTTP", "defaultActions": [ct_action]}]})


CREATORS = {
    "aws_lb": create_load_balancer,
    "aws_lb_target_group": create_target_group,
    "aws_lb_listener": create_listener,
}

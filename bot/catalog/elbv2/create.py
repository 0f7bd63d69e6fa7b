"""Making an Application Load Balancer, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

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


CREATORS = {
    "aws_lb": create_load_balancer,
}

"""Making a Classic Load Balancer, as the console does, and the CloudTrail record of the call (2012-06-01 API)."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, ct_tags, default_subnets, pairs, slug


def create_classic_load_balancer(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    lb_name = slug(name, limit=32)
    found = default_subnets(ctx)[:2]
    subnets = [s["SubnetId"] for s in found]
    # The console picks the VPC's default security group.
    groups = [g["GroupId"] for g in ctx.client("ec2").describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [found[0]["VpcId"]]}, {"Name": "group-name", "Values": ["default"]},
    ])["SecurityGroups"][:1]]
    listener = {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 80}
    elb = ctx.client("elb")
    made = elb.create_load_balancer(LoadBalancerName=lb_name, Listeners=[listener], Subnets=subnets,
                                    SecurityGroups=groups, **({"Tags": pairs(tags)} if tags else {}))
    # The console's wizard configures the health check in the same step (its defaults).
    elb.configure_health_check(LoadBalancerName=lb_name, HealthCheck={
        "Target": "HTTP:80/index.html", "Interval": 30, "Timeout": 5, "UnhealthyThreshold": 2, "HealthyThreshold": 10})
    # The console's defaults: cross-zone on, 60 s idle timeout, connection draining after 300 s, defensive mode.
    elb.modify_load_balancer_attributes(LoadBalancerName=lb_name, LoadBalancerAttributes={
        "CrossZoneLoadBalancing": {"Enabled": True}, "ConnectionSettings": {"IdleTimeout": 60},
        "ConnectionDraining": {"Enabled": True, "Timeout": 300},
        "AdditionalAttributes": [{"Key": "elb.http.desyncmitigationmode", "Value": "defensive"}],
    })
    request = {"loadBalancerName": lb_name, "subnets": subnets, "securityGroups": groups,
               "listeners": [{"protocol": "HTTP", "loadBalancerPort": 80, "instanceProtocol": "HTTP",
                              "instancePort": 80}]}
    if tags:
        request["tags"] = ct_tags(tags)
    return Call(request, {"dNSName": made.get("DNSName", "")})


CREATORS = {
    "aws_elb": create_classic_load_balancer,
}

"""Making an Auto Scaling group, as the console does, and the CloudTrail record of the call (responseElements is
null: CreateAutoScalingGroup answers with nothing)."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, CreateError, default_subnets, slug


def create_group(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    group_name = slug(name, limit=255)
    ec2 = ctx.client("ec2")
    images = ec2.describe_images(Owners=["amazon"])["Images"]
    if not images:
        raise CreateError("the account has no Amazon AMI to launch")
    ami = sorted(images, key=lambda i: i["ImageId"])[0]["ImageId"]
    # The launch template it launches from is made quietly first, as if it had been there.
    template = ec2.create_launch_template(LaunchTemplateName=f"{group_name}-template"[:128],
                                          LaunchTemplateData={"ImageId": ami, "InstanceType": "t3.micro"})
    template_id = template["LaunchTemplate"]["LaunchTemplateId"]
    subnets = ",".join(s["SubnetId"] for s in default_subnets(ctx)[:2])
    # Empty to begin with (desired 0), so the sandbox can delete it without terminating anything.
    ctx.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=group_name, LaunchTemplate={"LaunchTemplateId": template_id, "Version": "$Default"},
        MinSize=0, MaxSize=2, DesiredCapacity=0, VPCZoneIdentifier=subnets,
        Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in tags.items()],
    )
    return Call({"autoScalingGroupName": group_name,
                 "launchTemplate": {"launchTemplateId": template_id, "version": "$Default"},
                 "minSize": 0, "maxSize": 2, "desiredCapacity": 0, "vPCZoneIdentifier": subnets,
                 "tags": [{"key": k, "value": v, "propagateAtLaunch": True} for k, v in tags.items()]},
                None)


CREATORS = {
    "aws_autoscaling_group": create_group,
}

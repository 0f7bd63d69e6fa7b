"""IAM groups and instance profiles: made in moto as the console makes them, and whether one is gone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import ACCOUNT, Made, cloudtrail

Aws = Callable[..., Any]

_DOCUMENT = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}'
_TRUST = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},'
          ' "Action": "sts:AssumeRole"}]}')


def make_iam_group(aws: Aws) -> Made:
    iam = aws("iam")
    made = iam.create_group(GroupName="data-engineers", Path="/teams/")["Group"]
    policy = iam.create_policy(PolicyName="logs-read", PolicyDocument=_DOCUMENT)["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="data-engineers", PolicyArn=policy)
    iam.put_group_policy(GroupName="data-engineers", PolicyName="logs+write@team", PolicyDocument=_DOCUMENT)
    iam.create_user(UserName="dana")
    iam.add_user_to_group(GroupName="data-engineers", UserName="dana")
    record = cloudtrail("iam.amazonaws.com", "CreateGroup", {"groupName": "data-engineers", "path": "/teams/"},
                        {"group": {"path": "/teams/", "groupName": "data-engineers", "groupId": made["GroupId"],
                                   "arn": made["Arn"], "createDate": "Nov 29, 2026 12:00:00 PM"}})
    companions = {("aws_iam_group_policy_attachment", "_policy_1"): f"data-engineers/{policy}",
                  ("aws_iam_group_policy", "_inline_1"): "data-engineers:logs+write@team"}
    return Made(record, "data-engineers", {"name": "data-engineers", "path": "/teams/"}, companions)


def make_iam_instance_profile(aws: Aws) -> Made:
    iam = aws("iam")
    tags = {"team": "web", "Name": "web ${tier}"}
    made = iam.create_instance_profile(InstanceProfileName="web-nodes", Path="/ec2/",
                                       Tags=[{"Key": k, "Value": v} for k, v in tags.items()])["InstanceProfile"]
    iam.create_role(RoleName="web-node", AssumeRolePolicyDocument=_TRUST)
    iam.add_role_to_instance_profile(InstanceProfileName="web-nodes", RoleName="web-node")
    record = cloudtrail("iam.amazonaws.com", "CreateInstanceProfile",
                        {"instanceProfileName": "web-nodes", "path": "/ec2/",
                         "tags": [{"key": k, "value": v} for k, v in tags.items()]},
                        {"instanceProfile": {"path": "/ec2/", "instanceProfileName": "web-nodes",
                                             "instanceProfileId": made["InstanceProfileId"],
                                             "arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/ec2/web-nodes",
                                             "createDate": "Nov 29, 2026 12:00:00 PM", "roles": []}})
    return Made(record, "web-nodes", {"name": "web-nodes", "path": "/ec2/", "role": "web-node", "tags": tags})


def _gone(fn: Callable[[], Any]) -> bool:
    try:
        fn()
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "NoSuchEntity", exc.response
        return True
    return False


CASES = {"aws_iam_group": make_iam_group, "aws_iam_instance_profile": make_iam_instance_profile}
GONE = {
    "aws_iam_group": lambda aws, name: _gone(lambda: aws("iam").get_group(GroupName=name)),
    "aws_iam_instance_profile": lambda aws, name: _gone(
        lambda: aws("iam").get_instance_profile(InstanceProfileName=name)),
}

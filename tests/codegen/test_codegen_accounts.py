"""`codegen --describe` reads each resource in its own account: a role named `admin` in a member account is read
there, not its namesake in tfsync's own account; with no role in that account, nothing is read at all."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from bot.accounts import AccountAccess
from bot.cli import main
from bot.config import Settings
from tests.codegen.helpers import cloudtrail

A, B = "123456789012", "999999999999"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


@pytest.fixture
def event(tmp_path: Path, aws_env: dict[str, str]) -> Path:
    """`CreateRole admin`, made by hand in B; a role of that name in A and in B, told apart by description."""
    setup = AccountAccess(Settings.from_env({**aws_env, "TFSYNC_ACCOUNT_ID": A, "TFSYNC_ACCOUNT_ROLES": json.dumps(
        {B: f"arn:aws:iam::{B}:role/OrganizationAccountAccessRole"})}), purpose="test")
    for account in (A, B):
        setup.client(account, "iam").create_role(RoleName="admin", AssumeRolePolicyDocument=TRUST,
                                                 Description=f"the admin role of {account}")
    record: dict[str, Any] = cloudtrail("iam.amazonaws.com", "CreateRole",
                                        {"roleName": "admin", "assumeRolePolicyDocument": TRUST},
                                        {"role": {"roleName": "admin", "arn": f"arn:aws:iam::{B}:role/admin",
                                                  "path": "/", "roleId": "AROAEXAMPLE"}})
    record["recipientAccountId"] = B
    record["userIdentity"] = {**record["userIdentity"], "accountId": B, "arn": f"arn:aws:iam::{B}:user/alice"}
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"detail-type": "AWS API Call via CloudTrail", "detail": record}), encoding="utf-8")
    return path


def test_describe_reads_the_resource_in_its_own_account(event: Path, aws_env: dict[str, str]) -> None:
    env = {**aws_env, "TFSYNC_ACCOUNT_ID": A,
           "TFSYNC_ACCOUNT_ROLES": json.dumps({B: f"arn:aws:iam::{B}:role/tfsync-member"})}
    out = io.StringIO()

    assert main(["codegen", str(event), "--describe"], env=env, out=out) == 0

    assert f'description = "the admin role of {B}"' in out.getvalue()
    assert f"the admin role of {A}" not in out.getvalue()


def test_describe_without_a_role_in_the_account_reads_nothing(event: Path, aws_env: dict[str, str],
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()

    assert main(["codegen", str(event), "--describe"], env={**aws_env, "TFSYNC_ACCOUNT_ID": A}, out=out) == 1

    assert f"the admin role of {A}" not in out.getvalue()
    assert f"tfsync has no role in account {B}" in capsys.readouterr().err

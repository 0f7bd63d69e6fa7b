"""The listers of IAM, KMS, Route 53, CloudFront, ACM, S3 directory buckets, ECR Public, CloudWatch Logs, SSM
parameters and Secrets Manager: what AWS made by itself (or is deleting) is left out, each item is identified as
its creation record's resolver identifies it, and the facts say what it is. Moto serves most of them; what it does
not serve or cannot make (an AWS managed key, a zone Cloud Map runs, a secret RDS owns) is answered by botocore's
Stubber in the service model's shapes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.catalog import CATALOG, SCAN
from bot.catalog.base import LISTS_PER_ACCOUNT, LISTS_PER_REGION, Listed
from bot.events import CloudTrailRecord
from tests.codegen.cases.cloudfront import make_distribution
from tests.codegen.helpers import ACCOUNT, cloudtrail
from tests.scan.helpers import by_id, listed, listed_from, stubbed

Aws = Callable[..., Any]

_TRUST_EC2 = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


def assert_as_resolved(item: Listed, tf_type: str, source: str, event: str, request: dict[str, Any],
                       response: dict[str, Any] | None, region: str = "us-east-1") -> None:
    """The listed item is identified as the resolver identifies the same resource from its creation record."""
    [found] = [f for f in CATALOG[tf_type].resolve(CloudTrailRecord(cloudtrail(source, event, request, response,
                                                                              region), "t"))
               if f.import_id == item.import_id]
    assert (item.import_id, item.name, item.arn, item.console_url) == (
        found.import_id, found.name, found.arn, found.console_url)


def test_global_listers_run_once_per_account_and_the_rest_per_region() -> None:
    global_types = {"aws_iam_role", "aws_iam_user", "aws_iam_policy", "aws_iam_group", "aws_iam_instance_profile",
                    "aws_route53_zone", "aws_route53_record", "aws_cloudfront_distribution"}
    regional = {"aws_kms_key", "aws_kms_alias", "aws_acm_certificate", "aws_s3_directory_bucket",
                "aws_ecrpublic_repository", "aws_cloudwatch_log_group", "aws_ssm_parameter",
                "aws_secretsmanager_secret"}
    assert {t: SCAN[t].per for t in global_types} == dict.fromkeys(global_types, LISTS_PER_ACCOUNT)
    assert {t: SCAN[t].per for t in regional} == dict.fromkeys(regional, LISTS_PER_REGION)


# IAM


def test_roles_leave_out_service_linked_and_identity_center_roles(aws_client: Aws, aws_calls: Any) -> None:
    iam = aws_client("iam")
    iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")
    iam.create_role(RoleName="AWSReservedSSO_Admin_0123456789abcdef", Path="/aws-reserved/sso.amazonaws.com/",
                    AssumeRolePolicyDocument=json.dumps(_TRUST_EC2))
    iam.create_role(RoleName="web-node", AssumeRolePolicyDocument=json.dumps(_TRUST_EC2))
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole",
         "Principal": {"Service": ["lambda.amazonaws.com", "edgelambda.amazonaws.com"],
                       "AWS": [f"arn:aws:iam::{ACCOUNT}:root", "arn:aws:iam::210987654321:role/deployer"]}},
        {"Effect": "Deny", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}},
    ]}
    iam.create_role(RoleName="edge-fn", Path="/service-role/", AssumeRolePolicyDocument=json.dumps(trust))

    roles = by_id(listed(aws_calls, "aws_iam_role"))

    assert set(roles) == {"web-node", "edge-fn"}
    web = roles["web-node"]
    assert web.region == "us-east-1"
    assert web.facts == (("trusted by", "ec2.amazonaws.com"),)
    assert roles["edge-fn"].facts == (
        ("trusted by", f"lambda.amazonaws.com, edgelambda.amazonaws.com, {ACCOUNT} +1 more"),
        ("path", "/service-role/"),
    )
    assert_as_resolved(roles["edge-fn"], "aws_iam_role", "iam.amazonaws.com", "CreateRole",
                       {"roleName": "edge-fn", "path": "/service-role/"},
                       {"role": {"roleName": "edge-fn", "arn": f"arn:aws:iam::{ACCOUNT}:role/service-role/edge-fn"}})


def test_policies_are_the_customer_managed_ones_with_their_attachments(aws_client: Aws, aws_calls: Any) -> None:
    iam = aws_client("iam")
    made = iam.create_policy(PolicyName="read-objects", Path="/app/", PolicyDocument=json.dumps(_POLICY))
    arn = made["Policy"]["Arn"]
    iam.create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps(_TRUST_EC2))
    iam.attach_role_policy(RoleName="reader", PolicyArn=arn)

    [policy] = listed(aws_calls, "aws_iam_policy")

    assert policy.import_id == arn == f"arn:aws:iam::{ACCOUNT}:policy/app/read-objects"
    assert policy.facts == (("attachments", "1"), ("path", "/app/"))
    assert policy.region == "us-east-1"
    assert_as_resolved(policy, "aws_iam_policy", "iam.amazonaws.com", "CreatePolicy",
                       {"policyName": "read-objects", "path": "/app/"}, {"policy": {"arn": arn}})


def test_aws_managed_policies_are_never_asked_for(aws_calls: Any) -> None:
    # moto here loads no AWS managed policies, so the answer is stubbed: only Scope=Local is asked, page by page.
    client, stub = stubbed(aws_calls, "iam", "aws_iam_policy")

    def policy(name: str) -> dict[str, Any]:
        return {"PolicyName": name, "PolicyId": f"ANPA{name.upper()}00000000000000", "Path": "/",
                "Arn": f"arn:aws:iam::{ACCOUNT}:policy/{name}", "AttachmentCount": 0}

    stub.add_response("list_policies", {"Policies": [policy("a")], "IsTruncated": True, "Marker": "m"},
                      {"Scope": "Local"})
    stub.add_response("list_policies", {"Policies": [policy("b")], "IsTruncated": False},
                      {"Scope": "Local", "Marker": "m"})
    with stub:
        policies = listed_from(client, "aws_iam_policy")
    stub.assert_no_pending_responses()
    assert [(p.name, p.facts) for p in policies] == [("a", (("attachments", "0"),)), ("b", (("attachments", "0"),))]


def test_users_groups_and_instance_profiles_with_their_facts(aws_client: Aws, aws_calls: Any) -> None:
    iam = aws_client("iam")
    iam.create_user(UserName="ci-bot", Path="/robots/")
    iam.create_user(UserName="dana")
    iam.create_group(GroupName="data-engineers", Path="/teams/")
    iam.create_group(GroupName="admins")
    iam.create_role(RoleName="web-node", AssumeRolePolicyDocument=json.dumps(_TRUST_EC2))
    iam.create_instance_profile(InstanceProfileName="web-nodes", Path="/ec2/",
                                Tags=[{"Key": "team", "Value": "web"}])
    iam.add_role_to_instance_profile(InstanceProfileName="web-nodes", RoleName="web-node")
    iam.create_instance_profile(InstanceProfileName="spare")

    users = by_id(listed(aws_calls, "aws_iam_user"))
    groups = by_id(listed(aws_calls, "aws_iam_group"))
    profiles = by_id(listed(aws_calls, "aws_iam_instance_profile"))

    assert {k: v.facts for k, v in users.items()} == {"ci-bot": (("path", "/robots/"),), "dana": ()}
    assert {k: v.facts for k, v in groups.items()} == {"data-engineers": (("path", "/teams/"),), "admins": ()}
    assert {k: v.facts for k, v in profiles.items()} == {
        "web-nodes": (("role", "web-node"), ("path", "/ec2/")), "spare": (("role", "none"),)}
    assert {item.region for item in [*users.values(), *groups.values(), *profiles.values()]} == {"us-east-1"}
    assert_as_resolved(users["ci-bot"], "aws_iam_user", "iam.amazonaws.com", "CreateUser",
                       {"userName": "ci-bot", "path": "/robots/"}, None)
    assert_as_resolved(groups["data-engineers"], "aws_iam_group", "iam.amazonaws.com", "CreateGroup",
                       {"groupName": "data-engineers", "path": "/teams/"}, None)
    assert_as_resolved(profiles["web-nodes"], "aws_iam_instance_profile", "iam.amazonaws.com",
                       "CreateInstanceProfile", {"instanceProfileName": "web-nodes", "path": "/ec2/"}, None)


def test_a_password_last_used_is_a_fact(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "iam", "aws_iam_user")
    stub.add_response("list_users", {"Users": [
        {"Path": "/", "UserName": "alice", "UserId": "AIDAEXAMPLEALICE0001",
         "Arn": f"arn:aws:iam::{ACCOUNT}:user/alice", "CreateDate": datetime(2024, 1, 2, tzinfo=UTC),
         "PasswordLastUsed": datetime(2025, 3, 4, 5, 6, tzinfo=UTC)},
    ], "IsTruncated": False}, {})
    with stub:
        [user] = listed_from(client, "aws_iam_user")
    stub.assert_no_pending_responses()
    assert user.facts == (("password last used", "2025-03-04"),)


# KMS


def test_keys_leave_out_keys_pending_deletion_and_replicas(aws_client: Aws, aws_calls: Any) -> None:
    kms = aws_client("kms")
    backups = kms.create_key(Description="Backups", KeyUsage="ENCRYPT_DECRYPT",
                             KeySpec="SYMMETRIC_DEFAULT")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/backups", TargetKeyId=backups)
    signing = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="ECC_NIST_P256")["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=signing)
    leaving = kms.create_key(Description="old")["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=leaving, PendingWindowInDays=7)
    primary = kms.create_key(Description="global", MultiRegion=True)["KeyMetadata"]["KeyId"]
    kms.replicate_key(KeyId=primary, ReplicaRegion="eu-west-1")

    keys = by_id(listed(aws_calls, "aws_kms_key"))

    assert set(keys) == {backups, signing, primary}
    assert keys[backups].facts == (("alias", "alias/backups"), ("description", "Backups"),
                                   ("spec", "SYMMETRIC_DEFAULT"), ("usage", "ENCRYPT_DECRYPT"))
    assert ("state", "Disabled") in keys[signing].facts
    assert ("spec", "ECC_NIST_P256") in keys[signing].facts
    assert ("multi-Region", "primary") in keys[primary].facts
    # The replica in eu-west-1 is an aws_kms_replica_key, made by ReplicateKey: not a key to list there.
    assert listed(aws_calls, "aws_kms_key", "eu-west-1") == []
    assert_as_resolved(keys[backups], "aws_kms_key", "kms.amazonaws.com", "CreateKey", {},
                       {"keyMetadata": {"keyId": backups}})


def test_aws_managed_keys_and_a_key_deleted_since_the_listing_are_left_out(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "kms", "aws_kms_key")
    managed, gone, mine = "0a1b2c3d-0000-4000-8000-000000000001", "0a1b2c3d-0000-4000-8000-000000000002", \
        "0a1b2c3d-0000-4000-8000-000000000003"

    def metadata(key_id: str, manager: str) -> dict[str, Any]:
        return {"KeyMetadata": {"KeyId": key_id, "Arn": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key_id}",
                                "KeyManager": manager, "KeyState": "Enabled", "Enabled": True,
                                "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT"}}

    stub.add_response("list_aliases", {"Aliases": [
        {"AliasName": "alias/aws/s3", "AliasArn": f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/aws/s3",
         "TargetKeyId": managed}], "Truncated": False}, {})
    stub.add_response("list_keys", {"Keys": [{"KeyId": managed}, {"KeyId": gone}], "Truncated": True,
                                     "NextMarker": "page-2"}, {})
    stub.add_response("describe_key", metadata(managed, "AWS"), {"KeyId": managed})
    stub.add_client_error("describe_key", "NotFoundException", expected_params={"KeyId": gone})
    stub.add_response("list_keys", {"Keys": [{"KeyId": mine}], "Truncated": False}, {"Marker": "page-2"})
    stub.add_response("describe_key", metadata(mine, "CUSTOMER"), {"KeyId": mine})
    with stub:
        keys = listed_from(client, "aws_kms_key")
    stub.assert_no_pending_responses()
    assert [key.import_id for key in keys] == [mine]


def test_aliases_leave_out_the_aws_managed_aliases(aws_client: Aws, aws_calls: Any) -> None:
    kms = aws_client("kms")
    # moto, as AWS, lists alias/aws/... for the AWS managed keys of every service.
    assert any(a["AliasName"].startswith("alias/aws/") for a in kms.list_aliases()["Aliases"])
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/orders/data-prod", TargetKeyId=key)

    [alias] = listed(aws_calls, "aws_kms_alias")

    assert (alias.import_id, alias.facts) == ("alias/orders/data-prod", (("key", key),))
    assert_as_resolved(alias, "aws_kms_alias", "kms.amazonaws.com", "CreateAlias",
                       {"aliasName": "alias/orders/data-prod", "targetKeyId": key}, None)


# Route 53


def _change(zone: str, *record_sets: dict[str, Any]) -> dict[str, Any]:
    return {"HostedZoneId": zone, "ChangeBatch": {"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": record_set} for record_set in record_sets]}}


def test_record_sets_leave_out_every_zones_apex_ns_and_soa(aws_client: Aws, aws_calls: Any) -> None:
    route53 = aws_client("route53")
    public = route53.create_hosted_zone(Name="example.com", CallerReference="p")["HostedZone"]["Id"].split("/")[-1]
    vpc = aws_client("ec2").create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    private = route53.create_hosted_zone(Name="internal.example", CallerReference="i",
                                         VPC={"VPCRegion": "us-east-1", "VPCId": vpc},
                                         HostedZoneConfig={"PrivateZone": True})["HostedZone"]["Id"].split("/")[-1]
    route53.change_resource_record_sets(**_change(
        public,
        {"Name": "www.example.com.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]},
        {"Name": "*.example.com.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.11"}]},
        {"Name": "cdn.example.com.", "Type": "A", "AliasTarget": {
            "HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "d111111abcdef8.cloudfront.net.",
            "EvaluateTargetHealth": False}},
        # A delegation is made by a person: only the apex NS set is the zone's own.
        {"Name": "dev.example.com.", "Type": "NS", "TTL": 3600, "ResourceRecords": [{"Value": "ns-1.example.net."}]},
    ))
    route53.change_resource_record_sets(**_change(
        private, {"Name": "db.internal.example.", "Type": "CNAME", "TTL": 30,
                  "ResourceRecords": [{"Value": "db-1.internal.example"}]}))

    records = by_id(listed(aws_calls, "aws_route53_record"))
    zones = by_id(listed(aws_calls, "aws_route53_zone"))

    assert set(records) == {f"{public}_www.example.com_A", f"{public}_*.example.com_A",
                            f"{public}_cdn.example.com_A", f"{public}_dev.example.com_NS",
                            f"{private}_db.internal.example_CNAME"}
    www = records[f"{public}_www.example.com_A"]
    assert www.facts == (("type", "A"), ("TTL", "300 s"), ("values", "192.0.2.10"))
    assert (www.name, www.arn, www.region) == ("www.example.com A", "", "us-east-1")
    assert records[f"{public}_cdn.example.com_A"].facts == (("type", "A"),
                                                            ("alias of", "d111111abcdef8.cloudfront.net"))
    assert_as_resolved(www, "aws_route53_record", "route53.amazonaws.com", "ChangeResourceRecordSets",
                       {"hostedZoneId": public, "changeBatch": {"changes": [{"action": "CREATE", "resourceRecordSet": {
                           "name": "www.example.com.", "type": "A", "tTL": 300}}]}}, None)
    assert zones[public].facts == (("type", "public"), ("record sets", "6"))
    assert zones[private].facts == (("type", "private"), ("record sets", "3"))
    assert (zones[private].name, zones[private].region) == ("internal.example", "us-east-1")
    assert_as_resolved(zones[public], "aws_route53_zone", "route53.amazonaws.com", "CreateHostedZone",
                       {"name": "example.com", "callerReference": "p"},
                       {"hostedZone": {"id": f"/hostedzone/{public}", "name": "example.com."}})


def test_zones_cloud_map_runs_are_left_out_and_escaped_names_match_the_resolver(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "route53", "aws_route53_record")
    zones = {"HostedZones": [
        {"Id": "/hostedzone/ZCLOUDMAP", "Name": "svc.local.", "CallerReference": "c", "ResourceRecordSetCount": 3,
         "Config": {"PrivateZone": True},
         "LinkedService": {"ServicePrincipal": "servicediscovery.amazonaws.com", "Description": "ns-abc"}},
        {"Id": "/hostedzone/ZMINE", "Name": "example.com.", "CallerReference": "m", "ResourceRecordSetCount": 4,
         "Config": {"PrivateZone": False}},
    ], "Marker": "", "IsTruncated": False, "MaxItems": "100"}
    stub.add_response("list_hosted_zones", zones, {})
    stub.add_response("list_resource_record_sets", {"ResourceRecordSets": [
        {"Name": "example.com.", "Type": "SOA", "TTL": 900, "ResourceRecords": [{"Value": "ns-1. hostmaster. 1"}]},
        {"Name": "example.com.", "Type": "NS", "TTL": 172800, "ResourceRecords": [{"Value": "ns-1."}]},
        {"Name": "\\052.example.com.", "Type": "CNAME", "TTL": 60, "SetIdentifier": "eu", "Region": "eu-west-1",
         "ResourceRecords": [{"Value": "eu.example.net"}]},
    ], "IsTruncated": True, "MaxItems": "300", "NextRecordName": "Example.com.", "NextRecordType": "TXT"},
        {"HostedZoneId": "ZMINE"})
    stub.add_response("list_resource_record_sets", {"ResourceRecordSets": [
        {"Name": "example.com.", "Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": '"v=' + "x" * 100 + '"'}]},
    ], "IsTruncated": False, "MaxItems": "300"},
        {"HostedZoneId": "ZMINE", "StartRecordName": "Example.com.", "StartRecordType": "TXT"})
    with stub:
        records = by_id(listed_from(client, "aws_route53_record"))
    stub.assert_no_pending_responses()

    assert set(records) == {"ZMINE_*.example.com_CNAME_eu", "ZMINE_example.com_TXT"}
    wildcard = records["ZMINE_*.example.com_CNAME_eu"]
    assert wildcard.facts == (("type", "CNAME"), ("TTL", "60 s"), ("values", "eu.example.net"),
                              ("routing", "latency eu-west-1"))
    assert_as_resolved(wildcard, "aws_route53_record", "route53.amazonaws.com", "ChangeResourceRecordSets",
                       {"hostedZoneId": "ZMINE", "changeBatch": {"changes": [{"action": "UPSERT", "resourceRecordSet": {
                           "name": "*.example.com", "type": "CNAME", "setIdentifier": "eu"}}]}}, None)
    [values] = [value for label, value in records["ZMINE_example.com_TXT"].facts if label == "values"]
    assert len(values) == 80 and values.endswith("…")

    client, stub = stubbed(aws_calls, "route53", "aws_route53_zone")
    stub.add_response("list_hosted_zones", zones, {})
    with stub:
        assert [zone.import_id for zone in listed_from(client, "aws_route53_zone")] == ["ZMINE"]
    stub.assert_no_pending_responses()


# CloudFront


def test_distributions_with_their_facts(aws_client: Aws, aws_calls: Any) -> None:
    made = make_distribution(aws_client)

    [distribution] = listed(aws_calls, "aws_cloudfront_distribution")

    assert distribution.import_id == made.import_id
    assert distribution.region == "us-east-1"
    domain = distribution.name
    assert domain.endswith(".cloudfront.net")
    facts = dict(distribution.facts)
    assert facts["state"] == "enabled"
    assert facts["domain"] == domain
    assert facts["origins"] == "shop-assets.s3.us-east-1.amazonaws.com, api.shop.example.com"
    assert facts["price class"] == "PriceClass_100"
    assert_as_resolved(distribution, "aws_cloudfront_distribution", "cloudfront.amazonaws.com",
                       "CreateDistributionWithTags", made.record["requestParameters"],
                       made.record["responseElements"])


# ACM


def test_certificates_with_their_facts(aws_client: Aws, aws_calls: Any) -> None:
    arn = aws_client("acm").request_certificate(DomainName="shop.example.com", ValidationMethod="DNS")["CertificateArn"]

    [certificate] = listed(aws_calls, "aws_acm_certificate")

    facts = dict(certificate.facts)
    assert (facts["domain"], facts["status"], facts["type"], facts["in use"]) == (
        "shop.example.com", "PENDING_VALIDATION", "AMAZON_ISSUED", "no")
    assert certificate.loses_data is False
    assert_as_resolved(certificate, "aws_acm_certificate", "acm.amazonaws.com", "RequestCertificate",
                       {"domainName": "shop.example.com"}, {"certificateArn": arn})


def test_certificates_of_every_key_type_less_those_cloudfront_manages(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "acm", "aws_acm_certificate")
    every_type = {"Includes": {"keyTypes": ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1",
                                            "EC_secp384r1", "EC_secp521r1"]}}

    def arn(n: int) -> str:
        return f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/00000000-0000-4000-8000-00000000000{n}"

    stub.add_response("list_certificates", {"CertificateSummaryList": [
        {"CertificateArn": arn(1), "DomainName": "shop.example.com", "ManagedBy": "CLOUDFRONT", "Status": "ISSUED"},
        {"CertificateArn": arn(2), "DomainName": "api.example.com", "Type": "IMPORTED", "Status": "ISSUED",
         "KeyAlgorithm": "EC-secp384r1", "InUse": True, "NotAfter": datetime(2027, 1, 31, 23, tzinfo=UTC)},
    ], "NextToken": "t2"}, every_type)
    stub.add_response("list_certificates", {"CertificateSummaryList": [
        {"CertificateArn": arn(3), "DomainName": "www.example.com", "Type": "AMAZON_ISSUED", "Status": "EXPIRED"},
    ]}, {**every_type, "NextToken": "t2"})
    with stub:
        certificates = by_id(listed_from(client, "aws_acm_certificate"))
    stub.assert_no_pending_responses()

    assert set(certificates) == {arn(2), arn(3)}
    imported = certificates[arn(2)]
    assert imported.loses_data is True
    assert imported.facts == (("domain", "api.example.com"), ("status", "ISSUED"), ("type", "IMPORTED"),
                              ("key", "EC-secp384r1"), ("in use", "yes"), ("expires", "2027-01-31"))
    assert certificates[arn(3)].loses_data is False


# S3 directory buckets and ECR Public (moto serves neither)


def test_directory_buckets_page_by_page_each_in_its_own_region(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "s3", "aws_s3_directory_bucket", "us-west-2")
    stub.add_response("list_directory_buckets", {"Buckets": [
        {"Name": "logs--usw2-az1--x-s3", "BucketRegion": "us-west-2",
         "BucketArn": f"arn:aws:s3express:us-west-2:{ACCOUNT}:bucket/logs--usw2-az1--x-s3"},
        {"Name": "far--use1-az4--x-s3", "BucketRegion": "us-east-1"},
    ], "ContinuationToken": "next"}, {})
    stub.add_response("list_directory_buckets", {"Buckets": [{"Name": "tmp--usw2-az3--x-s3"}]},
                      {"ContinuationToken": "next"})
    with stub:
        buckets = by_id(listed_from(client, "aws_s3_directory_bucket", "us-west-2"))
    stub.assert_no_pending_responses()

    assert set(buckets) == {"logs--usw2-az1--x-s3", "tmp--usw2-az3--x-s3"}
    assert buckets["logs--usw2-az1--x-s3"].facts == (("zone", "usw2-az1"),)
    for name, item in buckets.items():
        assert_as_resolved(item, "aws_s3_directory_bucket", "s3express.amazonaws.com", "CreateBucket",
                           {"bucketName": name}, None, "us-west-2")


def test_public_repositories_are_listed_in_us_east_1_only(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "ecr-public", "aws_ecrpublic_repository")

    def repository(name: str) -> dict[str, Any]:
        return {"repositoryArn": f"arn:aws:ecr-public::{ACCOUNT}:repository/{name}", "registryId": ACCOUNT,
                "repositoryName": name, "repositoryUri": f"public.ecr.aws/a1b2c3d4/{name}"}

    stub.add_response("describe_repositories", {"repositories": [repository("tools")], "nextToken": "n"}, {})
    stub.add_response("describe_repositories", {"repositories": [repository("base")]}, {"nextToken": "n"})
    with stub:
        repositories = by_id(listed_from(client, "aws_ecrpublic_repository"))
        # Elsewhere nothing is asked: ECR Public has no endpoint there.
        assert listed_from(client, "aws_ecrpublic_repository", "eu-west-1") == []
    stub.assert_no_pending_responses()

    assert set(repositories) == {"tools", "base"}
    assert repositories["tools"].facts == (("URI", "public.ecr.aws/a1b2c3d4/tools"),)
    assert_as_resolved(repositories["tools"], "aws_ecrpublic_repository", "ecr-public.amazonaws.com",
                       "CreateRepository", {"repositoryName": "tools"}, None)


# CloudWatch Logs


def test_log_groups_leave_out_those_services_make(aws_client: Aws, aws_calls: Any) -> None:
    logs = aws_client("logs")
    made_by_people = ["/app/web", "/aws/vendedlogs/states/checkout-Logs", "/aws/events/orders",
                      "/aws/route53/example.com", "aws-waf-logs-shop", "/ecs/web"]
    made_by_services = ["/aws/lambda/resize", "/aws/codebuild/site", "/aws/rds/instance/db-1/postgresql",
                        "/aws/eks/main/cluster", "/aws/apigateway/welcome", "API-Gateway-Execution-Logs_a1b2c3/prod",
                        "RDSOSMetrics", "/aws-glue/jobs/output"]
    for name in made_by_people + made_by_services:
        logs.create_log_group(logGroupName=name)
    logs.put_retention_policy(logGroupName="/app/web", retentionInDays=30)

    groups = by_id(listed(aws_calls, "aws_cloudwatch_log_group"))

    assert set(groups) == set(made_by_people)
    assert groups["/app/web"].facts == (("retention", "30 days"), ("stored", "0 B"))
    assert groups["/ecs/web"].facts == (("retention", "never expires"), ("stored", "0 B"))
    assert_as_resolved(groups["/app/web"], "aws_cloudwatch_log_group", "logs.amazonaws.com", "CreateLogGroup",
                       {"logGroupName": "/app/web"}, None)


def test_log_group_sizes_and_class_are_facts(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "logs", "aws_cloudwatch_log_group")
    stub.add_response("describe_log_groups", {"logGroups": [
        {"logGroupName": "/app/audit", "retentionInDays": 3653, "storedBytes": 5 * 1024**3 + 512 * 1024**2,
         "logGroupClass": "INFREQUENT_ACCESS"},
        {"logGroupName": "/app/tiny", "storedBytes": 1536},
    ]}, {})
    with stub:
        groups = by_id(listed_from(client, "aws_cloudwatch_log_group"))
    stub.assert_no_pending_responses()
    assert groups["/app/audit"].facts == (("retention", "3653 days"), ("stored", "5.5 GiB"),
                                          ("class", "INFREQUENT_ACCESS"))
    assert groups["/app/tiny"].facts == (("retention", "never expires"), ("stored", "1.5 KiB"))


# SSM parameters


def test_parameters_with_their_type_and_tier(aws_client: Aws, aws_calls: Any) -> None:
    ssm = aws_client("ssm")
    ssm.put_parameter(Name="/app/endpoint", Value="https://api.example.com", Type="String", Tier="Advanced")
    ssm.put_parameter(Name="db-password", Value="s3cr3t", Type="SecureString")

    parameters = by_id(listed(aws_calls, "aws_ssm_parameter"))

    assert parameters["/app/endpoint"].facts == (("type", "String"), ("tier", "Advanced"))
    assert parameters["db-password"].facts == (("type", "SecureString"), ("tier", "Standard"))
    assert_as_resolved(parameters["/app/endpoint"], "aws_ssm_parameter", "ssm.amazonaws.com", "PutParameter",
                       {"name": "/app/endpoint"}, {"version": 1})


def test_parameters_under_names_aws_reserves_are_left_out(aws_calls: Any) -> None:
    # DescribeParameters does not list AWS's public parameters; were it to list a name people cannot make, that
    # parameter is AWS's own.
    client, stub = stubbed(aws_calls, "ssm", "aws_ssm_parameter")
    stub.add_response("describe_parameters", {"Parameters": [
        {"Name": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", "Type": "String"},
        {"Name": "AWS-QuickSetup-Version", "Type": "String"},
        {"Name": "/ssm/managed-instance/config", "Type": "String"},
        {"Name": "/app/ami", "Type": "String", "Tier": "Standard", "DataType": "aws:ec2:image"},
        {"Name": "/awsome/flag", "Type": "String"},  # "aws" prefixes this name too: AWS's to make
    ], "NextToken": "n"}, {})
    stub.add_response("describe_parameters", {"Parameters": [{"Name": "/team/ssh-key", "Type": "SecureString"}]},
                      {"NextToken": "n"})
    with stub:
        parameters = by_id(listed_from(client, "aws_ssm_parameter"))
    stub.assert_no_pending_responses()
    assert set(parameters) == {"/app/ami", "/team/ssh-key"}
    assert parameters["/app/ami"].facts == (("type", "String"), ("tier", "Standard"), ("data type", "aws:ec2:image"))


# Secrets Manager


def test_secrets_leave_out_deleted_ones_and_replicas(aws_client: Aws, aws_calls: Any) -> None:
    secrets = aws_client("secretsmanager")
    arn = secrets.create_secret(Name="prod/db", SecretString="x", Tags=[{"Key": "team", "Value": "db"}],
                                AddReplicaRegions=[{"Region": "eu-west-1"}])["ARN"]
    secrets.create_secret(Name="old", SecretString="x")
    secrets.delete_secret(SecretId="old", RecoveryWindowInDays=7)

    [secret] = listed(aws_calls, "aws_secretsmanager_secret")

    assert (secret.import_id, secret.tags) == (arn, {"team": "db"})
    assert secret.facts == (("rotation", "off"), ("last accessed", "never"))
    assert_as_resolved(secret, "aws_secretsmanager_secret", "secretsmanager.amazonaws.com", "CreateSecret",
                       {"name": "prod/db"}, {"arn": arn, "name": "prod/db"})
    # The replica is its primary's `replica` block, listed with the primary in us-east-1.
    assert listed(aws_calls, "aws_secretsmanager_secret", "eu-west-1") == []


def test_secrets_other_services_own_or_that_are_being_deleted_are_left_out(aws_calls: Any) -> None:
    client, stub = stubbed(aws_calls, "secretsmanager", "aws_secretsmanager_secret")

    def secret(name: str, **extra: Any) -> dict[str, Any]:
        return {"ARN": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:{name}-AbCdEf", "Name": name, **extra}

    stub.add_response("list_secrets", {"SecretList": [
        secret("rds!db-0123abcd", OwningService="rds"),
        secret("gone", DeletedDate=datetime(2025, 1, 1, tzinfo=UTC)),
        secret("api-key", RotationEnabled=True, LastAccessedDate=datetime(2025, 6, 1, tzinfo=UTC)),
    ], "NextToken": "n"}, {})
    stub.add_response("list_secrets", {"SecretList": [secret("tls")]}, {"NextToken": "n"})
    with stub:
        found = by_id(listed_from(client, "aws_secretsmanager_secret"))
    stub.assert_no_pending_responses()
    assert {item.name: item.facts for item in found.values()} == {
        "api-key": (("rotation", "on"), ("last accessed", "2025-06-01")),
        "tls": (("rotation", "off"), ("last accessed", "never")),
    }


@pytest.mark.parametrize("tf_type", ["aws_s3_directory_bucket", "aws_ecrpublic_repository"])
def test_unserved_types_list_nothing_where_there_is_nothing(tf_type: str, aws_calls: Any) -> None:
    service = {"aws_s3_directory_bucket": "s3", "aws_ecrpublic_repository": "ecr-public"}[tf_type]
    operation = {"aws_s3_directory_bucket": "list_directory_buckets",
                 "aws_ecrpublic_repository": "describe_repositories"}[tf_type]
    client, stub = stubbed(aws_calls, service, tf_type)
    stub.add_response(operation, {"Buckets": []} if service == "s3" else {"repositories": []}, {})
    with stub:
        assert listed_from(client, tf_type) == []
    stub.assert_no_pending_responses()

"""OpenSearch Service domains."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.codegen.helpers import ACCOUNT, Made, cloudtrail

Aws = Callable[..., Any]


def make_domain(aws: Aws) -> Made:
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "es:*",
         "Resource": f"arn:aws:es:us-east-1:{ACCOUNT}:domain/search/*"}]}
    domain = aws("opensearch").create_domain(
        DomainName="search", EngineVersion="OpenSearch_2.11",
        ClusterConfig={"InstanceType": "r6g.large.search", "InstanceCount": 2, "ZoneAwarenessEnabled": True,
                       "ZoneAwarenessConfig": {"AvailabilityZoneCount": 2}},
        EBSOptions={"EBSEnabled": True, "VolumeType": "gp3", "VolumeSize": 20},
        EncryptionAtRestOptions={"Enabled": True}, NodeToNodeEncryptionOptions={"Enabled": True},
        DomainEndpointOptions={"EnforceHTTPS": True, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"},
        AccessPolicies=json.dumps(policy), TagList=[{"Key": "team", "Value": "search ${x}"}],
    )["DomainStatus"]
    record = cloudtrail("es.amazonaws.com", "CreateDomain",
                        {"domainName": "search", "engineVersion": "OpenSearch_2.11",
                         "clusterConfig": {"instanceType": "r6g.large.search", "instanceCount": 2},
                         "tagList": [{"key": "team", "value": "search ${x}"}]},
                        {"domainStatus": {"domainName": "search", "domainId": domain["DomainId"],
                                          "aRN": domain["ARN"], "engineVersion": "OpenSearch_2.11"}})
    expect = {"domain_name": "search", "engine_version": "OpenSearch_2.11",
              "cluster_config": [{"instance_type": "r6g.large.search", "instance_count": 2,
                                  "zone_awareness_enabled": True,
                                  "zone_awareness_config": [{"availability_zone_count": 2}]}],
              "ebs_options": [{"ebs_enabled": True, "volume_type": "gp3", "volume_size": 20}],
              "encrypt_at_rest": [{"enabled": True}], "node_to_node_encryption": [{"enabled": True}],
              "domain_endpoint_options": [{"enforce_https": True,
                                           "tls_security_policy": "Policy-Min-TLS-1-2-2019-07"}],
              "tags": {"team": "search ${x}"}}
    return Made(record, "search", expect)


CASES = {"aws_opensearch_domain": make_domain}
PROVIDER_ENDPOINTS = {"opensearch"}

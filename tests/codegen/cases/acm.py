"""ACM certificates: requested in moto as the console requests them, and whether one is gone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_certificate(aws: Aws) -> Made:
    tags = {"team": "web", "Name": "shop ${env}"}
    arn = aws("acm").request_certificate(
        DomainName="shop.example.com", ValidationMethod="DNS",
        SubjectAlternativeNames=["shop.example.com", "www.shop.example.com"],
        Options={"CertificateTransparencyLoggingPreference": "DISABLED"}, IdempotencyToken="shop1",
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
    )["CertificateArn"]
    record = cloudtrail("acm.amazonaws.com", "RequestCertificate",
                        {"domainName": "shop.example.com", "validationMethod": "DNS",
                         "subjectAlternativeNames": ["shop.example.com", "www.shop.example.com"],
                         "idempotencyToken": "shop1",
                         "options": {"certificateTransparencyLoggingPreference": "DISABLED"},
                         "tags": [{"key": k, "value": v} for k, v in tags.items()]},
                        {"certificateArn": arn})
    expect = {"domain_name": "shop.example.com", "validation_method": "DNS",
              "subject_alternative_names": ["shop.example.com", "www.shop.example.com"],
              "options": [{"certificate_transparency_logging_preference": "DISABLED"}], "tags": tags}
    return Made(record, arn, expect)


def _certificate_gone(aws: Aws, arn: str) -> bool:
    try:
        aws("acm").describe_certificate(CertificateArn=arn)
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "ResourceNotFoundException", exc.response
        return True
    return False


CASES = {"aws_acm_certificate": make_certificate}
GONE = {"aws_acm_certificate": _certificate_gone}
PROVIDER_ENDPOINTS = {"acm"}

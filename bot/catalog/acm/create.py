"""Requesting an ACM certificate, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

import uuid

from bot.catalog._create import Call, CreateContext, ct_tags, pairs, slug


def create_certificate(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    domain = f"{slug(name, limit=50)}.example.com"
    token = uuid.uuid4().hex[:32]
    arn = ctx.client("acm").request_certificate(DomainName=domain, ValidationMethod="DNS", IdempotencyToken=token,
                                                KeyAlgorithm="RSA_2048", Tags=pairs(tags))["CertificateArn"]
    return Call({"domainName": domain, "validationMethod": "DNS", "idempotencyToken": token,
                 "keyAlgorithm": "RSA_2048", "tags": ct_tags(tags)},
                {"certificateArn": arn}, event_name="RequestCertificate")


CREATORS = {
    "aws_acm_certificate": create_certificate,
}

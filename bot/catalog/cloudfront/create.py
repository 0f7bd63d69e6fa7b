"""Making a CloudFront distribution, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

import uuid
from typing import Any

from bot.catalog._create import Call, CreateContext, slug

# What the console's form sends for an S3 website origin with its defaults.
_CONFIG: dict[str, Any] = {
    "DefaultCacheBehavior": {
        "TargetOriginId": "origin-1", "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"],
                           "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}},
        "Compress": True, "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
    },
    "Enabled": True, "IsIPV6Enabled": True, "PriceClass": "PriceClass_100", "HttpVersion": "http2",
}


def _camel(value: Any) -> Any:
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def create_distribution(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    origin = f"{slug(name, limit=50)}.s3.{ctx.region}.amazonaws.com"
    config = {**_CONFIG, "CallerReference": str(uuid.uuid4()), "Comment": name.strip()[:128],
              "Origins": {"Quantity": 1, "Items": [{"Id": "origin-1", "DomainName": origin,
                                                      "S3OriginConfig": {"OriginAccessIdentity": ""}}]}}
    made = ctx.client("cloudfront").create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": config, "Tags": {"Items": [{"Key": k, "Value": v} for k, v in tags.items()]}})
    distribution = made["Distribution"]
    return Call({"distributionConfigWithTags": {"distributionConfig": _camel(config),
                                                "tags": {"items": [{"key": k, "value": v} for k, v in tags.items()]}}},
                {"distribution": {"id": distribution["Id"], "aRN": distribution["ARN"],
                                  "domainName": distribution["DomainName"], "status": distribution["Status"]},
                 "location": made["Location"], "eTag": made["ETag"]},
                event_name="CreateDistributionWithTags")


CREATORS = {
    "aws_cloudfront_distribution": create_distribution,
}

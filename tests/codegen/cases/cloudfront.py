"""CloudFront distributions: made in moto as the console makes them, and whether one is gone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def _camel(value: Any) -> Any:
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def make_distribution(aws: Aws) -> Made:
    methods = {"Quantity": 3, "Items": ["GET", "HEAD", "OPTIONS"],
               "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}}
    config = {
        "CallerReference": "site-1", "Comment": "Shop ${env} site", "Enabled": True, "IsIPV6Enabled": True,
        "DefaultRootObject": "index.html", "PriceClass": "PriceClass_100", "HttpVersion": "http2and3",
        "Origins": {"Quantity": 2, "Items": [
            {"Id": "assets", "DomainName": "shop-assets.s3.us-east-1.amazonaws.com", "OriginPath": "/public",
             "S3OriginConfig": {"OriginAccessIdentity": ""}},
            {"Id": "api", "DomainName": "api.shop.example.com",
             "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only",
                                    "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
                                    "OriginReadTimeout": 60, "OriginKeepaliveTimeout": 5}},
        ]},
        "DefaultCacheBehavior": {
            "TargetOriginId": "assets", "ViewerProtocolPolicy": "redirect-to-https", "Compress": True,
            "AllowedMethods": methods, "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        },
        "CacheBehaviors": {"Quantity": 1, "Items": [{
            "PathPattern": "/api/*", "TargetOriginId": "api", "ViewerProtocolPolicy": "https-only",
            "AllowedMethods": methods, "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 60,
            "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "all"},
                                "Headers": {"Quantity": 1, "Items": ["Authorization"]}},
        }]},
        "CustomErrorResponses": {"Quantity": 1, "Items": [
            {"ErrorCode": 404, "ResponsePagePath": "/index.html", "ResponseCode": "200", "ErrorCachingMinTTL": 300}]},
        "Restrictions": {"GeoRestriction": {"RestrictionType": "whitelist", "Quantity": 2, "Items": ["DE", "FR"]}},
        "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
    }
    tags = {"team": "shop", "Name": "site"}
    made = aws("cloudfront").create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": config, "Tags": {"Items": [{"Key": k, "Value": v} for k, v in tags.items()]}})
    distribution = made["Distribution"]
    record = cloudtrail(
        "cloudfront.amazonaws.com", "CreateDistributionWithTags",
        {"distributionConfigWithTags": {"distributionConfig": _camel(config),
                                        "tags": {"items": [{"key": k, "value": v} for k, v in tags.items()]}}},
        {"location": made["Location"], "eTag": made["ETag"],
         "distribution": {"id": distribution["Id"], "aRN": distribution["ARN"],
                          "domainName": distribution["DomainName"], "status": "InProgress"}},
    )
    expect = {"enabled": True, "is_ipv6_enabled": True, "comment": "Shop ${env} site",
              "default_root_object": "index.html", "price_class": "PriceClass_100", "http_version": "http2and3",
              "tags": tags}
    return Made(record, distribution["Id"], expect)


def _distribution_gone(aws: Aws, distribution_id: str) -> bool:
    try:
        aws("cloudfront").get_distribution(Id=distribution_id)
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "NoSuchDistribution", exc.response
        return True
    return False


CASES = {"aws_cloudfront_distribution": make_distribution}
GONE = {"aws_cloudfront_distribution": _distribution_gone}
PROVIDER_ENDPOINTS = {"cloudfront"}

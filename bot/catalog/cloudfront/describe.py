"""Amazon CloudFront distributions: the distribution's configuration, block by block, leaving out what the provider
defaults to itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags
from bot.catalog.cloudfront import distribution_config, request_tags
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

_NOTE_FROM_EVENT = "Written from the creation event: origins and cache behaviors need reading the distribution."


def _list(value: Any) -> list[Any]:
    """A CloudFront {Quantity, Items} list (or a plain list) as a list."""
    if isinstance(value, Mapping):
        value = value.get("Items")
    return list(value) if isinstance(value, list | tuple) else []


def _positive(value: Any, default: Any = None) -> Any:
    return value if value not in (None, "", default) else None


def _origin(origin: Mapping[str, Any]) -> dict[str, Any]:
    custom = origin.get("CustomOriginConfig")
    s3 = origin.get("S3OriginConfig")
    shield = origin.get("OriginShield") or {}
    return {
        "domain_name": origin.get("DomainName"),
        "origin_id": origin.get("Id"),
        "origin_path": _positive(origin.get("OriginPath")),
        "origin_access_control_id": _positive(origin.get("OriginAccessControlId")),
        "connection_attempts": _positive(origin.get("ConnectionAttempts"), 3),
        "connection_timeout": _positive(origin.get("ConnectionTimeout"), 10),
        "custom_headers": [{"name": h.get("HeaderName"), "value": h.get("HeaderValue")}
                           for h in _list(origin.get("CustomHeaders"))],
        "custom_origin_config": {
            "http_port": custom.get("HTTPPort"),
            "https_port": custom.get("HTTPSPort"),
            "origin_protocol_policy": custom.get("OriginProtocolPolicy"),
            "origin_ssl_protocols": sorted(_list(custom.get("OriginSslProtocols"))),
            "origin_keepalive_timeout": _positive(custom.get("OriginKeepaliveTimeout"), 5),
            "origin_read_timeout": _positive(custom.get("OriginReadTimeout"), 30),
        } if isinstance(custom, Mapping) else None,
        # The provider keeps the block wherever the API has it, an empty identity included.
        "s3_origin_config": {"origin_access_identity": s3.get("OriginAccessIdentity") or ""}
        if isinstance(s3, Mapping) else None,
        "origin_shield": {"enabled": True, "origin_shield_region": shield.get("OriginShieldRegion")}
        if shield.get("Enabled") else None,
    }


def _behavior(behavior: Mapping[str, Any]) -> dict[str, Any]:
    allowed = behavior.get("AllowedMethods") or {}
    forwarded = behavior.get("ForwardedValues")
    cache_policy = _positive(behavior.get("CachePolicyId"))
    cookies = (forwarded or {}).get("Cookies") or {}
    return {
        "path_pattern": behavior.get("PathPattern"),
        "target_origin_id": behavior.get("TargetOriginId"),
        "viewer_protocol_policy": behavior.get("ViewerProtocolPolicy"),
        "allowed_methods": sorted(_list(allowed)),
        "cached_methods": sorted(_list(allowed.get("CachedMethods"))) if isinstance(allowed, Mapping) else [],
        "compress": True if behavior.get("Compress") else None,
        "smooth_streaming": True if behavior.get("SmoothStreaming") else None,
        "cache_policy_id": cache_policy,
        "origin_request_policy_id": _positive(behavior.get("OriginRequestPolicyId")),
        "response_headers_policy_id": _positive(behavior.get("ResponseHeadersPolicyId")),
        "realtime_log_config_arn": _positive(behavior.get("RealtimeLogConfigArn")),
        "field_level_encryption_id": _positive(behavior.get("FieldLevelEncryptionId")),
        # With a cache policy the TTLs are the policy's, and the provider reads them as computed.
        "min_ttl": None if cache_policy else _positive(behavior.get("MinTTL"), 0),
        "default_ttl": None if cache_policy else behavior.get("DefaultTTL"),
        "max_ttl": None if cache_policy else behavior.get("MaxTTL"),
        "trusted_signers": sorted(_list(behavior.get("TrustedSigners"))),
        "trusted_key_groups": sorted(_list(behavior.get("TrustedKeyGroups"))),
        "forwarded_values": {
            "query_string": bool(forwarded.get("QueryString")),
            "query_string_cache_keys": _list(forwarded.get("QueryStringCacheKeys")),
            "headers": sorted(_list(forwarded.get("Headers"))),
            "cookies": {"forward": cookies.get("Forward") or "none",
                        "whitelisted_names": sorted(_list(cookies.get("WhitelistedNames")))},
        # Written wherever the API returns it: with a cache policy AWS returns none, an emulator may.
        } if isinstance(forwarded, Mapping) else None,
        "function_associations": [{"event_type": f.get("EventType"), "function_arn": f.get("FunctionARN")}
                                  for f in _list(behavior.get("FunctionAssociations"))],
        "lambda_function_associations": [
            {"event_type": f.get("EventType"), "lambda_arn": f.get("LambdaFunctionARN"),
             "include_body": True if f.get("IncludeBody") else None}
            for f in _list(behavior.get("LambdaFunctionAssociations"))
        ],
    }


def _distribution_args(config: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    certificate = config.get("ViewerCertificate") or {}
    geo = (config.get("Restrictions") or {}).get("GeoRestriction") or {}
    logging = config.get("Logging") or {}
    default_certificate = bool(certificate.get("CloudFrontDefaultCertificate"))
    return {
        "enabled": bool(config.get("Enabled")),
        "is_ipv6_enabled": True if config.get("IsIPV6Enabled") else None,
        "comment": _positive(config.get("Comment")),
        "default_root_object": _positive(config.get("DefaultRootObject")),
        "aliases": sorted(_list(config.get("Aliases"))),
        "price_class": _positive(config.get("PriceClass"), "PriceClass_All"),
        "http_version": _positive(config.get("HttpVersion"), "http2"),
        "web_acl_id": _positive(config.get("WebACLId")),
        "origins": [_origin(o) for o in _list(config.get("Origins"))],
        # The default behavior first, then the ordered ones in their order: the block names are chosen here.
        "cache_behaviors": [{"kind": "default_cache_behavior", **_behavior(config.get("DefaultCacheBehavior") or {})},
                            *({"kind": "ordered_cache_behavior", **_behavior(b)}
                              for b in _list(config.get("CacheBehaviors")))],
        "custom_error_responses": [
            {"error_code": r.get("ErrorCode"),
             "response_code": int(r["ResponseCode"]) if str(r.get("ResponseCode") or "").isdigit() else None,
             "response_page_path": _positive(r.get("ResponsePagePath")),
             "error_caching_min_ttl": r.get("ErrorCachingMinTTL")}
            for r in _list(config.get("CustomErrorResponses"))
        ],
        "geo_restriction": {"restriction_type": geo.get("RestrictionType") or "none",
                            "locations": sorted(_list(geo))},
        "viewer_certificate": {
            "cloudfront_default_certificate": True if default_certificate else None,
            "acm_certificate_arn": _positive(certificate.get("ACMCertificateArn")),
            "iam_certificate_id": _positive(certificate.get("IAMCertificateId")),
            "ssl_support_method": _positive(certificate.get("SSLSupportMethod")),
            "minimum_protocol_version": _positive(certificate.get("MinimumProtocolVersion"), "TLSv1"),
        },
        "logging_config": {
            "bucket": logging.get("Bucket"),
            "prefix": _positive(logging.get("Prefix")),
            "include_cookies": True if logging.get("IncludeCookies") else None,
        } if logging.get("Enabled") else None,
        "tags": clean_tags(tags),
    }


def _describe_distribution(clients: Clients, resource: Resource) -> Model:
    cloudfront = clients("cloudfront")
    distribution = cloudfront.get_distribution(Id=resource.import_id)["Distribution"]
    arn = distribution.get("ARN") or resource.arn
    tags = pair_tags(cloudfront.list_tags_for_resource(Resource=arn).get("Tags", {}).get("Items"))
    return Model(args=_distribution_args(distribution.get("DistributionConfig") or {}, tags))


def _api_shape(value: Any) -> Any:
    """CloudTrail's camelCase as the API's PascalCase (minTTL -> MinTTL, aRN -> ARN), at any depth."""
    special = {"aRN": "ARN", "hTTPPort": "HTTPPort", "hTTPSPort": "HTTPSPort", "webACLId": "WebACLId",
               "isIPV6Enabled": "IsIPV6Enabled", "aCMCertificateArn": "ACMCertificateArn",
               "iAMCertificateId": "IAMCertificateId", "sSLSupportMethod": "SSLSupportMethod",
               "functionARN": "FunctionARN", "lambdaFunctionARN": "LambdaFunctionARN"}
    if isinstance(value, Mapping):
        return {special.get(k, k[:1].upper() + k[1:]): _api_shape(v) for k, v in value.items() if k}
    if isinstance(value, list):
        return [_api_shape(v) for v in value]
    return value


def _distribution_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    config = _api_shape(distribution_config(request))
    if config.get("Comment") == "HIDDEN_DUE_TO_SECURITY_REASONS":  # CloudTrail hides the comment
        config.pop("Comment")
    tags = request_tags(request) or resource.tags
    return Model(args=_distribution_args(config, tags), notes=() if config.get("Origins") else (_NOTE_FROM_EVENT,))


CODEGEN = (TypeCodegen("aws_cloudfront_distribution", _describe_distribution, _distribution_from_event),)

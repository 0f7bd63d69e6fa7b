"""AWS Certificate Manager: a region's certificates, requested or imported, of every key algorithm, less those
another service manages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.acm import _certificate_console
from bot.catalog.base import Listed, Lister, ScanScope

# ListCertificates answers only for RSA 1024/2048 and EC P-256 keys unless asked for every algorithm.
_KEY_TYPES = ("RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1")
_IMPORTED = "IMPORTED"


def _certificates(scope: ScanScope) -> Iterator[Listed]:
    certificates = paged(scope.clients("acm"), "list_certificates", "CertificateSummaryList",
                         Includes={"keyTypes": list(_KEY_TYPES)})
    for certificate in certificates:
        if certificate.get("ManagedBy"):
            # Made and renewed by another service for itself (ManagedBy CLOUDFRONT: CloudFront's own), which
            # deletes it when done with it.
            continue
        arn = certificate["CertificateArn"]
        certificate_id = arn.rsplit("/", 1)[-1]
        domain = str(certificate.get("DomainName") or "")
        yield Listed(
            import_id=arn,
            name=domain or certificate_id,
            arn=arn,
            console_url=_certificate_console(scope.region, certificate_id),
            facts=_facts(certificate, domain),
            # As the resolver decides: ACM never gives an imported certificate's private key back.
            loses_data=certificate.get("Type") == _IMPORTED,
        )


def _facts(certificate: dict[str, Any], domain: str) -> tuple[tuple[str, str], ...]:
    facts: list[tuple[str, str]] = []
    if domain:
        facts.append(("domain", domain))
    for label, key in (("status", "Status"), ("type", "Type"), ("key", "KeyAlgorithm")):
        if certificate.get(key):
            facts.append((label, str(certificate[key])))
    if certificate.get("InUse") is not None:
        facts.append(("in use", "yes" if certificate["InUse"] else "no"))
    expires = certificate.get("NotAfter")
    if isinstance(expires, datetime):
        facts.append(("expires", expires.date().isoformat()))
    return tuple(facts)


LISTERS = {
    "aws_acm_certificate": Lister(("acm:ListCertificates",), _certificates),
}

"""ACM certificates: a requested one's request settings, or an imported one's public certificate and chain. An
imported certificate's private key never leaves ACM, and is never written into code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags, sorted_strings
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

_KEY_NOTE = (
    "The certificate was imported: its private key stays in ACM and is never copied into code. Terraform needs it "
    "only to import new certificate material, so the certificate, chain and placeholder key are ignored until then."
)
_DEFAULT_KEY_ALGORITHM = "RSA_2048"


def _requested_args(cert: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    domain = cert.get("DomainName")
    names = [str(n) for n in cert.get("SubjectAlternativeNames") or () if n]
    options_by_name = cert.get("DomainValidationOptions") or ()
    methods = {o.get("ValidationMethod") for o in options_by_name if o.get("ValidationMethod")}
    options = cert.get("Options") or {}
    logging = options.get("CertificateTransparencyLoggingPreference")
    algorithm = cert.get("KeyAlgorithm")
    private_ca = cert.get("CertificateAuthorityArn")
    return {
        "domain_name": domain,
        # The provider reads back every name, the domain's own included; where there is none but the domain the
        # argument stays out (it is computed).
        "subject_alternative_names": names if set(names) - {domain} else None,
        # A private CA's certificate has no validation.
        "validation_method": methods.pop() if len(methods) == 1 and not private_ca else None,
        "certificate_authority_arn": private_ca or None,
        "key_algorithm": algorithm if algorithm and algorithm != _DEFAULT_KEY_ALGORITHM else None,
        "transparency_logging": logging if logging == "DISABLED" else None,
        "tags": clean_tags(tags),
        "imported": False,
    }


def _imported_args(body: str | None, chain: str | None, tags: Mapping[str, str]) -> dict[str, Any]:
    return {"certificate_body": body, "certificate_chain": chain, "tags": clean_tags(tags), "imported": True}


def _describe_certificate(clients: Clients, resource: Resource) -> Model:
    acm = clients("acm")
    cert = acm.describe_certificate(CertificateArn=resource.import_id)["Certificate"]
    if cert.get("Status") in ("REVOKED",):
        raise NotFound(f"certificate {resource.import_id} is revoked")
    tags = pair_tags(acm.list_tags_for_certificate(CertificateArn=resource.import_id).get("Tags"))
    if cert.get("Type") == "IMPORTED":
        # Only the public parts: GetCertificate never returns the private key.
        pem = acm.get_certificate(CertificateArn=resource.import_id)
        return Model(args=_imported_args(pem.get("Certificate"), pem.get("CertificateChain"), tags),
                     notes=(_KEY_NOTE,))
    return Model(args=_requested_args(cert, tags))


def _certificate_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    if record is not None and record.event_name == "ImportCertificate":
        return Model(args=_imported_args(None, None, resource.tags), notes=(_KEY_NOTE,))
    options = request.get("options") or {}
    cert = {
        "DomainName": request.get("domainName") or resource.name,
        "SubjectAlternativeNames": sorted_strings(request.get("subjectAlternativeNames")),
        "DomainValidationOptions": [{"ValidationMethod": request.get("validationMethod") or "EMAIL"}],
        "KeyAlgorithm": request.get("keyAlgorithm"),
        "CertificateAuthorityArn": request.get("certificateAuthorityArn"),
        "Options": {
            "CertificateTransparencyLoggingPreference": options.get("certificateTransparencyLoggingPreference"),
        },
    }
    return Model(args=_requested_args(cert, resource.tags))


CODEGEN = (TypeCodegen("aws_acm_certificate", _describe_certificate, _certificate_from_event),)

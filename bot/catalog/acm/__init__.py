"""AWS Certificate Manager certificates: requested from ACM, or imported with their private key."""

from __future__ import annotations

from bot.catalog._describe import unwrap
from bot.catalog.base import (
    CatalogEntry,
    ExtractError,
    Found,
    NotACreation,
    console,
    first,
    q,
    region_of,
    state_attribute,
    tags_from_pairs,
    text,
)
from bot.events import CloudTrailRecord

_IMPORT = "ImportCertificate"


def _certificate_console(region: str, certificate_id: str) -> str:
    return console(region, f"acm/home?region={q(region)}#/certificates/{q(certificate_id)}")


def _certificate(record: CloudTrailRecord) -> list[Found]:
    response = unwrap(record.response, f"{record.event_name}Response")
    request = unwrap(record.request, f"{record.event_name}Request")
    arn = first(text(response.get(key)) for key in ("certificateArn", "CertificateArn", "certificateARN"))
    reimported = first(text(request.get(key)) for key in ("certificateArn", "CertificateArn"))
    if record.event_name == _IMPORT and reimported:
        # Reimporting names the existing certificate in the request: it replaces that one's material.
        raise NotACreation(f"ImportCertificate replaced the certificate material of {reimported}")
    if not arn:
        raise ExtractError("the record has no responseElements.certificateArn")
    region = region_of(record)
    # arn:<partition>:acm:<region>:<account>:certificate/<id>
    certificate_id = arn.rsplit("/", 1)[-1]
    domain = first(text(request.get(key)) for key in ("domainName", "DomainName"))
    tags = tags_from_pairs(request.get("tags") or request.get("Tags"))
    return [
        Found(
            import_id=arn,
            # An imported certificate's request carries only its PEM body; its ID is what the console lists.
            name=domain or certificate_id,
            arn=arn,
            console_url=_certificate_console(region, certificate_id),
            tags=tags,
            # ACM never gives an imported certificate's private key back: deleting it loses the key unless it is
            # kept elsewhere. A requested certificate can be requested again.
            loses_data=record.event_name == _IMPORT,
        )
    ]



ENTRIES = (
    CatalogEntry(
        tf_type="aws_acm_certificate",
        label="ACM certificate",
        service="acm",
        event_source="acm.amazonaws.com",
        create_events=("RequestCertificate", _IMPORT),
        delete_events=("DeleteCertificate",),
        resolve=_certificate,
        import_id_format=(
            "certificate ARN: `terraform import aws_acm_certificate.cert "
            "arn:aws:acm:eu-central-1:123456789012:certificate/7e7a28d2-163f-4b8f-b9cd-822f96c08d6a`"
        ),
        loses_data=False,
        # The provider's id is the certificate ARN, which is also what import takes.
        state_import_id=state_attribute("arn", "id"),
    ),
)

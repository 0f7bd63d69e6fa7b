import datetime
import json

import pytest

from bot.catalog import CATALOG, DELETE, DESCRIBE, ExtractError
from bot.catalog.base import NotACreation
from bot.catalog.template_input import Clients
from bot.classify import Classifier
from bot.codegen import CodeGenerator
from bot.deletion import DeleteRefused, DeleteRequest
from bot.events import CloudTrailRecord
from bot.resource import Resource
from tests.codegen.helpers import assert_terraform_accepts, write_tree
from tests.conftest import DATA

CORPUS_IDS: dict[str, list[tuple[str, str]]] = {}
REQUESTED = DATA / "cloudtrail" / "acm__RequestCertificate__docs.json"
IMPORTED = DATA / "cloudtrail" / "acm__ImportCertificate__console.json"


def _raw(path):
    return json.loads(path.read_text(encoding="utf-8"))


def resolve(raw):
    [found] = CATALOG["aws_acm_certificate"].resolve(CloudTrailRecord(raw, "t"))
    return found


def test_requested_certificate_from_the_documented_record():
    result = Classifier().classify(CloudTrailRecord(_raw(REQUESTED), "t"))
    assert result.verdict == "detected", result.reason
    [resource] = result.resources
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
    assert (resource.tf_type, resource.import_id, resource.arn) == ("aws_acm_certificate", arn, arn)
    assert resource.name == "example.com"
    assert resource.console_url == ("https://us-east-1.console.aws.amazon.com/acm/home?region=us-east-1"
                                    "#/certificates/12345678-1234-1234-1234-123456789012")
    assert resource.loses_data is False


def test_imported_certificate_is_named_by_its_id_and_loses_its_key_when_deleted():
    result = Classifier().classify(CloudTrailRecord(_raw(IMPORTED), "t"))
    assert result.verdict == "detected", result.reason
    [resource] = result.resources
    assert resource.import_id == (
        "arn:aws:acm:ap-southeast-2:111122223333:certificate/6285ae7c-6a5f-4a9e-a2d1-03e0d3d8d8d0")
    assert resource.name == "6285ae7c-6a5f-4a9e-a2d1-03e0d3d8d8d0"
    assert resource.tags == {"team": "edge"}
    assert resource.loses_data is True


def test_reimport_into_an_existing_certificate_is_not_a_creation():
    raw = _raw(IMPORTED)
    raw["requestParameters"]["certificateArn"] = raw["responseElements"]["certificateArn"]
    with pytest.raises(NotACreation, match="replaced"):
        resolve(raw)


def test_pascal_case_and_wrapped_responses():
    raw = _raw(REQUESTED)
    raw["requestParameters"] = {"DomainName": "*.example.org", "Tags": [{"Key": "a", "Value": "b"}]}
    arn = "arn:aws:acm:us-east-1:1:certificate/x"
    raw["responseElements"] = {"RequestCertificateResponse": {"CertificateArn": arn}}
    found = resolve(raw)
    assert (found.import_id, found.name, found.tags) == ("arn:aws:acm:us-east-1:1:certificate/x", "*.example.org",
                                                         {"a": "b"})


def test_record_without_the_certificate_arn_is_an_extract_error():
    raw = _raw(REQUESTED)
    raw["responseElements"] = None
    with pytest.raises(ExtractError, match=r"responseElements\.certificateArn"):
        resolve(raw)


def test_state_maps_to_the_arn():
    assert CATALOG["aws_acm_certificate"].state_import_id({"id": "arn:x", "arn": "arn:x"}) == "arn:x"


def _self_signed(name: str) -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()))


def test_an_imported_certificate_is_described_without_its_key_and_never_deleted_from_slack(aws_client, tmp_path):
    body, key = _self_signed("internal.example.com")
    acm = aws_client("acm")
    arn = acm.import_certificate(Certificate=body, PrivateKey=key, Tags=[{"Key": "team", "Value": "edge"}])[
        "CertificateArn"]
    clients = Clients(lambda service, region: aws_client(service, region), "us-east-1")
    resource = Resource(tf_type="aws_acm_certificate", import_id=arn, name="internal.example.com", arn=arn,
                        region="us-east-1", account_id="123456789012", actor="alice", console_url="",
                        suggested_name="internal", loses_data=True)

    model = DESCRIBE["aws_acm_certificate"].describe(clients, resource)

    assert model.args["imported"] is True
    assert model.args["certificate_body"].strip() == body.decode().strip()
    assert model.args["tags"] == {"team": "edge"}
    assert "PRIVATE KEY" not in json.dumps(model.args)
    assert any("private key" in note for note in model.notes)
    generation = CodeGenerator(lambda service, region: aws_client(service, region)).generate(
        resource, None, name="Edge", describe=True)
    code = "".join(f.content for f in generation.files)
    assert "BEGIN CERTIFICATE" in code and "PRIVATE KEY" not in code
    write_tree(generation.files, tmp_path)
    assert_terraform_accepts(tmp_path)
    with pytest.raises(DeleteRefused, match="imported"):
        DELETE["aws_acm_certificate"](clients, DeleteRequest("aws_acm_certificate", arn, "us-east-1"))
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Type"] == "IMPORTED"

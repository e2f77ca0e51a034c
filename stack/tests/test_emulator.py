"""The moto extension issues and describes certificates the way AWS IoT does."""

import datetime as dt
import hashlib
import json
import time
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

AWS_ISSUER = "C=US,ST=Washington,L=Seattle,O=Amazon.com Inc.,OU=Amazon Web Services"
AWS_NOT_AFTER = dt.datetime(2049, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc)


def make_csr(key, common_name):
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Warden Test Works"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    return csr, csr.public_bytes(serialization.Encoding.PEM).decode()


def spki(public_key):
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def der_sha256(pem):
    cert = x509.load_pem_x509_certificate(pem.encode())
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def as_utc(value):
    return value.astimezone(dt.timezone.utc)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(ec.generate_private_key(ec.SECP256R1()), id="ec-p256"),
        pytest.param(rsa.generate_private_key(public_exponent=65537, key_size=2048), id="rsa-2048"),
    ],
)
def test_csr_certificate_carries_the_csr_key(iot, key):
    name = f"device-{uuid.uuid4().hex[:8]}"
    csr, csr_pem = make_csr(key, name)
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)

    created = iot.create_certificate_from_csr(certificateSigningRequest=csr_pem, setAsActive=True)

    cert = x509.load_pem_x509_certificate(created["certificatePem"].encode())
    assert spki(cert.public_key()) == spki(key.public_key())
    assert cert.subject == csr.subject
    assert cert.issuer.rfc4514_string() == AWS_ISSUER
    assert cert.not_valid_after_utc == AWS_NOT_AFTER
    assert before <= cert.not_valid_before_utc <= dt.datetime.now(dt.timezone.utc)
    assert created["certificateId"] == der_sha256(created["certificatePem"])
    assert created["certificateArn"].endswith("/" + created["certificateId"])

    # Stored in moto's backend: describe, list and the attach calls see it.
    described = iot.describe_certificate(certificateId=created["certificateId"])
    assert described["certificateDescription"]["status"] == "ACTIVE"
    assert described["certificateDescription"]["certificatePem"] == created["certificatePem"]
    listed = [c["certificateId"] for c in iot.list_certificates()["certificates"]]
    assert created["certificateId"] in listed
    iot.create_thing(thingName=name)
    iot.attach_thing_principal(thingName=name, principal=created["certificateArn"])
    assert iot.list_thing_principals(thingName=name)["principals"] == [created["certificateArn"]]


def test_csr_without_set_as_active_is_inactive(iot):
    _, csr_pem = make_csr(ec.generate_private_key(ec.SECP256R1()), "inactive-device")
    created = iot.create_certificate_from_csr(certificateSigningRequest=csr_pem)
    status = iot.describe_certificate(certificateId=created["certificateId"])
    assert status["certificateDescription"]["status"] == "INACTIVE"


@pytest.mark.parametrize(
    "csr_pem",
    [
        "not a csr",
        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
    ],
)
def test_malformed_csr_is_rejected(iot, csr_pem):
    with pytest.raises(ClientError) as err:
        iot.create_certificate_from_csr(certificateSigningRequest=csr_pem)
    assert err.value.response["Error"]["Code"] == "InvalidRequestException"


def test_csr_with_a_forged_signature_is_rejected(iot):
    csr, _ = make_csr(ec.generate_private_key(ec.SECP256R1()), "forged")
    der = bytearray(csr.public_bytes(serialization.Encoding.DER))
    der[-1] ^= 0x01  # flip a bit of the signature
    forged = x509.load_der_x509_csr(bytes(der)).public_bytes(serialization.Encoding.PEM).decode()
    with pytest.raises(ClientError) as err:
        iot.create_certificate_from_csr(certificateSigningRequest=forged)
    assert err.value.response["Error"]["Code"] == "InvalidRequestException"


def self_signed(not_before, not_after):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "registered-device")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_describe_certificate_reports_the_pem_validity(iot):
    created = [
        iot.create_keys_and_certificate(setAsActive=True)["certificateId"],
        iot.create_certificate_from_csr(
            certificateSigningRequest=make_csr(ec.generate_private_key(ec.SECP256R1()), "v")[1]
        )["certificateId"],
        iot.register_certificate_without_ca(
            certificatePem=self_signed(
                dt.datetime(2021, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc),
                dt.datetime(2031, 8, 9, 10, 11, 12, tzinfo=dt.timezone.utc),
            ),
            status="ACTIVE",
        )["certificateId"],
    ]
    for certificate_id in created:
        description = iot.describe_certificate(certificateId=certificate_id)["certificateDescription"]
        pem = x509.load_pem_x509_certificate(description["certificatePem"].encode())
        assert as_utc(description["validity"]["notBefore"]) == pem.not_valid_before_utc
        assert as_utc(description["validity"]["notAfter"]) == pem.not_valid_after_utc
        assert description["certificateId"] == der_sha256(description["certificatePem"])
        assert description["certificateMode"] == "DEFAULT"


def test_keys_and_certificate_look_like_aws(iot):
    created = iot.create_keys_and_certificate(setAsActive=True)
    cert = x509.load_pem_x509_certificate(created["certificatePem"].encode())
    private_key = serialization.load_pem_private_key(
        created["keyPair"]["PrivateKey"].encode(), password=None
    )
    assert spki(cert.public_key()) == spki(private_key.public_key())
    assert cert.issuer.rfc4514_string() == AWS_ISSUER
    assert cert.subject.rfc4514_string() == "CN=AWS IoT Certificate"
    assert cert.not_valid_after_utc == AWS_NOT_AFTER
    assert created["certificateId"] == der_sha256(created["certificatePem"])


def test_describe_certificate_wire_format_is_epoch_seconds(endpoint, iot):
    certificate_id = iot.create_keys_and_certificate(setAsActive=False)["certificateId"]
    request = urllib.request.Request(
        f"{endpoint}/certificates/{certificate_id}",
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iot/"
            "aws4_request, SignedHeaders=host, Signature=0"
        },
    )
    body = json.load(urllib.request.urlopen(request))["certificateDescription"]
    expected = {
        "certificateArn", "certificateId", "status", "certificatePem", "ownedBy",
        "creationDate", "lastModifiedDate", "customerVersion", "transferData",
        "generationId", "validity", "certificateMode",
    }
    assert set(body) == expected
    assert body["validity"]["notAfter"] == AWS_NOT_AFTER.timestamp()
    assert isinstance(body["validity"]["notBefore"], (int, float))
    assert isinstance(body["creationDate"], (int, float))


def test_describe_endpoint_is_stable(iot):
    first = iot.describe_endpoint(endpointType="iot:Data-ATS")["endpointAddress"]
    assert first == iot.describe_endpoint(endpointType="iot:Data-ATS")["endpointAddress"]
    assert first.endswith("-ats.iot.us-east-1.amazonaws.com")


def test_unimplemented_operation_fails_fast_and_is_not_retryable(iot):
    started = time.monotonic()
    with pytest.raises(ClientError) as err:
        iot.list_security_profiles()
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert err.value.response["Error"]["Code"] == "NotImplementedException"
    assert time.monotonic() - started < 2

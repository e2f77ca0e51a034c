"""The emulator behaves like AWS IoT for onboarding and the certificate lifecycle
(stack/emulator/warden_lifecycle.py). Each fix is checked through boto3, as the console sees it."""

import datetime as dt
import json
import urllib.error
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import client, running_emulator


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    response = err.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response


def certificate_pem(issuer_key=None, issuer_name=None, ca=False):
    """A small EC certificate (fast to make); self-signed unless an issuer is given."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, unique("cert"))])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name or name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(issuer_key or key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key, name


# --- ListCertificates paging (API Reference: ListCertificates) ---------------------------------


@pytest.fixture(scope="module")
def paging():
    """Its own emulator, so the certificate list holds exactly what this module made."""
    with running_emulator() as url:
        iot = client("iot", url)
        created = [
            iot.register_certificate_without_ca(certificatePem=certificate_pem()[0], status="ACTIVE")[
                "certificateId"
            ]
            for _ in range(27)
        ]
        yield iot, created


def test_list_certificates_default_page_is_25_newest_first(paging):
    iot, created = paging
    first = iot.list_certificates()
    assert [c["certificateId"] for c in first["certificates"]] == created[::-1][:25]
    assert first["nextMarker"]

    second = iot.list_certificates(marker=first["nextMarker"])
    assert [c["certificateId"] for c in second["certificates"]] == created[::-1][25:]
    assert "nextMarker" not in second


def test_list_certificates_ascending_pages_with_the_paginator(paging):
    iot, created = paging
    pages = list(
        iot.get_paginator("list_certificates").paginate(ascendingOrder=True, PaginationConfig={"PageSize": 10})
    )
    assert [len(p["certificates"]) for p in pages] == [10, 10, 7]
    assert [c["certificateId"] for p in pages for c in p["certificates"]] == created


def test_list_certificates_marker_survives_a_deletion(paging):
    iot, created = paging
    first = iot.list_certificates(pageSize=3, ascendingOrder=True)
    assert [c["certificateId"] for c in first["certificates"]] == created[:3]
    # "remove device" deletes what it just listed; the next page must still start at the 4th.
    victim = created[2]
    iot.update_certificate(certificateId=victim, newStatus="INACTIVE")
    iot.delete_certificate(certificateId=victim)
    created.remove(victim)
    second = iot.list_certificates(pageSize=3, ascendingOrder=True, marker=first["nextMarker"])
    assert [c["certificateId"] for c in second["certificates"]] == created[2:5]


@pytest.mark.parametrize("kwargs", [{"pageSize": 251}, {"marker": "bm90LWEtbWFya2Vy"}, {"marker": "***"}])
def test_list_certificates_rejects_bad_paging_parameters(iot, kwargs):
    status, code, _ = error_of(iot.list_certificates, **kwargs)
    assert (status, code) == (400, "InvalidRequestException")


def test_list_certificates_by_ca_pages(iot):
    ca_pem, ca_key, ca_name = certificate_pem(ca=True)
    ca_id = iot.register_ca_certificate(caCertificate=ca_pem, setAsActive=True)["certificateId"]
    created = [
        iot.register_certificate(
            certificatePem=certificate_pem(ca_key, ca_name)[0], caCertificatePem=ca_pem, status="ACTIVE"
        )["certificateId"]
        for _ in range(3)
    ]
    first = iot.list_certificates_by_ca(caCertificateId=ca_id, pageSize=2, ascendingOrder=True)
    assert [c["certificateId"] for c in first["certificates"]] == created[:2]
    second = iot.list_certificates_by_ca(
        caCertificateId=ca_id, pageSize=2, ascendingOrder=True, marker=first["nextMarker"]
    )
    assert [c["certificateId"] for c in second["certificates"]] == created[2:]
    assert "nextMarker" not in second


# --- UpdateCertificate (API Reference: UpdateCertificate; Developer Guide: Revoke a client
# certificate) ------------------------------------------------------------------------------------


def status_of(iot, certificate_id):
    return iot.describe_certificate(certificateId=certificate_id)["certificateDescription"]["status"]


def test_documented_transitions_are_allowed(iot):
    certificate_id = iot.create_keys_and_certificate(setAsActive=True)["certificateId"]
    for status in ["INACTIVE", "ACTIVE", "ACTIVE", "REVOKED", "REVOKED"]:  # idempotent too
        iot.update_certificate(certificateId=certificate_id, newStatus=status)
        assert status_of(iot, certificate_id) == status


@pytest.mark.parametrize("new_status", ["ACTIVE", "INACTIVE"])
def test_revoked_is_final(iot, new_status):
    certificate_id = iot.create_keys_and_certificate(setAsActive=True)["certificateId"]
    iot.update_certificate(certificateId=certificate_id, newStatus="REVOKED")
    status, code, _ = error_of(iot.update_certificate, certificateId=certificate_id, newStatus=new_status)
    assert (status, code) == (406, "CertificateStateException")
    assert status_of(iot, certificate_id) == "REVOKED"


@pytest.mark.parametrize("new_status", ["PENDING_TRANSFER", "PENDING_ACTIVATION", "BOGUS"])
def test_internal_or_unknown_status_is_refused(iot, new_status):
    certificate_id = iot.create_keys_and_certificate(setAsActive=True)["certificateId"]
    status, code, _ = error_of(iot.update_certificate, certificateId=certificate_id, newStatus=new_status)
    assert (status, code) == (400, "InvalidRequestException")
    assert status_of(iot, certificate_id) == "ACTIVE"


# --- CreateThing (API Reference: CreateThing) ---------------------------------------------------


@pytest.fixture(scope="module")
def thing_type(iot):
    name = unique("LifecycleType")
    iot.create_thing_type(thingTypeName=name)
    return name


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"attributePayload": {}},
        {"attributePayload": {"attributes": {"location": "hall-1"}}},
        {"attributePayload": {"attributes": {"location": "hall-1"}, "merge": True}},
        {"typed": True, "attributePayload": {"attributes": {"firmware": "1.0.0"}}},
    ],
)
def test_create_thing_again_with_the_same_configuration_returns_it(iot, thing_type, config):
    config = dict(config)
    if config.pop("typed", False):
        config["thingTypeName"] = thing_type
    name = unique("same")
    first = iot.create_thing(thingName=name, **config)
    second = iot.create_thing(thingName=name, **config)
    strip = lambda r: {k: r[k] for k in ("thingName", "thingArn", "thingId")}  # noqa: E731
    assert strip(second) == strip(first)


@pytest.mark.parametrize(
    "change",
    [
        {"attributePayload": {"attributes": {"location": "hall-2"}}},
        {"attributePayload": {"attributes": {}}},
        {"typed": True, "attributePayload": {"attributes": {"location": "hall-1"}}},
    ],
)
def test_create_thing_with_a_different_configuration_is_refused(iot, thing_type, change):
    change = dict(change)
    if change.pop("typed", False):
        change["thingTypeName"] = thing_type
    name = unique("diff")
    created = iot.create_thing(thingName=name, attributePayload={"attributes": {"location": "hall-1"}})
    cert_arn = iot.create_keys_and_certificate(setAsActive=True)["certificateArn"]
    iot.attach_thing_principal(thingName=name, principal=cert_arn)

    status, code, response = error_of(iot.create_thing, thingName=name, **change)
    assert (status, code) == (409, "ResourceAlreadyExistsException")
    assert response["Error"]["Message"] == f"Thing {name} already exists in account with different attributes"

    # The existing thing is untouched (moto used to replace it).
    described = iot.describe_thing(thingName=name)
    assert described["thingId"] == created["thingId"]
    assert described["attributes"] == {"location": "hall-1"}
    assert "thingTypeName" not in described
    assert iot.list_thing_principals(thingName=name)["principals"] == [cert_arn]


@pytest.mark.parametrize(
    "name", ["has space", "has/slash", "has.dot", "ümlaut", "x" * 129, "semi;colon"]
)
def test_create_thing_rejects_invalid_names(iot, name):
    status, code, _ = error_of(iot.create_thing, thingName=name)
    assert (status, code) == (400, "InvalidRequestException")


def test_create_thing_accepts_valid_edge_names(iot):
    for name in ["a", "x" * 127 + "y", f"Fab:{uuid.uuid4().hex[:6]}_line-7"]:
        assert iot.create_thing(thingName=name)["thingName"] == name


@pytest.mark.parametrize(
    "attributes",
    [{"bad key": "v"}, {"k" * 129: "v"}, {"key": "bad value"}, {"key": "v" * 801}],
)
def test_create_thing_rejects_invalid_attributes(iot, attributes):
    name = unique("attrs")
    status, code, _ = error_of(iot.create_thing, thingName=name, attributePayload={"attributes": attributes})
    assert (status, code) == (400, "InvalidRequestException")
    status, code, _ = error_of(iot.describe_thing, thingName=name)
    assert (status, code) == (404, "ResourceNotFoundException")


# --- CreatePolicy / CreatePolicyVersion (API Reference: MalformedPolicyException) ---------------

VALID_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iot:Connect", "Resource": "*"}]}
)
MALFORMED = ["not json", "", "   ", "{", '["iot:Connect"]', '"a string"', "42", "null"]


@pytest.mark.parametrize("document", MALFORMED)
def test_create_policy_rejects_a_malformed_document(iot, document):
    name = unique("malformed")
    status, code, _ = error_of(iot.create_policy, policyName=name, policyDocument=document)
    assert (status, code) == (400, "MalformedPolicyException")
    status, code, _ = error_of(iot.get_policy, policyName=name)
    assert (status, code) == (404, "ResourceNotFoundException")


@pytest.mark.parametrize("document", MALFORMED[:5])
def test_create_policy_version_rejects_a_malformed_document(iot, document):
    name = unique("versioned")
    iot.create_policy(policyName=name, policyDocument=VALID_POLICY)
    status, code, _ = error_of(
        iot.create_policy_version, policyName=name, policyDocument=document, setAsDefault=True
    )
    assert (status, code) == (400, "MalformedPolicyException")
    versions = iot.list_policy_versions(policyName=name)["policyVersions"]
    assert [(v["versionId"], v["isDefaultVersion"]) for v in versions] == [("1", True)]


def test_create_policy_version_on_a_missing_policy_is_not_found(iot):
    status, code, _ = error_of(
        iot.create_policy_version, policyName=unique("missing"), policyDocument="not json"
    )
    assert (status, code) == (404, "ResourceNotFoundException")


def test_malformed_policy_error_is_shaped_like_aws(endpoint):
    request = urllib.request.Request(
        f"{endpoint}/policies/{unique('raw')}",
        data=json.dumps({"policyDocument": "{oops"}).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iot/"
            "aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request)
    assert err.value.code == 400
    assert err.value.headers["x-amzn-ErrorType"] == "MalformedPolicyException"
    body = json.load(err.value)
    assert body["message"]


# --- Attach idempotency (API Reference: AttachThingPrincipal, AttachPolicy) ---------------------


def test_attaching_twice_is_fine(iot):
    name = unique("twice")
    iot.create_thing(thingName=name)
    policy = unique("twice-policy")
    iot.create_policy(policyName=policy, policyDocument=VALID_POLICY)
    cert_arn = iot.create_keys_and_certificate(setAsActive=True)["certificateArn"]
    for _ in range(2):
        iot.attach_thing_principal(thingName=name, principal=cert_arn)
        iot.attach_policy(policyName=policy, target=cert_arn)
    assert iot.list_thing_principals(thingName=name)["principals"] == [cert_arn]
    assert [p["policyName"] for p in iot.list_attached_policies(target=cert_arn)["policies"]] == [policy]


# --- RegisterCertificateWithoutCA / RegisterCertificate ----------------------------------------


@pytest.mark.parametrize(
    "pem",
    ["garbage", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"],
)
@pytest.mark.parametrize("operation", ["register_certificate_without_ca", "register_certificate"])
def test_registering_something_that_is_not_a_certificate_is_a_validation_error(iot, pem, operation):
    status, code, _ = error_of(getattr(iot, operation), certificatePem=pem, status="ACTIVE")
    assert (status, code) == (400, "CertificateValidationException")


def test_registering_the_same_certificate_twice_is_refused(iot):
    pem = certificate_pem()[0]
    created = iot.register_certificate_without_ca(certificatePem=pem, status="ACTIVE")
    status, code, _ = error_of(iot.register_certificate_without_ca, certificatePem=pem, status="ACTIVE")
    assert (status, code) == (409, "ResourceAlreadyExistsException")
    assert status_of(iot, created["certificateId"]) == "ACTIVE"


# --- DeleteThing (API Reference: DeleteThing) and device removal --------------------------------


def test_deleting_a_thing_that_does_not_exist_succeeds(iot):
    iot.delete_thing(thingName=unique("never-made"))


def test_a_deleted_thing_is_in_no_group(iot):
    name, group = unique("leaver"), unique("left-group")
    iot.create_thing_group(thingGroupName=group)
    iot.create_thing(thingName=name)
    iot.add_thing_to_thing_group(thingGroupName=group, thingName=name)
    iot.delete_thing(thingName=name)
    assert iot.list_things_in_thing_group(thingGroupName=group)["things"] == []
    iot.create_thing(thingName=name)
    assert iot.list_thing_groups_for_thing(thingName=name)["thingGroups"] == []


def test_a_thing_with_a_principal_is_still_not_deleted(iot):
    name = unique("attached")
    iot.create_thing(thingName=name)
    arn = iot.create_keys_and_certificate(setAsActive=True)["certificateArn"]
    iot.attach_thing_principal(thingName=name, principal=arn)
    _, code, _ = error_of(iot.delete_thing, thingName=name)
    assert code == "InvalidRequestException"
    assert iot.describe_thing(thingName=name)["thingName"] == name


def test_a_revoked_certificate_is_deleted_once_detached(iot):
    # DeleteCertificate: "cannot be deleted if it has a policy or IoT thing attached to it or if
    # its status is set to ACTIVE": REVOKED (which UpdateCertificate cannot leave) is deletable.
    name = unique("revoked")
    iot.create_thing(thingName=name)
    created = iot.create_keys_and_certificate(setAsActive=True)
    arn, cert_id = created["certificateArn"], created["certificateId"]
    iot.attach_thing_principal(thingName=name, principal=arn)
    iot.update_certificate(certificateId=cert_id, newStatus="REVOKED")
    _, code, _ = error_of(iot.delete_certificate, certificateId=cert_id)
    assert code == "DeleteConflictException"
    iot.detach_thing_principal(thingName=name, principal=arn)
    iot.delete_certificate(certificateId=cert_id)
    _, code, _ = error_of(iot.describe_certificate, certificateId=cert_id)
    assert code == "ResourceNotFoundException"

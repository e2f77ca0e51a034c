"""What the console's bulk onboarding relies on, checked through boto3 as the console sees it:
the per-device calls (CreateThing, CreateCertificateFromCsr, AttachPolicy, AttachThingPrincipal,
AddThingToThingGroup) behave like AWS IoT, repeat idempotently, and the opt-in throttling
(stack/emulator/warden_throttle.py) answers like AWS's."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import LAUNCHER, client, running_emulator

POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iot:Connect", "Resource": "*"}]}
)


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    response = err.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response


def ec_csr(common_name):
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .sign(key, hashes.SHA256())
    )
    return key, csr.public_bytes(serialization.Encoding.PEM).decode()


def spki(public_key):
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def onboard(iot, thing, policy, csr_pem, group=None):
    """The console's per-device sequence; returns the certificate ARN."""
    iot.create_thing(thingName=thing)
    created = iot.create_certificate_from_csr(certificateSigningRequest=csr_pem, setAsActive=True)
    iot.attach_policy(policyName=policy, target=created["certificateArn"])
    iot.attach_thing_principal(thingName=thing, principal=created["certificateArn"])
    if group:
        iot.add_thing_to_thing_group(thingGroupName=group, thingName=thing)
    return created


@pytest.fixture(scope="module")
def policy(iot):
    name = unique("onboard-policy")
    iot.create_policy(policyName=name, policyDocument=POLICY)
    return name


# --- ListThingPrincipals --------------------------------------------------------------------


def test_list_thing_principals_returns_the_attached_certificate_arns(iot, policy):
    thing = unique("principals")
    first = onboard(iot, thing, policy, ec_csr(thing)[1])["certificateArn"]
    second = iot.create_certificate_from_csr(certificateSigningRequest=ec_csr(thing)[1])["certificateArn"]
    iot.attach_thing_principal(thingName=thing, principal=second)
    assert sorted(iot.list_thing_principals(thingName=thing)["principals"]) == sorted([first, second])

    bare = unique("bare")
    iot.create_thing(thingName=bare)
    assert iot.list_thing_principals(thingName=bare)["principals"] == []


def test_list_thing_principals_of_a_missing_thing_is_not_found(iot):
    status, code, _ = error_of(iot.list_thing_principals, thingName=unique("missing"))
    assert (status, code) == (404, "ResourceNotFoundException")


# --- CreateCertificateFromCsr + DescribeCertificate -----------------------------------------


def test_described_certificate_carries_the_csr_public_key(iot):
    key, csr_pem = ec_csr(unique("csr"))
    certificate_id = iot.create_certificate_from_csr(certificateSigningRequest=csr_pem, setAsActive=True)[
        "certificateId"
    ]
    description = iot.describe_certificate(certificateId=certificate_id)["certificateDescription"]
    cert = x509.load_pem_x509_certificate(description["certificatePem"].encode())
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.public_key().curve.name == "secp256r1"
    assert spki(cert.public_key()) == spki(key.public_key())
    assert description["status"] == "ACTIVE"


# --- ListCertificates order (API Reference: "ascendingOrder - If True, the results are returned
# in ascending order, based on the creation date"; absent or false: newest first) -----------


@pytest.fixture(scope="module")
def csr_certificates():
    """Its own emulator, so the certificate list holds exactly these 7 (oldest first)."""
    with running_emulator() as url:
        iot = client("iot", url)
        created = [
            iot.create_certificate_from_csr(certificateSigningRequest=ec_csr(f"order-{n}")[1], setAsActive=True)[
                "certificateId"
            ]
            for n in range(7)
        ]
        yield iot, created


def all_pages(iot, **kwargs):
    pages, marker = [], None
    while True:
        page = iot.list_certificates(**kwargs, **({"marker": marker} if marker else {}))
        pages.append(page["certificates"])
        marker = page.get("nextMarker")
        if not marker:
            return pages


def test_list_certificates_descending_pages_newest_first(csr_certificates):
    iot, created = csr_certificates
    pages = all_pages(iot, ascendingOrder=False, pageSize=3)
    assert [len(p) for p in pages] == [3, 3, 1]
    listed = [c for p in pages for c in p]
    assert [c["certificateId"] for c in listed] == created[::-1]
    dates = [c["creationDate"] for c in listed]
    assert dates == sorted(dates, reverse=True)
    assert all(c["status"] == "ACTIVE" and c["certificateArn"].endswith(c["certificateId"]) for c in listed)


def test_list_certificates_default_order_is_descending(csr_certificates):
    iot, created = csr_certificates
    default = [c["certificateId"] for p in all_pages(iot, pageSize=2) for c in p]
    assert default == created[::-1]
    ascending = [c["certificateId"] for p in all_pages(iot, ascendingOrder=True, pageSize=2) for c in p]
    assert ascending == created


# --- Idempotent repeats (a retried or resumed job repeats calls that already succeeded) ------


def test_onboarding_a_device_twice_leaves_one_of_everything(iot, policy):
    group = unique("onboard-group")
    iot.create_thing_group(thingGroupName=group)
    thing = unique("twice")
    csr_pem = ec_csr(thing)[1]
    created = onboard(iot, thing, policy, csr_pem, group)
    arn = created["certificateArn"]
    thing_id = iot.describe_thing(thingName=thing)["thingId"]

    # The resumed job repeats every step except issuing the certificate.
    assert iot.create_thing(thingName=thing)["thingId"] == thing_id
    iot.attach_policy(policyName=policy, target=arn)
    iot.attach_thing_principal(thingName=thing, principal=arn)
    iot.add_thing_to_thing_group(thingGroupName=group, thingName=thing)

    assert iot.list_thing_principals(thingName=thing)["principals"] == [arn]
    assert [p["policyName"] for p in iot.list_attached_policies(target=arn)["policies"]] == [policy]
    assert iot.list_targets_for_policy(policyName=policy)["targets"].count(arn) == 1
    assert iot.list_things_in_thing_group(thingGroupName=group)["things"] == [thing]
    assert [g["groupName"] for g in iot.list_thing_groups_for_thing(thingName=thing)["thingGroups"]] == [group]


def test_add_thing_to_thing_group_twice_by_arn_is_fine(iot):
    group = unique("arn-group")
    iot.create_thing_group(thingGroupName=group)
    thing = unique("arn-member")
    thing_arn = iot.create_thing(thingName=thing)["thingArn"]
    group_arn = iot.describe_thing_group(thingGroupName=group)["thingGroupArn"]
    for _ in range(2):
        iot.add_thing_to_thing_group(thingGroupArn=group_arn, thingArn=thing_arn)
    assert iot.list_things_in_thing_group(thingGroupName=group)["things"] == [thing]


# --- Throttling (opt-in; stack/emulator/warden_throttle.py) ----------------------------------


def control(url, limits=None):
    """GET (limits None) or POST the throttle configuration; returns (status, body)."""
    data = None if limits is None else json.dumps(limits).encode()
    request = urllib.request.Request(
        f"{url}/warden-emulator/throttle", data=data, method="GET" if data is None else "POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


def outcome(call, **kwargs):
    try:
        call(**kwargs)
        return "ok"
    except ClientError as err:
        return err.response["Error"]["Code"]


def burst(call, count, make_kwargs):
    """`count` calls within one second, after the window has emptied; their outcomes."""
    for _ in range(3):
        time.sleep(1.05)
        started = time.monotonic()
        results = [outcome(call, **make_kwargs()) for _ in range(count)]
        if time.monotonic() - started < 0.9:
            return results
    # A loaded developer machine may be too slow to test a one-second window; CI must not
    # pass by skipping it, so there it fails and says why.
    if os.environ.get("CI"):
        pytest.fail("the calls could not be made within one second in three tries (machine too slow?)")
    pytest.skip("this machine cannot make the calls within one second")


@pytest.fixture(scope="module")
def throttled():
    with running_emulator(WARDEN_EMULATOR_THROTTLE="CreateThing=5, AttachPolicy=5") as url:
        yield url, client("iot", url)  # conftest's client makes one attempt, no retries


def new_thing():
    return {"thingName": unique("throttled")}


def test_throttle_from_the_environment(throttled):
    url, iot = throttled
    assert control(url) == (200, {"limits": {"CreateThing": 5, "AttachPolicy": 5}})
    assert burst(iot.create_thing, 7, new_thing) == ["ok"] * 5 + ["ThrottlingException"] * 2
    # Other operations are not limited.
    assert burst(iot.list_things, 10, dict) == ["ok"] * 10
    # The window slides: a second later CreateThing works again.
    assert burst(iot.create_thing, 1, new_thing) == ["ok"]


def test_throttling_error_is_shaped_like_aws(throttled):
    url, iot = throttled
    burst(iot.create_thing, 5, new_thing)
    request = urllib.request.Request(
        f"{url}/things/{unique('raw')}",
        data=b"{}",
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
    assert err.value.headers["x-amzn-ErrorType"] == "ThrottlingException"
    assert err.value.headers["x-amzn-RequestId"]
    assert json.load(err.value) == {"__type": "ThrottlingException", "message": "Rate exceeded"}

    status, code, response = error_of(iot.create_thing, thingName=unique("boto"))
    assert (status, code, response["Error"]["Message"]) == (400, "ThrottlingException", "Rate exceeded")


def test_throttle_changes_at_run_time(throttled):
    url, iot = throttled
    try:
        assert control(url, {"CreateThing": 5}) == (200, {"limits": {"CreateThing": 5}})
        assert burst(iot.create_thing, 6, new_thing) == ["ok"] * 5 + ["ThrottlingException"]

        assert control(url, {}) == (200, {"limits": {}})
        assert burst(iot.create_thing, 12, new_thing) == ["ok"] * 12

        thing = unique("principal-limit")
        iot.create_thing(thingName=thing)
        arns = [iot.create_keys_and_certificate()["certificateArn"] for _ in range(3)]
        assert control(url, {"AttachThingPrincipal": 2})[0] == 200
        principals = iter(arns)
        results = burst(
            iot.attach_thing_principal, 3, lambda: {"thingName": thing, "principal": next(principals)}
        )
        assert results == ["ok", "ok", "ThrottlingException"]
        assert sorted(iot.list_thing_principals(thingName=thing)["principals"]) == sorted(arns[:2])
    finally:
        control(url, {"CreateThing": 5, "AttachPolicy": 5})


@pytest.mark.parametrize(
    "bad",
    [{"NoSuchOperation": 5}, {"CreateThing": -1}, {"CreateThing": "5"}, {"CreateThing": 1.5}, ["CreateThing"]],
)
def test_bad_throttle_configuration_is_refused_and_changes_nothing(throttled, bad):
    url, _ = throttled
    status, body = control(url, bad)
    assert status == 400 and body["message"]
    assert control(url) == (200, {"limits": {"CreateThing": 5, "AttachPolicy": 5}})


def test_bad_throttle_environment_stops_the_emulator():
    env = dict(os.environ, WARDEN_EMULATOR_THROTTLE="CreateThing:5", MOTO_PORT="1")
    result = subprocess.run(
        [sys.executable, str(LAUNCHER)], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "WARDEN_EMULATOR_THROTTLE" in result.stderr and "Operation=N" in result.stderr


def test_no_throttling_by_default(iot, endpoint):
    assert control(endpoint) == (200, {"limits": {}})
    assert burst(iot.create_thing, 12, new_thing) == ["ok"] * 12

"""stack/seed.py builds the demo fleet docs/contract.md and the brief describe, idempotently."""

import collections
import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from conftest import STACK_DIR, client, running_emulator

SENSORS = ["sensor-001", "sensor-002", "sensor-003"]
POLICY = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":'
    '"arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}","Condition":{"Bool":'
    '{"iot:Connection.Thing.IsAttached":"true"}}},{"Effect":"Allow","Action":"iot:Publish",'
    '"Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry",'
    '"arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/status"]},{"Effect":'
    '"Allow","Action":"iot:Subscribe","Resource":["arn:aws:iot:*:*:topicfilter/sensors/'
    '${iot:Connection.Thing.ThingName}/commands","arn:aws:iot:*:*:topicfilter/sensors/'
    '${iot:Connection.Thing.ThingName}/config"]},{"Effect":"Allow","Action":"iot:Receive",'
    '"Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/commands",'
    '"arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/config"]},{"Effect":'
    '"Allow","Action":["iot:UpdateThingShadow","iot:GetThingShadow"],"Resource":'
    '"arn:aws:iot:*:*:thing/${iot:Connection.Thing.ThingName}"}]}'
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    device_dir = tmp_path_factory.mktemp("devices")
    with running_emulator() as url:

        def seed(*args, **extra_env):
            # The defaults are what is checked: a table name exported by stack/env.sh must not leak in.
            env = {k: v for k, v in os.environ.items() if k != "WARDEN_JOBS_TABLE"}
            result = subprocess.run(
                [sys.executable, str(STACK_DIR / "seed.py"), "--device-dir", str(device_dir), *args],
                env=dict(env, AWS_ENDPOINT_URL=url, AWS_REGION="us-east-1", **extra_env),
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, result.stdout + result.stderr
            return result.stdout

        first = seed()
        yield {"url": url, "seed": seed, "first": first, "device_dir": device_dir}


def fleet_snapshot(url):
    iot, ddb = client("iot", url), client("dynamodb", url)
    return {
        "things": sorted(t["thingName"] for t in iot.list_things(maxResults=250)["things"]),
        "certificates": sorted(c["certificateId"] for c in iot.list_certificates()["certificates"]),
        "events": ddb.scan(TableName="IoTSecurityEvents", Select="COUNT")["Count"],
        "tables": sorted(ddb.list_tables()["TableNames"]),
        "policy_versions": len(iot.list_policy_versions(policyName="RestrictiveSensorPolicy")["policyVersions"]),
    }


def test_policy_document_is_exact(seeded):
    iot = client("iot", seeded["url"])
    assert iot.get_policy(policyName="RestrictiveSensorPolicy")["policyDocument"] == POLICY


def test_sensors_types_attributes_and_group(seeded):
    iot = client("iot", seeded["url"])
    assert iot.describe_thing_type(thingTypeName="IndustrialSensor")["thingTypeName"] == "IndustrialSensor"
    for index, name in enumerate(SENSORS, start=1):
        thing = iot.describe_thing(thingName=name)
        assert thing["thingTypeName"] == "IndustrialSensor"
        assert thing["attributes"] == {
            "location": f"factory-{index:03d}",
            "deviceType": "temperature-sensor",
            "firmwareVersion": "1.0.0",
        }
    members = iot.list_things_in_thing_group(thingGroupName="IndustrialSensors")["things"]
    assert sorted(members) == SENSORS


@pytest.mark.parametrize("name,key_type", [
    ("sensor-001", rsa.RSAPublicKey), ("sensor-002", rsa.RSAPublicKey), ("sensor-003", ec.EllipticCurvePublicKey),
])
def test_each_sensor_has_its_own_active_certificate_with_the_policy(seeded, name, key_type):
    iot = client("iot", seeded["url"])
    principals = iot.list_thing_principals(thingName=name)["principals"]
    assert len(principals) == 1
    arn = principals[0]
    description = iot.describe_certificate(certificateId=arn.split("/")[-1])["certificateDescription"]
    assert description["status"] == "ACTIVE"
    cert = x509.load_pem_x509_certificate(description["certificatePem"].encode())
    assert isinstance(cert.public_key(), key_type)
    if key_type is ec.EllipticCurvePublicKey:
        assert cert.public_key().curve.name == "secp256r1"
        assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == name
    policies = [p["policyName"] for p in iot.list_attached_policies(target=arn)["policies"]]
    assert policies == ["RestrictiveSensorPolicy"]
    saved = (seeded["device_dir"] / name / "certificate.pem.crt").read_text()
    assert saved == description["certificatePem"]
    all_principals = {
        p for thing in SENSORS for p in iot.list_thing_principals(thingName=thing)["principals"]
    }
    assert len(all_principals) == 3


def test_shadows(seeded):
    data = client("iot-data", seeded["url"])
    one = json.loads(data.get_thing_shadow(thingName="sensor-001")["payload"].read())["state"]
    assert "temperature" in one["reported"] and one["delta"]
    two = json.loads(data.get_thing_shadow(thingName="sensor-002")["payload"].read())["state"]
    assert "temperature" in two["reported"] and "delta" not in two
    with pytest.raises(data.exceptions.ResourceNotFoundException):
        data.get_thing_shadow(thingName="sensor-003")


def test_events_table(seeded):
    ddb = client("dynamodb", seeded["url"])
    table = ddb.describe_table(TableName="IoTSecurityEvents")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "eventId", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    [gsi] = table["GlobalSecondaryIndexes"]
    assert gsi["IndexName"] == "DeviceIndex"
    assert gsi["KeySchema"] == [
        {"AttributeName": "deviceId", "KeyType": "HASH"},
        {"AttributeName": "timestamp", "KeyType": "RANGE"},
    ]
    ttl = ddb.describe_time_to_live(TableName="IoTSecurityEvents")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}

    items = ddb.scan(TableName="IoTSecurityEvents")["Items"]
    assert 250 <= len(items) <= 350
    now = dt.datetime.now(dt.timezone.utc)
    types = collections.Counter()
    for item in items:
        assert {"eventId", "eventType", "deviceId", "timestamp", "sourceIp", "clientId",
                "severity", "details", "ttl"} <= set(item)
        moment = dt.datetime.strptime(item["timestamp"]["S"], "%Y-%m-%dT%H:%M:%S.%f%z")
        assert now - dt.timedelta(days=30, minutes=5) <= moment <= now
        assert int(item["ttl"]["N"]) == int((moment + dt.timedelta(days=90)).timestamp())
        types[item["eventType"]["S"]] += 1
    assert set(types) >= {"Connect.AuthError", "Publish.AuthError", "Subscribe.AuthError",
                          "Connect.Success", "Disconnect", "Defender.Violation"}

    newest_first = ddb.query(
        TableName="IoTSecurityEvents", IndexName="DeviceIndex",
        KeyConditionExpression="deviceId = :d", ExpressionAttributeValues={":d": {"S": "sensor-002"}},
        ScanIndexForward=False,
    )["Items"]
    stamps = [i["timestamp"]["S"] for i in newest_first]
    assert stamps and stamps == sorted(stamps, reverse=True)


def test_onboarding_jobs_table(seeded):
    ddb = client("dynamodb", seeded["url"])
    table = ddb.describe_table(TableName="iot-warden-onboarding-jobs")["Table"]
    assert table["KeySchema"] == [
        {"AttributeName": "job", "KeyType": "HASH"},
        {"AttributeName": "item", "KeyType": "RANGE"},
    ]
    assert sorted(table["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == [
        {"AttributeName": "item", "AttributeType": "S"},
        {"AttributeName": "job", "AttributeType": "S"},
    ]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert not table.get("GlobalSecondaryIndexes") and not table.get("LocalSecondaryIndexes")
    assert ddb.scan(TableName="iot-warden-onboarding-jobs", Select="COUNT")["Count"] == 0


def test_onboarding_profiles_table_with_the_demo_profile(seeded):
    ddb = client("dynamodb", seeded["url"])
    table = ddb.describe_table(TableName="iot-warden-onboarding-profiles")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "name", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    item = ddb.get_item(TableName="iot-warden-onboarding-profiles",
                        Key={"name": {"S": "industrial-sensor"}})["Item"]
    profile = json.loads(item["profile"]["S"])
    assert profile["name"] == "industrial-sensor"
    assert profile["policies"] == ["RestrictiveSensorPolicy"]
    assert profile["groups"] == ["IndustrialSensors"]
    assert profile["thing_type"] == "IndustrialSensor"
    assert item["version"]["N"] == "1"


def test_sessions_table_with_its_ttl(seeded):
    ddb = client("dynamodb", seeded["url"])
    table = ddb.describe_table(TableName="iot-warden-sessions")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = ddb.describe_time_to_live(TableName="iot-warden-sessions")["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED" and ttl["AttributeName"] == "expires"
    assert ddb.scan(TableName="iot-warden-sessions", Select="COUNT")["Count"] == 0


def test_jobs_table_name_comes_from_the_environment(seeded):
    output = seeded["seed"](WARDEN_JOBS_TABLE="other-onboarding-jobs")
    assert "table other-onboarding-jobs: created" in output
    ddb = client("dynamodb", seeded["url"])
    key = ddb.describe_table(TableName="other-onboarding-jobs")["Table"]["KeySchema"]
    assert [k["AttributeName"] for k in key] == ["job", "item"]
    ddb.delete_table(TableName="other-onboarding-jobs")


def test_reseeding_changes_nothing(seeded):
    before = fleet_snapshot(seeded["url"])
    output = seeded["seed"]()
    assert fleet_snapshot(seeded["url"]) == before
    assert "created" not in output and "written" not in output


def test_large_fleet(seeded):
    output = seeded["seed"]("--large", "40")
    assert "large fleet: 40 created" in output
    iot = client("iot", seeded["url"])
    fleet = [t for t in iot.list_things(maxResults=250)["things"] if t["thingName"].startswith("fleet-")]
    assert sorted(t["thingName"] for t in fleet) == [f"fleet-{n:05d}" for n in range(1, 41)]
    assert {t["thingTypeName"] for t in fleet} == {"IndustrialSensor"}
    assert len({t["attributes"]["firmwareVersion"] for t in fleet}) > 1
    assert len(iot.list_things_in_thing_group(thingGroupName="FleetScale")["things"]) == 20
    assert "large fleet: 0 created, 40 existed" in seeded["seed"]("--large", "40")

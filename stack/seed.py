#!/usr/bin/env python3
"""Seeds the local emulator with IoT Warden's demo fleet. Safe to run again: what exists is
skipped, nothing is duplicated.

    .tools/venv/bin/python stack/seed.py [--large N] [--threads T]

Endpoint and region come from AWS_ENDPOINT_URL and AWS_REGION (source stack/env.sh).
Device keys and certificates are written to $STACK_STATE_DIR/devices/<thing>/ (default
.stack/devices, --device-dir) for demos. The onboarding jobs table is named by
WARDEN_JOBS_TABLE (default iot-warden-onboarding-jobs), the onboarding profiles table by
WARDEN_PROFILES_TABLE (default iot-warden-onboarding-profiles), the sessions table by
WARDEN_SESSIONS_TABLE (default iot-warden-sessions).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[1]
# Next to the stack's pids and logs (start.sh's STACK_STATE_DIR), so that a second stack
# instance does not overwrite the device files of the first.
DEFAULT_DEVICE_DIR = Path(os.environ.get("STACK_STATE_DIR") or ROOT / ".stack") / "devices"

THING_TYPE = "IndustrialSensor"
POLICY_NAME = "RestrictiveSensorPolicy"
# Exactly this document (docs: stack/README.md); stored as given, byte for byte.
POLICY_DOCUMENT = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect",'
    '"Resource":"arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}",'
    '"Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},'
    '{"Effect":"Allow","Action":"iot:Publish","Resource":['
    '"arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry",'
    '"arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/status"]},'
    '{"Effect":"Allow","Action":"iot:Subscribe","Resource":['
    '"arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/commands",'
    '"arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/config"]},'
    '{"Effect":"Allow","Action":"iot:Receive","Resource":['
    '"arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/commands",'
    '"arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/config"]},'
    '{"Effect":"Allow","Action":["iot:UpdateThingShadow","iot:GetThingShadow"],'
    '"Resource":"arn:aws:iot:*:*:thing/${iot:Connection.Thing.ThingName}"}]}'
)
SENSORS = ["sensor-001", "sensor-002", "sensor-003"]
CSR_SENSORS = {"sensor-003"}  # certificate from an EC P-256 CSR; the others CreateKeysAndCertificate
GROUP = "IndustrialSensors"
LARGE_GROUP = "FleetScale"
TABLE = "IoTSecurityEvents"
# Bulk-onboarding job state of the console (docs/contract.md): partition key `job`, sort key
# `item`, both strings; on-demand; no index. Created empty.
JOBS_TABLE = os.environ.get("WARDEN_JOBS_TABLE") or "iot-warden-onboarding-jobs"
# Onboarding profiles of the console: partition key `name` (string); on-demand; no index. The
# item's `profile` is the profile as JSON, `version` counts its saves (src/server/aws/sdk/
# profile_store.rs reads exactly this). Seeded with one demo profile for the demo sensors.
PROFILES_TABLE = os.environ.get("WARDEN_PROFILES_TABLE") or "iot-warden-onboarding-profiles"
# Sessions and live run status every console replica shares: partition key `id` (string),
# on-demand, TTL on `expires` (Unix seconds; src/server/aws/sdk/console_table.rs). Created empty.
SESSIONS_TABLE = os.environ.get("WARDEN_SESSIONS_TABLE") or "iot-warden-sessions"
DEMO_PROFILE = {
    "name": "industrial-sensor",
    "description": "A temperature/humidity sensor on the demo factory floor",
    "thing_type": THING_TYPE,
    "groups": [GROUP],
    "policies": [POLICY_NAME],
    "required_attributes": ["location"],
    "optional_attributes": ["deviceType", "firmwareVersion"],
}
EVENT_COUNT = 300
EVENT_DAYS = 30
TTL_DAYS = 90
# Fixed namespace: the same event index always gets the same eventId, so re-runs overwrite.
EVENT_NAMESPACE = uuid.UUID("6f1c2a4e-9b7d-4c1e-8f3a-2d5b6c7e8f90")

SHADOWS = {
    "sensor-001": {
        "state": {
            "reported": {
                "temperature": 22.4,
                "humidity": 41.2,
                "status": "online",
                "firmwareVersion": "1.0.0",
                "reportingIntervalSeconds": 60,
                "alarmThreshold": 80,
            },
            # differs from reported → the shadow has a delta the console can show
            "desired": {"reportingIntervalSeconds": 30, "alarmThreshold": 75},
        }
    },
    "sensor-002": {
        "state": {
            "reported": {
                "temperature": 19.8,
                "humidity": 47.5,
                "status": "online",
                "firmwareVersion": "1.0.0",
                "reportingIntervalSeconds": 60,
                "alarmThreshold": 80,
            }
        }
    },
}


def log(message: str) -> None:
    print(f"[seed] {message}", flush=True)


def clients():
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        sys.exit("AWS_ENDPOINT_URL is not set (source stack/env.sh)")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, max_pool_connections=32)
    session = boto3.session.Session(
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
        region_name=region,
    )

    def make(service):
        return session.client(service, endpoint_url=endpoint, config=config)

    # The resource API's batch_writer handles 25-item chunks and unprocessed items.
    table = session.resource("dynamodb", endpoint_url=endpoint, config=config).Table(TABLE)
    return make("iot"), make("iot-data"), make("dynamodb"), table


def error_code(err: ClientError) -> str:
    return err.response.get("Error", {}).get("Code", "")


def exists(call, **kwargs) -> bool:
    try:
        call(**kwargs)
        return True
    except ClientError as err:
        if error_code(err) == "ResourceNotFoundException":
            return False
        raise


def ensure_thing_type(iot) -> None:
    if exists(iot.describe_thing_type, thingTypeName=THING_TYPE):
        log(f"thing type {THING_TYPE}: exists")
        return
    iot.create_thing_type(
        thingTypeName=THING_TYPE,
        thingTypeProperties={
            "thingTypeDescription": "Industrial temperature/humidity sensor on the factory floor",
            "searchableAttributes": ["location", "deviceType", "firmwareVersion"],
        },
    )
    log(f"thing type {THING_TYPE}: created")


def ensure_policy(iot) -> None:
    try:
        current = iot.get_policy(policyName=POLICY_NAME)["policyDocument"]
    except ClientError as err:
        if error_code(err) != "ResourceNotFoundException":
            raise
        iot.create_policy(policyName=POLICY_NAME, policyDocument=POLICY_DOCUMENT)
        log(f"policy {POLICY_NAME}: created")
        return
    if json.loads(current) != json.loads(POLICY_DOCUMENT):
        log(f"WARNING: policy {POLICY_NAME} exists with a different document; left as is")
    else:
        log(f"policy {POLICY_NAME}: exists")


def ensure_thing_group(iot, name: str, description: str) -> None:
    if exists(iot.describe_thing_group, thingGroupName=name):
        log(f"thing group {name}: exists")
        return
    iot.create_thing_group(
        thingGroupName=name, thingGroupProperties={"thingGroupDescription": description}
    )
    log(f"thing group {name}: created")


def sensor_attributes(index: int) -> dict[str, str]:
    return {
        "location": f"factory-{index:03d}",
        "deviceType": "temperature-sensor",
        "firmwareVersion": "1.0.0",
    }


def write_device_files(device_dir: Path, thing: str, files: dict[str, str]) -> None:
    folder = device_dir / thing
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.write_text(content)
        if name.endswith(".key"):
            path.chmod(0o600)


def issue_certificate(iot, thing: str, device_dir: Path) -> dict:
    if thing in CSR_SENSORS:
        key = ec.generate_private_key(ec.SECP256R1())
        csr = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "IoT Warden Demo Factory"),
                        x509.NameAttribute(NameOID.COMMON_NAME, thing),
                    ]
                )
            )
            .sign(key, hashes.SHA256())
        )
        created = iot.create_certificate_from_csr(
            certificateSigningRequest=csr.public_bytes(serialization.Encoding.PEM).decode(),
            setAsActive=True,
        )
        private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        how = "CreateCertificateFromCsr (EC P-256)"
    else:
        created = iot.create_keys_and_certificate(setAsActive=True)
        private_pem = created["keyPair"]["PrivateKey"]
        how = "CreateKeysAndCertificate (RSA 2048)"
    write_device_files(
        device_dir, thing, {"certificate.pem.crt": created["certificatePem"], "private.pem.key": private_pem}
    )
    log(f"{thing}: certificate {created['certificateId'][:12]}… via {how}")
    return created


def ensure_sensor(iot, index: int, thing: str, device_dir: Path) -> None:
    if exists(iot.describe_thing, thingName=thing):
        log(f"{thing}: exists")
    else:
        iot.create_thing(
            thingName=thing,
            thingTypeName=THING_TYPE,
            attributePayload={"attributes": sensor_attributes(index)},
        )
        log(f"{thing}: created")
    principals = iot.list_thing_principals(thingName=thing)["principals"]
    if not any(":cert/" in p for p in principals):
        cert = issue_certificate(iot, thing, device_dir)
        iot.attach_policy(policyName=POLICY_NAME, target=cert["certificateArn"])
        iot.attach_thing_principal(thingName=thing, principal=cert["certificateArn"])
    iot.add_thing_to_thing_group(thingGroupName=GROUP, thingName=thing)  # a no-op if a member


def ensure_shadows(iot_data) -> None:
    for thing, document in SHADOWS.items():
        if exists(iot_data.get_thing_shadow, thingName=thing):
            log(f"{thing}: shadow exists")
            continue
        iot_data.update_thing_shadow(thingName=thing, payload=json.dumps(document).encode())
        log(f"{thing}: shadow written")


def ensure_table(dynamodb) -> bool:
    """Creates the events table; returns True when it already existed."""
    if exists(dynamodb.describe_table, TableName=TABLE):
        return True
    dynamodb.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "eventId", "AttributeType": "S"},
            {"AttributeName": "deviceId", "AttributeType": "S"},
            {"AttributeName": "timestamp", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "eventId", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "DeviceIndex",
                "KeySchema": [
                    {"AttributeName": "deviceId", "KeyType": "HASH"},
                    {"AttributeName": "timestamp", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    dynamodb.get_waiter("table_exists").wait(TableName=TABLE, WaiterConfig={"Delay": 1})
    dynamodb.update_time_to_live(
        TableName=TABLE, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
    )
    log(f"table {TABLE}: created (on-demand, GSI DeviceIndex, TTL on ttl)")
    return False


def ensure_jobs_table(dynamodb) -> None:
    if exists(dynamodb.describe_table, TableName=JOBS_TABLE):
        log(f"table {JOBS_TABLE}: exists")
        return
    dynamodb.create_table(
        TableName=JOBS_TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "job", "AttributeType": "S"},
            {"AttributeName": "item", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "job", "KeyType": "HASH"},
            {"AttributeName": "item", "KeyType": "RANGE"},
        ],
    )
    dynamodb.get_waiter("table_exists").wait(TableName=JOBS_TABLE, WaiterConfig={"Delay": 1})
    log(f"table {JOBS_TABLE}: created (on-demand, key job + item)")


def ensure_sessions_table(dynamodb) -> None:
    if exists(dynamodb.describe_table, TableName=SESSIONS_TABLE):
        log(f"table {SESSIONS_TABLE}: exists")
        return
    dynamodb.create_table(
        TableName=SESSIONS_TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    dynamodb.get_waiter("table_exists").wait(TableName=SESSIONS_TABLE, WaiterConfig={"Delay": 1})
    dynamodb.update_time_to_live(
        TableName=SESSIONS_TABLE,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"},
    )
    log(f"table {SESSIONS_TABLE}: created (on-demand, key id, TTL on expires)")


def ensure_profiles_table(dynamodb) -> None:
    if exists(dynamodb.describe_table, TableName=PROFILES_TABLE):
        log(f"table {PROFILES_TABLE}: exists")
    else:
        dynamodb.create_table(
            TableName=PROFILES_TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "name", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "name", "KeyType": "HASH"}],
        )
        dynamodb.get_waiter("table_exists").wait(TableName=PROFILES_TABLE, WaiterConfig={"Delay": 1})
        log(f"table {PROFILES_TABLE}: created (on-demand, key name)")
    try:
        dynamodb.put_item(
            TableName=PROFILES_TABLE,
            Item={
                "name": {"S": DEMO_PROFILE["name"]},
                "profile": {"S": json.dumps(DEMO_PROFILE)},
                "version": {"N": "1"},
                "updated_by": {"S": "seed"},
                "updated_at": {"N": str(int(time.time()))},
            },
            ConditionExpression="attribute_not_exists(#n)",
            ExpressionAttributeNames={"#n": "name"},
        )
        log(f"onboarding profile {DEMO_PROFILE['name']}: created")
    except ClientError as err:
        if error_code(err) != "ConditionalCheckFailedException":
            raise
        log(f"onboarding profile {DEMO_PROFILE['name']}: exists")


# --- security events -------------------------------------------------------------------------

DEVICE_IPS = {"sensor-001": "10.20.1.11", "sensor-002": "10.20.2.12", "sensor-003": "10.20.3.13"}
ATTACKER_IPS = ["203.0.113.47", "198.51.100.23", "192.0.2.199"]


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def generate_events(now: dt.datetime) -> list[dict]:
    """~300 events over the last 30 days, with a few stories in them: sensor-002 publishing to
    another sensor's topic, an unknown client guessing client ids from outside, sensor-003
    subscribing too widely and a Device Defender violation."""
    rng = random.Random(20261123)
    start = now - dt.timedelta(days=EVENT_DAYS)
    events: list[dict] = []

    def add(moment, event_type, device, severity, details, client_id=None, source_ip=None, **extra):
        events.append(
            {
                "eventType": event_type,
                "deviceId": device,
                "moment": moment,
                "sourceIp": source_ip or DEVICE_IPS.get(device, rng.choice(ATTACKER_IPS)),
                "clientId": client_id or device,
                "severity": severity,
                "details": details,
                **extra,
            }
        )

    def at(day_offset, spread_hours=24.0):
        return start + dt.timedelta(days=day_offset, hours=rng.uniform(0, spread_hours))

    # Daily routine: reconnects after maintenance windows and network blips.
    for device in SENSORS:
        for _ in range(45):
            moment = at(rng.uniform(0, EVENT_DAYS - 1))
            add(moment, "Connect.Success", device, "INFO", "MQTT connection accepted (TLS 1.2, mutual auth)",
                protocol="MQTT")
            reason = rng.choice(["CLIENT_INITIATED_DISCONNECT", "MQTT_KEEP_ALIVE_TIMEOUT",
                                 "CONNECTION_LOST", "CLIENT_INITIATED_DISCONNECT"])
            add(moment + dt.timedelta(minutes=rng.randint(5, 600)), "Disconnect", device, "INFO",
                f"Disconnected: {reason}", protocol="MQTT", disconnectReason=reason)

    # sensor-002 tries to publish on sensor-001's topic (misconfigured firmware), 8 days ago.
    for _ in range(14):
        add(now - dt.timedelta(days=8, minutes=rng.randint(0, 180)), "Publish.AuthError", "sensor-002",
            "HIGH", "Publish to sensors/sensor-001/telemetry denied by RestrictiveSensorPolicy",
            protocol="MQTT", topic="sensors/sensor-001/telemetry", reason="AUTHORIZATION_FAILURE")

    # sensor-003 subscribes to a wildcard filter it is not allowed, a few times.
    for _ in range(8):
        add(at(rng.uniform(10, 25)), "Subscribe.AuthError", "sensor-003", "MEDIUM",
            "Subscribe to sensors/+/commands denied by RestrictiveSensorPolicy",
            protocol="MQTT", topic="sensors/+/commands", reason="AUTHORIZATION_FAILURE")

    # Someone outside guesses client ids with a stolen or made-up certificate, 2-3 days ago.
    for _ in range(20):
        target = rng.choice(SENSORS)
        add(now - dt.timedelta(days=2, hours=rng.uniform(0, 30)), "Connect.AuthError", target,
            "HIGH", f"Client id {target} presented a certificate not attached to the thing",
            client_id=target, source_ip=rng.choice(ATTACKER_IPS), protocol="MQTT",
            reason="CLIENT_ID_MISMATCH")
    for _ in range(6):
        client = f"unknown-{rng.randrange(16**4):04x}"
        add(at(rng.uniform(0, EVENT_DAYS - 1)), "Connect.AuthError", "unknown", "MEDIUM",
            f"Connection from unregistered client {client}: certificate unknown",
            client_id=client, source_ip=rng.choice(ATTACKER_IPS), protocol="MQTT",
            reason="UNKNOWN_CERTIFICATE")

    # Device Defender flagged the burst from sensor-002 and an odd source IP for sensor-001.
    add(now - dt.timedelta(days=8, minutes=200), "Defender.Violation", "sensor-002", "CRITICAL",
        "Behavior 'AuthorizationFailures' violated: 14 failures in 5 minutes (threshold 5)",
        behavior="AuthorizationFailures", securityProfile="SensorBaseline")
    add(now - dt.timedelta(days=2, hours=3), "Defender.Violation", "sensor-001", "HIGH",
        "Behavior 'SourceIpAllowList' violated: connection attempt from 203.0.113.47",
        behavior="SourceIpAllowList", securityProfile="SensorBaseline",
        source_ip="203.0.113.47")
    add(at(4), "Defender.Violation", "sensor-003", "LOW",
        "Behavior 'MessageSize' violated: 131072 bytes (threshold 65536)",
        behavior="MessageSize", securityProfile="SensorBaseline")

    events = [e for e in events if start <= e["moment"] <= now]
    events.sort(key=lambda e: e["moment"])
    items = []
    for index, event in enumerate(events):
        moment = event.pop("moment")
        items.append(
            {
                "eventId": str(uuid.uuid5(EVENT_NAMESPACE, str(index))),
                "timestamp": iso(moment),
                "ttl": int((moment + dt.timedelta(days=TTL_DAYS)).timestamp()),
                **event,
            }
        )
    return items


def ensure_events(dynamodb, table, existed: bool) -> None:
    if existed:
        count = dynamodb.scan(TableName=TABLE, Select="COUNT")["Count"]
        if count:
            log(f"table {TABLE}: exists with {count} events, left as is")
            return
    items = generate_events(dt.datetime.now(dt.timezone.utc))
    with table.batch_writer(overwrite_by_pkeys=["eventId"]) as batch:
        for item in items:
            batch.put_item(Item=item)
    log(f"table {TABLE}: {len(items)} security events written")


# --- large fleet -----------------------------------------------------------------------------

LOCATIONS = [f"factory-{i:02d}" for i in range(1, 9)]
DEVICE_TYPES = ["temperature-sensor", "humidity-sensor", "pressure-sensor", "vibration-sensor"]
FIRMWARE = ["1.0.0", "1.1.0", "1.2.3", "2.0.0-beta"]


def large_fleet_attributes(n: int) -> dict[str, str]:
    return {
        "location": LOCATIONS[n % len(LOCATIONS)],
        "deviceType": DEVICE_TYPES[(n // 3) % len(DEVICE_TYPES)],
        "firmwareVersion": FIRMWARE[(n // 7) % len(FIRMWARE)],
    }


def existing_fleet_names(iot) -> set[str]:
    names: set[str] = set()
    token = None
    while True:
        page = iot.list_things(thingTypeName=THING_TYPE, maxResults=250,
                               **({"nextToken": token} if token else {}))
        names.update(t["thingName"] for t in page["things"] if t["thingName"].startswith("fleet-"))
        token = page.get("nextToken")
        if not token:
            return names


def seed_large(iot, count: int, threads: int) -> None:
    ensure_thing_group(iot, LARGE_GROUP, "Scale-test fleet (seed.py --large)")
    started = time.monotonic()
    existing = existing_fleet_names(iot)
    todo = [n for n in range(1, count + 1) if f"fleet-{n:05d}" not in existing]
    done = 0
    lock = threading.Lock()

    def create(n: int) -> None:
        nonlocal done
        name = f"fleet-{n:05d}"
        arn = iot.create_thing(thingName=name, thingTypeName=THING_TYPE,
                               attributePayload={"attributes": large_fleet_attributes(n)})["thingArn"]
        if n % 2 == 0:
            # by ARN: moto finds a thing by name with a scan of all things
            iot.add_thing_to_thing_group(thingGroupName=LARGE_GROUP, thingArn=arn)
        with lock:
            done += 1
            if done % 1000 == 0:
                log(f"large fleet: {done}/{len(todo)}")

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(create, n) for n in todo]:
            future.result()
    elapsed = time.monotonic() - started
    rate = len(todo) / elapsed if elapsed and todo else 0
    log(f"large fleet: {len(todo)} created, {count - len(todo)} existed, "
        f"{elapsed:.1f} s ({rate:.0f} things/s, {threads} threads)")


def main() -> None:
    parser = argparse.ArgumentParser(description="Seed the local IoT Warden demo fleet.")
    parser.add_argument("--large", type=int, default=0, metavar="N",
                        help="also create N things fleet-00001… for scale checks")
    parser.add_argument("--threads", type=int, default=4, help="threads for --large (default 4)")
    parser.add_argument("--device-dir", type=Path, default=DEFAULT_DEVICE_DIR,
                        help="where device keys and certificates go "
                             "(default $STACK_STATE_DIR/devices, else .stack/devices)")
    args = parser.parse_args()

    started = time.monotonic()
    iot, iot_data, dynamodb, table = clients()
    ensure_thing_type(iot)
    ensure_policy(iot)
    ensure_thing_group(iot, GROUP, "All industrial sensors of the demo factory")
    for index, thing in enumerate(SENSORS, start=1):
        ensure_sensor(iot, index, thing, args.device_dir)
    ensure_shadows(iot_data)
    ensure_events(dynamodb, table, ensure_table(dynamodb))
    ensure_jobs_table(dynamodb)
    ensure_profiles_table(dynamodb)
    ensure_sessions_table(dynamodb)
    log(f"demo fleet ready in {time.monotonic() - started:.1f} s")
    if args.large > 0:
        seed_large(iot, args.large, max(1, args.threads))


if __name__ == "__main__":
    main()

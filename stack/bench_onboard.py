#!/usr/bin/env python3
"""Helper of stack/bench_onboard.sh (run that; this does its Python parts).

    bench_onboard.py csv FILE --prefix P --count N --policy NAME
        CSV for the console: thingName,policies,csr (EC P-256 CSR PEM, quoted, with newlines).
    bench_onboard.py check-policy NAME
        Exits 1 with a hint when the policy does not exist.
    bench_onboard.py sequential --prefix P --count K --policy NAME
        The console's per-device calls (CreateThing, CreateCertificateFromCsr with a CSR made
        beforehand, AttachPolicy, AttachThingPrincipal), one device at a time in this process;
        prints the seconds they took.
    bench_onboard.py verify-recipe --prefix P --count K --policy NAME
    bench_onboard.py verify-console --csv FILE --result RESULT.csv --policy NAME [--sample 20]
        Checks what a run created (things with exactly one principal, the policy on it; for the
        console also that the certificate carries the CSR's key).
    bench_onboard.py report --timings FILE
        The table: method, devices, seconds, devices/s, speed-ups.

Endpoint and credentials from the environment (source stack/env.sh).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

RESULT_HEADER = ["line", "thingName", "certificateId", "certificateArn", "status", "error"]


def iot_client():
    # Standard retries (3 attempts) as the AWS CLI's default; the stack does not throttle
    # unless WARDEN_EMULATOR_THROTTLE is set.
    return boto3.client("iot", config=Config(retries={"mode": "standard", "total_max_attempts": 3}))


def make_csr(thing: str) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, thing)]))
        .sign(key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def names(prefix: str, count: int, width: int = 5) -> list[str]:
    return [f"{prefix}-{n:0{width}d}" for n in range(1, count + 1)]


def cmd_csv(args) -> None:
    started = time.perf_counter()
    with open(args.file, "w", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(["thingName", "policies", "csr"])
        for thing in names(args.prefix, args.count):
            writer.writerow([thing, args.policy, make_csr(thing)])
    # Read it back as the console will: one row per device, each cell a whole CSR.
    with open(args.file, newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["thingName"] for r in rows] == names(args.prefix, args.count)
    for row in rows:
        x509.load_pem_x509_csr(row["csr"].encode())
    print(f"{args.count} rows with EC P-256 CSRs in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def cmd_check_policy(args) -> None:
    try:
        iot_client().get_policy(policyName=args.name)
    except ClientError as err:
        code = err.response["Error"]["Code"]
        hint = " (seed the stack: stack/start.sh --seed)" if code == "ResourceNotFoundException" else ""
        sys.exit(f"policy {args.name}: {code}{hint}")


def cmd_sequential(args) -> None:
    iot = iot_client()
    things = names(args.prefix, args.count, 3)
    csrs = [make_csr(t) for t in things]  # made beforehand: the console reads them from the CSV
    iot.list_things(maxResults=1)  # connection and endpoint set up outside the timing
    started = time.perf_counter()
    for thing, csr_pem in zip(things, csrs):
        iot.create_thing(thingName=thing)
        arn = iot.create_certificate_from_csr(certificateSigningRequest=csr_pem, setAsActive=True)[
            "certificateArn"
        ]
        iot.attach_policy(policyName=args.policy, target=arn)
        iot.attach_thing_principal(thingName=thing, principal=arn)
    print(f"{time.perf_counter() - started:.3f}")
    check_things(iot, things, args.policy)


def check_things(iot, things, policy, expected_arns=None) -> dict[str, str]:
    """Each thing exists with exactly one principal that carries `policy`; returns thing -> ARN."""
    found = {}
    for thing in things:
        try:
            principals = iot.list_thing_principals(thingName=thing)["principals"]
        except ClientError as err:
            sys.exit(f"verify: {thing}: {err.response['Error']['Code']}")
        if len(principals) != 1:
            sys.exit(f"verify: {thing} has {len(principals)} principals, expected 1: {principals}")
        arn = principals[0]
        if expected_arns is not None and arn != expected_arns[thing]:
            sys.exit(f"verify: {thing}: principal {arn} is not the result's {expected_arns[thing]}")
        policies = [p["policyName"] for p in iot.list_attached_policies(target=arn)["policies"]]
        if policy not in policies:
            sys.exit(f"verify: {thing}: policy {policy} not on {arn} (has {policies})")
        found[thing] = arn
    return found


def cmd_verify_recipe(args) -> None:
    things = names(args.prefix, args.count, 3)
    check_things(iot_client(), things, args.policy)
    print(f"recipe: all {len(things)} things have one certificate with {args.policy}", file=sys.stderr)


def spki(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def cmd_verify_console(args) -> None:
    with open(args.csv, newline="") as f:
        requested = {row["thingName"]: row["csr"] for row in csv.DictReader(f)}
    with open(args.result, newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != RESULT_HEADER:
            sys.exit(f"verify: {args.result} header is {reader.fieldnames}, expected {RESULT_HEADER}")
        rows = list(reader)
    by_thing = {r["thingName"]: r for r in rows}
    problems = []
    if len(rows) != len(requested) or set(by_thing) != set(requested):
        problems.append(f"{len(rows)} result rows for {len(requested)} requested things "
                        f"({len(set(requested) - set(by_thing))} missing)")
    not_done = [r for r in rows if r["status"] != "done"]
    if not_done:
        sample = "; ".join(f"{r['thingName']}: {r['status']} {r['error']}" for r in not_done[:5])
        problems.append(f"{len(not_done)} rows not done, e.g. {sample}")
    if problems:
        sys.exit("verify: " + " | ".join(problems))

    iot = iot_client()
    sample = random.sample(sorted(requested), min(args.sample, len(requested)))
    arns = {t: by_thing[t]["certificateArn"] for t in sample}
    check_things(iot, sample, args.policy, arns)
    for thing in sample:
        row = by_thing[thing]
        if not row["certificateArn"].endswith("/" + row["certificateId"]):
            sys.exit(f"verify: {thing}: certificateArn {row['certificateArn']} does not end in its id")
        pem = iot.describe_certificate(certificateId=row["certificateId"])["certificateDescription"]["certificatePem"]
        certificate_key = x509.load_pem_x509_certificate(pem.encode()).public_key()
        csr_key = x509.load_pem_x509_csr(requested[thing].encode()).public_key()
        if spki(certificate_key) != spki(csr_key):
            sys.exit(f"verify: {thing}: the certificate does not carry the CSR's key")
    print(f"console: {len(rows)} rows done; {len(sample)} sampled things have exactly one certificate "
          f"(the CSR's key) with {args.policy}", file=sys.stderr)


def cmd_report(args) -> None:
    rows = []  # (method, devices, seconds)
    for line in Path(args.timings).read_text().splitlines():
        if line.strip():
            method, devices, seconds = line.split("\t")
            rows.append((method, int(devices), float(seconds)))
    rate = {m: d / s if s > 0 else float("inf") for m, d, s in rows}
    width = max(len(m) for m, _, _ in rows) + 2
    print()
    print(f"{'method':<{width}}{'devices':>8}{'seconds':>10}{'devices/s':>11}")
    for method, devices, seconds in rows:
        print(f"{method:<{width}}{devices:>8}{seconds:>10.2f}{rate[method]:>11.2f}")
    console = next((m for m, _, _ in rows if m.startswith("console")), None)
    recipe = next((m for m, _, _ in rows if m.startswith("recipe")), None)
    sequential = next((m for m, _, _ in rows if m.startswith("boto3")), None)
    print()
    if recipe:
        k = next(d for m, d, _ in rows if m == recipe)
        print(f"The recipe's rate was measured on {k} devices (four AWS CLI processes per device).")
    if console:
        for other, label in ((recipe, "the recipe"), (sequential, "the boto3 sequential baseline")):
            if other:
                print(f"Console speed-up vs {label}: {rate[console] / rate[other]:.1f}x")
    elif recipe and sequential:
        print(f"(console skipped) boto3 sequential vs the recipe: {rate[sequential] / rate[recipe]:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("csv")
    p.add_argument("file")
    p.add_argument("--prefix", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--policy", required=True)
    p.set_defaults(run=cmd_csv)
    p = sub.add_parser("check-policy")
    p.add_argument("name")
    p.set_defaults(run=cmd_check_policy)
    for name, run in (("sequential", cmd_sequential), ("verify-recipe", cmd_verify_recipe)):
        p = sub.add_parser(name)
        p.add_argument("--prefix", required=True)
        p.add_argument("--count", type=int, required=True)
        p.add_argument("--policy", required=True)
        p.set_defaults(run=run)
    p = sub.add_parser("verify-console")
    p.add_argument("--csv", required=True)
    p.add_argument("--result", required=True)
    p.add_argument("--policy", required=True)
    p.add_argument("--sample", type=int, default=20)
    p.set_defaults(run=cmd_verify_console)
    p = sub.add_parser("report")
    p.add_argument("--timings", required=True)
    p.set_defaults(run=cmd_report)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()

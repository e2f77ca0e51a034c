#!/usr/bin/env python3
"""Times the console's inventory calls against the raw AWS calls behind them.

Run against a running console and stack (scripts/dev.sh --large 10000, or stack/start.sh
--large 10000 plus a console): signs in through the IdP's real form as `admin`, then times
each server function N times and the equivalent boto3 calls on the same emulator, and prints
medians. The console's figure includes every call it makes per row (groups, principals,
certificate, policies), so the ratio shows the cost of a full row, not of one list call.

Usage: .tools/venv/bin/python stack/bench_inventory.py [--console URL] [--runs N]
"""
import argparse
import os
import re
import statistics
import sys
import time
from urllib.parse import urljoin

import boto3
import requests


def sign_in(console, user, password):
    s = requests.Session()
    r = s.get(f"{console}/auth/login", allow_redirects=True, timeout=30)
    m = re.search(r'action="([^"]+)"', r.text)
    if not m:
        sys.exit(f"no login form at {r.url}")
    r = s.post(urljoin(r.url, m.group(1)), data={"username": user, "password": password}, timeout=30)
    if not r.url.startswith(console):
        sys.exit(f"sign-in did not return to the console (ended at {r.url})")
    return s


def timed(fn, runs):
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--console", default=f"http://127.0.0.1:{os.environ.get('WARDEN_PORT', '3000')}")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    console = args.console.rstrip("/")
    s = sign_in(console, "admin", "warden-local-pw")
    headers = {"Origin": console}

    def call(fn, **form):
        r = s.post(f"{console}/api/{fn}", data=form, headers=headers, timeout=120)
        r.raise_for_status()
        return r.json()

    iot = boto3.client("iot")
    total = sum(1 for p in iot.get_paginator("list_things").paginate() for _ in p["things"])
    print(f"fleet: {total} things; median of {args.runs} runs each\n")
    rows = [
        ("console list_devices, 25 rows", lambda: call("list_devices", **{"query[page_size]": "25"})),
        ("console list_devices, 100 rows", lambda: call("list_devices", **{"query[page_size]": "100"})),
        ("console list_devices, prefix sensor- (scans)", lambda: call("list_devices", **{"query[name_prefix]": "sensor-"})),
        ("console list_devices, group FleetScale, 25", lambda: call("list_devices", **{"query[group]": "FleetScale", "query[page_size]": "25"})),
        ("console get_device sensor-001", lambda: call("get_device", name="sensor-001")),
        ("raw ListThings, 100", lambda: iot.list_things(maxResults=100)),
        ("raw per-row calls x25 (groups, principals, cert, policies)", lambda: raw_rows(iot, 25)),
    ]
    results = {}
    for name, fn in rows:
        results[name] = timed(fn, args.runs)
        print(f"{name:<60} {results[name] * 1000:8.0f} ms")
    ratio = results["console list_devices, 25 rows"] / results["raw per-row calls x25 (groups, principals, cert, policies)"]
    print(f"\nconsole 25-row page / same calls made sequentially with boto3: {ratio:.2f}")


def raw_rows(iot, n):
    things = iot.list_things(maxResults=n)["things"]
    for t in things:
        name = t["thingName"]
        iot.list_thing_groups_for_thing(thingName=name)
        for p in iot.list_thing_principals(thingName=name)["principals"]:
            if ":cert/" in p:
                iot.describe_certificate(certificateId=p.split(":cert/")[1])
                iot.list_attached_policies(target=p)


if __name__ == "__main__":
    main()

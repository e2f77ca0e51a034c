"""Starts the stack's servers on free ports for the tests."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

STACK_DIR = Path(__file__).resolve().parents[1]
LAUNCHER = STACK_DIR / "emulator" / "warden_moto.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(command, port_variable, health_path, cwd=None, extra_env=None):
    """Runs `command` with $port_variable set to a free port (and `extra_env`) until
    `health_path` answers; yields the base URL and stops the process afterwards."""
    port = _free_port()
    # The servers' own defaults are what these tests check: settings a surrounding stack
    # exported (stack/env.sh, scripts/test.sh) must not leak in.
    leaky = ("IDP_REDIRECT_URIS", "IDP_JWKS_FILE", "WARDEN_PORT", "WARDEN_EMULATOR_THROTTLE")
    env = {k: v for k, v in os.environ.items() if k not in leaky}
    env.update(extra_env or {})
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        env=dict(env, **{port_variable: str(port)}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + health_path, timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"{command} did not start: {proc.stdout.read()}")
            time.sleep(0.2)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def running_emulator(**extra_env):
    """A fresh emulator (empty state) on a free port."""
    return running_server([sys.executable, str(LAUNCHER)], "MOTO_PORT", "/moto-api/", extra_env=extra_env)


def client(service, endpoint):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        # total_max_attempts: botocore reads "max_attempts" as retries *after* the first attempt.
        config=Config(retries={"total_max_attempts": 1}),
    )


@pytest.fixture(scope="session")
def endpoint():
    with running_emulator() as url:
        yield url


@pytest.fixture(scope="session")
def iot(endpoint):
    return client("iot", endpoint)

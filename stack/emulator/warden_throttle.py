"""Opt-in throttling of AWS IoT operations, shaped like AWS's own, to test the console's back-off.

Off unless configured. Limits are requests per second per IoT control-plane operation (the
operation names of the AWS IoT API Reference: CreateThing, AttachPolicy, ...), counted over a
sliding one-second window, process-wide (all clients together, as an account-level AWS quota).
A request over the limit is refused before moto sees it, as AWS IoT does:

    HTTP/1.1 400
    x-amzn-ErrorType: ThrottlingException
    Content-Type: application/json
    {"__type": "ThrottlingException", "message": "Rate exceeded"}

(AWS IoT API Reference, Common Errors / each operation's Errors: "ThrottlingException - The rate
exceeds the limit. HTTP Status Code: 400". The SDKs read the error code from the
`x-amzn-ErrorType` header, else from the body's `code` or `__type` - Smithy, aws.protocols#restJson1.)
Refused requests do not count toward the window.

Configure with either
- env `WARDEN_EMULATOR_THROTTLE="CreateThing=5,AttachPolicy=5"` at start-up, or
- `POST /warden-emulator/throttle` with a JSON object `{"CreateThing": 5}` at run time: it
  replaces the whole configuration (`{}` turns throttling off); `GET` shows the current one.
  Both answer `{"limits": {...}}`.
"""

from __future__ import annotations

import collections
import json
import threading
import time
import uuid
from typing import Callable, Iterable

ENV_VARIABLE = "WARDEN_EMULATOR_THROTTLE"
CONTROL_PATH = "/warden-emulator/throttle"
THROTTLED_SERVICES = ("iot",)
ERROR_CODE = "ThrottlingException"
ERROR_MESSAGE = "Rate exceeded"
WINDOW_SECONDS = 1.0


def iot_operation_names() -> frozenset[str]:
    import botocore.session

    return frozenset(botocore.session.get_session().get_service_model("iot").operation_names)


class Throttle:
    """Sliding-window limits per operation name; thread-safe (the server is threaded)."""

    def __init__(self, known_operations: Iterable[str], clock: Callable[[], float] = time.monotonic):
        self.known = frozenset(known_operations)
        self.clock = clock
        self.lock = threading.Lock()
        self.limits: dict[str, int] = {}
        self.accepted: dict[str, collections.deque] = {}

    def configure(self, limits: dict[str, int]) -> None:
        checked = self.validate(limits)
        with self.lock:
            self.limits = checked
            self.accepted = {name: collections.deque() for name in checked}

    def validate(self, limits) -> dict[str, int]:
        if not isinstance(limits, dict):
            raise ValueError("expected a JSON object of operation name -> requests per second")
        checked = {}
        for name, limit in limits.items():
            if name not in self.known:
                raise ValueError(f"{name!r} is not an AWS IoT operation name (e.g. CreateThing)")
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                raise ValueError(f"the limit of {name} must be a whole number >= 0, got {limit!r}")
            checked[name] = limit
        return checked

    def parse(self, spec: str) -> dict[str, int]:
        """`CreateThing=5,AttachPolicy=5` -> {"CreateThing": 5, "AttachPolicy": 5}."""
        limits: dict[str, int] = {}
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            name, sep, value = (s.strip() for s in part.partition("="))
            if not sep or not value.isdigit():
                raise ValueError(f"expected Operation=N, got {part!r}")
            limits[name] = int(value)
        return self.validate(limits)

    def snapshot(self) -> dict[str, int]:
        with self.lock:
            return dict(self.limits)

    def admit(self, operation: str | None) -> bool:
        """Records and allows the request, or returns False when it is over the limit."""
        if not operation or operation not in self.limits:  # cheap unlocked fast path
            return True
        with self.lock:
            limit = self.limits.get(operation)
            if limit is None:
                return True
            now = self.clock()
            window = self.accepted[operation]
            while window and window[0] <= now - WINDOW_SECONDS:
                window.popleft()
            if len(window) >= limit:
                return False
            window.append(now)
            return True


def throttled_response():
    """(status, headers, body) of AWS IoT's throttling error."""
    body = json.dumps({"__type": ERROR_CODE, "message": ERROR_MESSAGE})
    headers = {
        "content-type": "application/json",
        "x-amzn-ErrorType": ERROR_CODE,
        "x-amzn-RequestId": str(uuid.uuid4()),
    }
    return 400, headers, body


def control_app(throttle: Throttle, app):
    """WSGI wrapper: serves CONTROL_PATH, passes everything else to `app`."""

    def reply(start_response, status: str, payload: dict):
        body = json.dumps(payload).encode()
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]

    def wsgi(environ, start_response):
        if environ.get("PATH_INFO") != CONTROL_PATH:
            return app(environ, start_response)
        method = environ.get("REQUEST_METHOD")
        if method == "GET":
            return reply(start_response, "200 OK", {"limits": throttle.snapshot()})
        if method != "POST":
            return reply(start_response, "405 Method Not Allowed", {"message": "use GET or POST"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            throttle.configure(json.loads(raw or b"{}"))
        except ValueError as err:  # JSONDecodeError is a ValueError too
            return reply(start_response, "400 Bad Request", {"message": str(err)})
        return reply(start_response, "200 OK", {"limits": throttle.snapshot()})

    return wsgi

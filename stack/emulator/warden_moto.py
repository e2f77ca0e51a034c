"""moto 5.2.5 with the fixes IoT Warden relies on, served on 127.0.0.1:$MOTO_PORT.

Run:  .tools/venv/bin/python stack/emulator/warden_moto.py [--port N]

What is patched (see /work/shared/emulator-notes.md for what moto gets wrong):
- Certificates are issued by a local CA whose DN mimics the one AWS IoT uses
  ("OU=Amazon Web Services O=Amazon.com Inc. L=Seattle ST=Washington C=US"), valid from
  now until 2049-12-31T23:59:59Z, like AWS-issued device certificates.
- CreateCertificateFromCsr issues the certificate for the CSR's own public key (RSA or EC)
  and the CSR's subject; a malformed or badly signed CSR is an InvalidRequestException.
- CreateKeysAndCertificate uses the same CA (moto self-signs with issuer "Moto").
- certificateId is the SHA-256 of the certificate's DER, as on AWS (moto hashes the PEM text).
- DescribeCertificate reports the certificate's real validity, plus the fields AWS always
  sends (certificateMode, customerVersion, generationId).
- DescribeEndpoint answers the same host on every call (moto draws a random one each time).
- Operations moto does not implement answer HTTP 501 with a NotImplementedException error
  instead of a bare 500, which the AWS SDKs would retry (slowly) before failing.
- Onboarding and certificate lifecycle (warden_lifecycle.py): ListCertificates paging,
  REVOKED is final, idempotent CreateThing and thing-name rules, MalformedPolicyException,
  CertificateValidationException for a PEM that is not a certificate.
- Opt-in AWS-shaped throttling of IoT operations (warden_throttle.py): env
  WARDEN_EMULATOR_THROTTLE="CreateThing=5,AttachPolicy=5" or POST /warden-emulator/throttle.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import signal
import sys
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

import moto
from moto.core.config import default_user_config
from moto.core.responses import BaseResponse
from moto.core.utils import utcnow
from moto.iot import models as iot_models
from moto.iot.exceptions import InvalidRequestException

from warden_lifecycle import apply_lifecycle_patches  # sibling module (this file runs as a script)
from warden_throttle import (
    ENV_VARIABLE as THROTTLE_ENV,
    THROTTLED_SERVICES,
    Throttle,
    control_app,
    iot_operation_names,
    throttled_response,
)

EXPECTED_MOTO = "5.2.5"

# The issuer AWS IoT puts on the certificates it creates, in DER order (openssl prints it so).
AWS_ISSUER = x509.Name(
    [
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Amazon Web Services"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Amazon.com Inc."),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "Seattle"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Washington"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
    ]
)
# AWS-issued device certificates all expire at the end of 2049.
AWS_NOT_AFTER = dt.datetime(2049, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc)
SUPPORTED_EC_CURVES = (ec.SECP256R1, ec.SECP384R1, ec.SECP521R1)


class LocalCA:
    """A throw-away CA (new key each start: moto keeps no state across restarts anyway)."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(AWS_ISSUER)
            .issuer_name(AWS_ISSUER)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(AWS_NOT_AFTER)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )

    def issue(self, public_key, subject: x509.Name) -> str:
        """PEM of a device certificate for `public_key`, shaped like the ones AWS IoT issues."""
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.cert.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(AWS_NOT_AFTER)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, False, False, False, False, False, False, False, False),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _check_csr_key(public_key) -> None:
    if isinstance(public_key, rsa.RSAPublicKey):
        if public_key.key_size < 2048:
            raise InvalidRequestException("RSA keys in a CSR must be at least 2048 bits.")
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        if not isinstance(public_key.curve, SUPPORTED_EC_CURVES):
            raise InvalidRequestException(f"Unsupported EC curve {public_key.curve.name}.")
    else:
        raise InvalidRequestException("Only RSA and EC keys are supported in a CSR.")


def _naive_utc(value: dt.datetime) -> dt.datetime:
    # moto keeps naive UTC datetimes; its serializer turns them into epoch seconds.
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def apply_patches(ca: LocalCA, throttle: Throttle | None = None) -> None:
    if moto.__version__ != EXPECTED_MOTO:
        print(
            f"warden_moto: written for moto {EXPECTED_MOTO}, found {moto.__version__}",
            file=sys.stderr,
        )

    # certificateId = SHA-256 of the DER (moto's own switch; the default hashes the PEM text).
    default_user_config.setdefault("iot", {})["use_valid_cert"] = True

    backend_cls = iot_models.IoTBackend
    cert_cls = iot_models.FakeCertificate

    def create_certificate_from_csr(self, csr: str, set_as_active: bool):
        try:
            request = x509.load_pem_x509_csr((csr or "").encode("utf-8"))
        except ValueError:
            raise InvalidRequestException("The certificate signing request is not valid.")
        if not request.is_signature_valid:
            raise InvalidRequestException("The certificate signing request signature is invalid.")
        public_key = request.public_key()
        _check_csr_key(public_key)
        pem = ca.issue(public_key, request.subject)
        return self.register_certificate(
            pem, ca_certificate_pem=None, set_as_active=set_as_active, status="INACTIVE"
        )

    def generate_certificate_pem(self, domain_name, subject, key=None):
        # Only CreateKeysAndCertificate reaches here now; it always passes its fresh key.
        key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return ca.issue(key.public_key(), subject)

    def describe_endpoint(self, endpoint_type: str):
        endpoint = iot_models.FakeEndpoint(endpoint_type, self.region_name)
        stable = hashlib.sha256(f"{self.account_id}/{self.region_name}".encode()).hexdigest()[:14]
        prefix, _, rest = endpoint.endpoint.partition(".")
        endpoint.endpoint = (stable + "-ats" if prefix.endswith("-ats") else stable) + "." + rest
        self.endpoint = endpoint
        return endpoint

    backend_cls.create_certificate_from_csr = create_certificate_from_csr
    backend_cls._generate_certificate_pem = generate_certificate_pem
    backend_cls.describe_endpoint = describe_endpoint

    original_init = cert_cls.__init__

    def cert_init(self, certificate_pem, *args, **kwargs):
        original_init(self, certificate_pem, *args, **kwargs)
        self.generation_id = str(uuid.uuid4())
        try:
            parsed = x509.load_pem_x509_certificate(certificate_pem.encode("utf-8"))
        except ValueError:
            return  # keep moto's placeholder dates for an unparsable PEM
        self.validity_not_before = _naive_utc(parsed.not_valid_before_utc)
        self.validity_not_after = _naive_utc(parsed.not_valid_after_utc)

    original_to_dict = cert_cls.to_dict
    original_description = cert_cls.to_description_dict

    def to_dict(self):
        result = original_to_dict(self)
        result["certificateMode"] = "DEFAULT"
        return result

    def to_description_dict(self):
        result = original_description(self)
        if self.ca_certificate_id:
            result["caCertificateId"] = self.ca_certificate_id
        result["customerVersion"] = 1
        result["generationId"] = getattr(self, "generation_id", None) or str(uuid.uuid4())
        result["certificateMode"] = "DEFAULT"
        return result

    cert_cls.__init__ = cert_init
    cert_cls.to_dict = to_dict
    cert_cls.to_description_dict = to_description_dict

    original_update = backend_cls.update_certificate

    def update_certificate(self, certificate_id: str, new_status: str) -> None:
        original_update(self, certificate_id, new_status)
        self.describe_certificate(certificate_id).last_modified_date = utcnow()

    backend_cls.update_certificate = update_certificate

    # After the certificate patches above: it wraps FakeCertificate.__init__ and
    # update_certificate as they are now.
    apply_lifecycle_patches()

    original_call_action = BaseResponse.call_action

    def call_action(self):
        if (
            throttle is not None
            and self.service_name in THROTTLED_SERVICES
            and not throttle.admit(self._get_action())
        ):
            return throttled_response()
        try:
            return original_call_action(self)
        except NotImplementedError as err:
            return _not_implemented(self, str(err))

    BaseResponse.call_action = call_action


def _not_implemented(response: BaseResponse, message: str):
    """A non-retryable 501 error in the shape of the caller's protocol."""
    headers = {k.lower(): v for k, v in (response.headers or {}).items()}
    content_type = headers.get("content-type", "")
    code = "NotImplementedException"
    message = f"{message} (moto {moto.__version__} / IoT Warden local emulator)"
    if "x-www-form-urlencoded" in content_type:  # awsQuery services (SNS, CloudWatch, ...)
        body = (
            '<ErrorResponse><Error><Type>Sender</Type>'
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        )
        return 501, {"status": 501, "content-type": "text/xml"}, body
    body = json.dumps({"__type": code, "message": message})
    return (
        501,
        {"status": 501, "content-type": "application/json", "x-amzn-errortype": code},
        body,
    )


def serve(host: str, port: int) -> None:
    from werkzeug.serving import make_server
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )

    throttle = Throttle(iot_operation_names())
    spec = os.environ.get(THROTTLE_ENV, "")
    try:
        throttle.configure(throttle.parse(spec))
    except ValueError as err:
        sys.exit(f"warden_moto: {THROTTLE_ENV}={spec!r}: {err}")
    ca = LocalCA()
    apply_patches(ca, throttle)
    app = control_app(throttle, DomainDispatcherApplication(create_backend_app))
    server = make_server(host, port, app, threaded=True, request_handler=MotoRequestHandler)

    def stop(signum, frame):
        # shutdown() waits for serve_forever, so it must run outside this (main) thread.
        import threading

        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"warden-moto {moto.__version__} listening on http://{host}:{port}", flush=True)
    if throttle.snapshot():
        print(f"throttling IoT operations (requests/s): {throttle.snapshot()}", flush=True)
    server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("MOTO_PORT", "5055")))
    args = parser.parse_args(argv)
    serve(args.host, args.port)


if __name__ == "__main__":
    main()

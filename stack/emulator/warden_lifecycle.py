"""Onboarding and certificate-lifecycle behaviour of AWS IoT that moto 5.2.5 gets wrong.

Applied by warden_moto.apply_patches (after its own certificate patches). Each fix follows
the AWS IoT API Reference page of the operation (errors: same code and HTTP status):

- ListCertificates / ListCertificatesByCA: pages of `pageSize` (1..250, default 25),
  `marker` -> `nextMarker` (absent on the last page), newest first unless
  `isAscendingOrder=true`. moto returns everything in insertion order.
- UpdateCertificate: a REVOKED certificate stays REVOKED (CertificateStateException, 406);
  PENDING_TRANSFER / PENDING_ACTIVATION and unknown values are refused
  (InvalidRequestException, 400). moto accepts any string.
- CreateThing: the same name with the same configuration returns the existing thing; with a
  different configuration it is a ResourceAlreadyExistsException (409). Names outside
  [a-zA-Z0-9:_-]{1,128} and attribute names/values outside their patterns are an
  InvalidRequestException (400). moto replaces the thing and accepts any name.
- CreatePolicy / CreatePolicyVersion: a document that is not a JSON object is a
  MalformedPolicyException (400). moto stores any string.
- RegisterCertificate / RegisterCertificateWithoutCA: a PEM that is not a certificate is a
  CertificateValidationException (400) instead of a bare 500.
- DeleteThing: "Returns successfully with no error if the deletion is successful or you
  specify a thing that doesn't exist" (moto: ResourceNotFoundException), and the deleted
  thing is in no thing group any more (moto keeps it in its groups' member lists, so
  ListThingsInThingGroup still shows it and a thing created again with the name inherits
  them).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
from typing import Any

from cryptography import x509

from moto.core.responses import ActionResult
from moto.iot import models as iot_models
from moto.iot.exceptions import (
    CertificateStateException,
    InvalidRequestException,
    IoTClientError,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
)
from moto.iot.responses import IoTResponse

# API Reference, ListCertificates: "paginated with a default page size of 25"; PageSize 1..250.
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 250
MARKER_PATTERN = re.compile(r"[A-Za-z0-9+/]+={0,2}")
MARKER_PREFIX = "warden-cert:"

CERTIFICATE_STATUSES = (
    "ACTIVE", "INACTIVE", "REVOKED", "PENDING_TRANSFER", "REGISTER_INACTIVE", "PENDING_ACTIVATION",
)
# UpdateCertificate: "Setting the status to PENDING_TRANSFER or PENDING_ACTIVATION will result in
# an exception being thrown."
INTERNAL_STATUSES = ("PENDING_TRANSFER", "PENDING_ACTIVATION")

THING_NAME = re.compile(r"[a-zA-Z0-9:_-]+")
ATTRIBUTE_NAME = re.compile(r"[a-zA-Z0-9_.,@/:#-]+")
ATTRIBUTE_VALUE = re.compile(r"[a-zA-Z0-9_.,@/:#=\[\]-]*")


class MalformedPolicyException(IoTClientError):
    def __init__(self, msg: str):
        self.code = 400
        super().__init__("MalformedPolicyException", msg)


class CertificateValidationException(IoTClientError):
    def __init__(self, msg: str):
        self.code = 400
        super().__init__("CertificateValidationException", msg)


def _validation_error(value: Any, member: str, constraint: str) -> InvalidRequestException:
    # The wording AWS's request validation uses ("1 validation error detected: ...").
    return InvalidRequestException(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: {constraint}"
    )


# --- ListCertificates / ListCertificatesByCA -------------------------------------------------

_creation_order = itertools.count(1)


def _encode_marker(sequence: int) -> str:
    return base64.b64encode(f"{MARKER_PREFIX}{sequence}".encode()).decode()


def _decode_marker(marker: str) -> int:
    invalid = InvalidRequestException(f"Invalid marker: {marker}")
    if len(marker) > 1024 or not MARKER_PATTERN.fullmatch(marker):
        raise _validation_error(
            marker, "marker", "Member must satisfy regular expression pattern: [A-Za-z0-9+/]+={0,2}"
        )
    try:
        text = base64.b64decode(marker, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise invalid
    if not text.startswith(MARKER_PREFIX) or not text[len(MARKER_PREFIX):].isdigit():
        raise invalid
    return int(text[len(MARKER_PREFIX):])


def _page_size(response: IoTResponse) -> int:
    raw = response._get_param("pageSize")
    if raw is None:
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except (TypeError, ValueError):
        raise InvalidRequestException(f"Invalid pageSize: {raw}")
    if size < 1:
        raise _validation_error(size, "pageSize", "Member must have value greater than or equal to 1")
    if size > MAX_PAGE_SIZE:
        raise _validation_error(
            size, "pageSize", f"Member must have value less than or equal to {MAX_PAGE_SIZE}"
        )
    return size


def _certificate_page(response: IoTResponse, certificates) -> ActionResult:
    size = _page_size(response)
    ascending = response._get_bool_param("isAscendingOrder", False)
    marker = response._get_param("marker")
    after = _decode_marker(marker) if marker else None

    def sequence(cert) -> int:
        return getattr(cert, "warden_sequence", 0)

    ordered = sorted(certificates, key=sequence, reverse=not ascending)
    if after is not None:
        ordered = [c for c in ordered if (sequence(c) > after if ascending else sequence(c) < after)]
    page = ordered[:size]
    result: dict[str, Any] = {"certificates": [c.to_dict() for c in page]}
    if len(ordered) > size:
        result["nextMarker"] = _encode_marker(sequence(page[-1]))
    return ActionResult(result)


def list_certificates(self: IoTResponse) -> ActionResult:
    return _certificate_page(self, self.iot_backend.list_certificates())


def list_certificates_by_ca(self: IoTResponse) -> ActionResult:
    ca_certificate_id = self._get_param("caCertificateId")
    return _certificate_page(self, self.iot_backend.list_certificates_by_ca(ca_certificate_id))


# --- patches ---------------------------------------------------------------------------------


def apply_lifecycle_patches() -> None:
    backend_cls = iot_models.IoTBackend
    cert_cls = iot_models.FakeCertificate

    # Creation order, for stable paging (creationDate alone can tie).
    previous_cert_init = cert_cls.__init__

    def cert_init(self, *args, **kwargs):
        previous_cert_init(self, *args, **kwargs)
        self.warden_sequence = next(_creation_order)

    cert_cls.__init__ = cert_init
    IoTResponse.list_certificates = list_certificates
    IoTResponse.list_certificates_by_ca = list_certificates_by_ca

    # UpdateCertificate ---------------------------------------------------------------------
    previous_update = backend_cls.update_certificate

    def update_certificate(self, certificate_id: str, new_status: str) -> None:
        cert = self.describe_certificate(certificate_id)  # ResourceNotFoundException first
        if new_status not in CERTIFICATE_STATUSES:
            raise _validation_error(
                new_status,
                "newStatus",
                "Member must satisfy enum value set: [" + ", ".join(CERTIFICATE_STATUSES) + "]",
            )
        if new_status in INTERNAL_STATUSES:
            raise InvalidRequestException(
                f"The status {new_status} is used internally by AWS IoT and cannot be set."
            )
        if cert.status == "REVOKED" and new_status != "REVOKED":
            # Developer Guide, "Revoke a client certificate": once revoked, the status can't be
            # changed to ACTIVE or any other status.
            raise CertificateStateException(
                "Cannot update a revoked certificate's status.", certificate_id
            )
        previous_update(self, certificate_id, new_status)

    backend_cls.update_certificate = update_certificate

    # CreateThing ---------------------------------------------------------------------------
    previous_create_thing = backend_cls.create_thing

    def create_thing(
        self,
        thing_name: str,
        thing_type_name: str,
        attribute_payload: dict[str, Any] | None,
        billing_group_name: str | None = None,
    ):
        _check_thing_name(thing_name)
        attributes = (attribute_payload or {}).get("attributes") or {}
        _check_attributes(attributes)
        arn = (
            f"arn:{iot_models.get_partition(self.region_name)}:iot:{self.region_name}:"
            f"{self.account_id}:thing/{thing_name}"
        )
        existing = self.things.get(arn)
        if existing is not None:
            existing_type = existing.thing_type.thing_type_name if existing.thing_type else None
            if (
                existing_type == (thing_type_name or None)
                and (existing.attributes or {}) == attributes
                and (existing.billing_group_name or None) == (billing_group_name or None)
            ):
                return existing  # CreateThing: same name and configuration succeeds
            raise ResourceAlreadyExistsException(
                f"Thing {thing_name} already exists in account with different attributes",
                existing.thing_id,
                existing.arn,
            )
        return previous_create_thing(
            self, thing_name, thing_type_name, attribute_payload, billing_group_name
        )

    backend_cls.create_thing = create_thing

    # CreatePolicy / CreatePolicyVersion ----------------------------------------------------
    previous_create_policy = backend_cls.create_policy
    previous_create_policy_version = backend_cls.create_policy_version

    def create_policy(self, policy_name, policy_document, *args, **kwargs):
        _check_policy_document(policy_document)
        return previous_create_policy(self, policy_name, policy_document, *args, **kwargs)

    def create_policy_version(self, policy_name, policy_document, set_as_default, *args, **kwargs):
        self.get_policy(policy_name)  # ResourceNotFoundException before the document check
        _check_policy_document(policy_document)
        return previous_create_policy_version(
            self, policy_name, policy_document, set_as_default, *args, **kwargs
        )

    backend_cls.create_policy = create_policy
    backend_cls.create_policy_version = create_policy_version

    # RegisterCertificate / RegisterCertificateWithoutCA ------------------------------------
    previous_register = backend_cls.register_certificate
    previous_register_without_ca = backend_cls.register_certificate_without_ca

    def register_certificate(self, certificate_pem, *args, **kwargs):
        _check_certificate_pem(certificate_pem)
        return previous_register(self, certificate_pem, *args, **kwargs)

    def register_certificate_without_ca(self, certificate_pem, *args, **kwargs):
        _check_certificate_pem(certificate_pem)
        return previous_register_without_ca(self, certificate_pem, *args, **kwargs)

    backend_cls.register_certificate = register_certificate
    backend_cls.register_certificate_without_ca = register_certificate_without_ca

    # DeleteThing ---------------------------------------------------------------------------
    previous_delete_thing = backend_cls.delete_thing

    def delete_thing(self, thing_name: str) -> None:
        try:
            thing = self.describe_thing(thing_name)
        except ResourceNotFoundException:
            return  # gone already: AWS answers 200
        previous_delete_thing(self, thing_name)  # still refuses a thing with principals
        for group in self.thing_groups.values():
            group.things.pop(thing.arn, None)

    backend_cls.delete_thing = delete_thing


def _check_thing_name(name: str) -> None:
    if name is None or len(name) < 1:
        raise _validation_error(name, "thingName", "Member must have length greater than or equal to 1")
    if len(name) > 128:
        raise _validation_error(name, "thingName", "Member must have length less than or equal to 128")
    if not THING_NAME.fullmatch(name):
        raise _validation_error(
            name, "thingName", "Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+"
        )


def _check_attributes(attributes: dict[str, Any]) -> None:
    member = "attributePayload.attributes"
    for key, value in attributes.items():
        if len(key) > 128 or not ATTRIBUTE_NAME.fullmatch(key):
            raise _validation_error(
                key, member,
                "Map keys must satisfy constraint: [Member must have length less than or equal "
                "to 128, Member must satisfy regular expression pattern: [a-zA-Z0-9_.,@/:#-]+]",
            )
        if not isinstance(value, str) or len(value) > 800 or not ATTRIBUTE_VALUE.fullmatch(value):
            raise _validation_error(
                value, member,
                "Map value must satisfy constraint: [Member must have length less than or equal "
                "to 800, Member must satisfy regular expression pattern: [a-zA-Z0-9_.,@/:#=\\[\\]-]*]",
            )


def _check_policy_document(document: Any) -> None:
    if isinstance(document, dict):  # moto's own CloudFormation path passes parsed documents
        return
    try:
        parsed = json.loads(document or "")
    except (TypeError, ValueError):
        raise MalformedPolicyException("Policy document is not valid JSON.")
    if not isinstance(parsed, dict):
        raise MalformedPolicyException("Policy document must be a JSON object.")


def _check_certificate_pem(pem: Any) -> None:
    try:
        x509.load_pem_x509_certificate((pem or "").encode("utf-8"))
    except (ValueError, TypeError):
        raise CertificateValidationException("The certificate is invalid.")

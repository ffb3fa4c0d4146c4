"""A software WebAuthn authenticator for the tests: it answers the service's options as a platform authenticator
with a resident key does (an EC P-256 key per passkey, "none" attestation), and can be told to misbehave (no
user verification, another RP ID, a counter that does not rise, another account's handle)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class SoftPasskey:
    credential_id: bytes
    key: ec.EllipticCurvePrivateKey
    user_handle: bytes
    rp_id: str
    sign_count: int = 0


@dataclass
class SoftAuthenticator:
    origin: str
    rp_id: str
    # Synced passkeys report 0 for ever; a counting authenticator adds one a use.
    counting: bool = False
    passkeys: list[SoftPasskey] = field(default_factory=list)

    def create(self, options: dict[str, Any], *, verify_user: bool = True, rp_id: str | None = None) -> dict[str, Any]:
        """The RegistrationResponseJSON navigator.credentials.create gives for `options`."""
        rp = rp_id or self.rp_id
        key = ec.generate_private_key(ec.SECP256R1())
        numbers = key.public_key().public_numbers()
        cose = {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
        credential_id = secrets.token_bytes(16)
        flags = UP | AT | (UV if verify_user else 0)
        attested = bytes(16) + struct.pack(">H", len(credential_id)) + credential_id + cbor2.dumps(cose)
        auth_data = hashlib.sha256(rp.encode()).digest() + bytes([flags]) + struct.pack(">I", 0) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"])
        self.passkeys.append(SoftPasskey(credential_id, key, unb64url(options["user"]["id"]), rp))
        return {
            "id": b64url(credential_id),
            "rawId": b64url(credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def get(
        self,
        options: dict[str, Any],
        passkey: SoftPasskey | None = None,
        *,
        verify_user: bool = True,
        user_handle: bytes | None = None,
        sign_count: int | None = None,
    ) -> dict[str, Any]:
        """The AuthenticationResponseJSON navigator.credentials.get gives for `options` (the newest passkey)."""
        chosen = passkey or self.passkeys[-1]
        if sign_count is None:
            if self.counting:
                chosen.sign_count += 1
            sign_count = chosen.sign_count
        flags = UP | (UV if verify_user else 0)
        auth_data = hashlib.sha256(chosen.rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", sign_count)
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = chosen.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(chosen.credential_id),
            "rawId": b64url(chosen.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(user_handle if user_handle is not None else chosen.user_handle),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}).encode()

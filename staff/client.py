"""Signed calls to the staff routes: SigV4 (service execute-api) with the caller's own AWS credentials, as
botocore signs them, to a deployed API or the local stack."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials, ReadOnlyCredentials

SERVICE = "execute-api"
TIMEOUT_SECONDS = 30


def signed_headers(
    method: str, url: str, body: bytes, credentials: Credentials | ReadOnlyCredentials, region: str
) -> dict[str, str]:
    """The headers of a SigV4-signed request (Authorization, X-Amz-Date, the session token if any)."""
    request = AWSRequest(method=method, url=url, data=body, headers={"Content-Type": "application/json"})
    frozen = credentials.get_frozen_credentials() if isinstance(credentials, Credentials) else credentials
    SigV4Auth(frozen, SERVICE, region).add_auth(request)
    return dict(request.headers.items())


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any


class StaffClient:
    def __init__(self, api_url: str, credentials: Credentials | ReadOnlyCredentials, region: str) -> None:
        self._base = api_url.rstrip("/")
        self._credentials = credentials
        self._region = region

    def find(self, *, email: str | None = None, personal_code: str | None = None, eidas_id: str | None = None) -> Reply:
        """One key: the first of e-mail, personal code and eIDAS identifier given."""
        given = {"email": email, "personal_code": personal_code, "eidas_id": eidas_id}
        name = next((name for name, value in given.items() if value is not None), "email")
        return self._call("POST", "/staff/users/search", {name: given[name]})

    def change(self, user_id: str, changes: dict[str, Any], reason: str) -> Reply:
        return self._call("PATCH", f"/staff/users/{user_id}", {**changes, "reason": reason})

    def revoke_sessions(self, user_id: str, reason: str) -> Reply:
        return self._call("POST", f"/staff/users/{user_id}/sessions/revoke", {"reason": reason})

    def unlink_identity(self, user_id: str, reason: str) -> Reply:
        return self._call("POST", f"/staff/users/{user_id}/identity/unlink", {"reason": reason})

    def recover_email(self, user_id: str, email: str, reason: str) -> Reply:
        """Start a recovery of a lost mailbox (a level 2 account): 202, the new address mailed its link."""
        return self._call("POST", f"/staff/users/{user_id}/email", {"email": email, "reason": reason})

    def cancel_recovery(self, user_id: str, reason: str) -> Reply:
        return self._call("POST", f"/staff/users/{user_id}/email/cancel", {"reason": reason})

    def audit(self, user_id: str) -> Reply:
        return self._call("GET", f"/staff/users/{user_id}/audit")

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Reply:
        url = self._base + path
        data = json.dumps(body).encode() if body is not None else b""
        headers = signed_headers(method, url, data, self._credentials, self._region)
        request = urllib.request.Request(url, data=data or None, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                return Reply(response.status, _json_or_text(response.read()))
        except urllib.error.HTTPError as error:
            return Reply(error.code, _json_or_text(error.read()))


def _json_or_text(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode("utf-8", "replace")

"""What API Gateway does for a method with `AWS_IAM` authorisation, for the local stack: check the SigV4
signature (service execute-api, over the SHA-256 of the body received) with botocore's own signer, refuse as
API Gateway does (403 and its messages), apply the REST API's resource policy from template.yaml, and hand the
verified caller to the function in `requestContext.identity`.

The keys are local: the staff key (printed at start, or LOCAL_STAFF_ACCESS_KEY_ID / _SECRET_ACCESS_KEY) stands
for a session of the template's staff role; tests may add other principals to see the resource policy refuse
them. Identity policies are not modelled: the resource policy is what decides here."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import string
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from botocore.auth import UNSIGNED_PAYLOAD, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from devserver.apigw import STAGE, HttpRequest, HttpResponse
from devserver.template import Route, Template

SERVICE = "execute-api"
ALGORITHM = "AWS4-HMAC-SHA256"
ALLOWED_SKEW_SECONDS = 300  # API Gateway refuses signatures more than 5 minutes off
ACCOUNT_ID = "123456789012"
STAFF_SESSION_NAME = "local-staff"


@dataclass(frozen=True)
class LocalPrincipal:
    """An IAM principal the local stack knows by its access key."""

    access_key_id: str
    secret_access_key: str
    principal_arn: str  # what aws:PrincipalArn is for it (the role, for a role session)
    user_arn: str  # what API Gateway puts in requestContext.identity.userArn
    caller: str  # requestContext.identity.caller / user (for a role session: role id and session name)


def staff_principal(template: Template, environ: dict[str, str] | None = None) -> LocalPrincipal:
    """The local staff key: a session of the template's staff role, as `sts assume-role` would give one."""
    env = os.environ if environ is None else environ
    role_name = template.physical_name("StaffRole")
    alphabet = string.ascii_uppercase + string.digits
    access_key = env.get("LOCAL_STAFF_ACCESS_KEY_ID") or "AKIALOCAL" + "".join(
        secrets.choice(alphabet) for _ in range(11)
    )
    secret = env.get("LOCAL_STAFF_SECRET_ACCESS_KEY") or secrets.token_urlsafe(30)
    return LocalPrincipal(
        access_key_id=access_key,
        secret_access_key=secret,
        principal_arn=template.role_arn("StaffRole"),
        user_arn=f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/{STAFF_SESSION_NAME}",
        caller=f"AROALOCALSTAFFROLE:{STAFF_SESSION_NAME}",
    )


class Refusal(Exception):
    """API Gateway's 403 for a call that fails IAM authorisation."""

    def __init__(self, error_type: str, message: str, key: str = "message") -> None:
        super().__init__(message)
        self.error_type = error_type
        self.body = {key: message}

    def response(self) -> HttpResponse:
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", self.error_type)]
        return HttpResponse(403, headers, json.dumps(self.body).encode())


_CREDENTIAL = re.compile(r"^(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request$")


class IamGate:
    def __init__(
        self,
        template: Template,
        region: str,
        principals: list[LocalPrincipal],
        now: Callable[[], float] = time.time,
    ) -> None:
        self.region = region
        self.principals = {p.access_key_id: p for p in principals}
        self.now = now
        self._policy = ResourcePolicy.from_template(template)

    def add(self, principal: LocalPrincipal) -> None:
        self.principals[principal.access_key_id] = principal

    def identity(self, route: Route, request: HttpRequest) -> dict[str, Any]:
        """The caller API Gateway would hand the function, or Refusal."""
        principal = self._verify(request)
        method_arn = f"{STAGE}/{request.method}{request.path}"
        self._policy.check(principal, method_arn, self.region)
        return {
            "accessKey": principal.access_key_id,
            "accountId": ACCOUNT_ID,
            "caller": principal.caller,
            "user": principal.caller,
            "userArn": principal.user_arn,
        }

    def allow_anonymous(self, request: HttpRequest) -> None:
        """A method without authorisation still passes the resource policy (as the anonymous principal)."""
        self._policy.check(None, f"{STAGE}/{request.method}{request.path}", self.region)

    def _verify(self, request: HttpRequest) -> LocalPrincipal:
        headers = {name.lower(): value for name, value in request.headers}
        authorization = headers.get("authorization", "")
        if not authorization:
            raise Refusal("MissingAuthenticationTokenException", "Missing Authentication Token")
        algorithm, _, rest = authorization.partition(" ")
        if algorithm != ALGORITHM:
            raise Refusal(
                "IncompleteSignatureException",
                f"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header and the "
                f"{ALGORITHM} algorithm. Authorization={algorithm}",
            )
        parts = dict(part.strip().partition("=")[::2] for part in rest.split(","))
        missing = [name for name in ("Credential", "SignedHeaders", "Signature") if not parts.get(name)]
        if missing:
            raise Refusal(
                "IncompleteSignatureException",
                f"Authorization header requires '{missing[0]}' parameter. Authorization={authorization[:32]}...",
            )
        credential = _CREDENTIAL.match(parts["Credential"])
        if credential is None:
            raise Refusal("IncompleteSignatureException", "Authorization header has a malformed Credential.")
        amz_date = headers.get("x-amz-date", "")
        try:
            signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
        except ValueError:
            raise Refusal(
                "IncompleteSignatureException", "Authorization header requires existence of a 'X-Amz-Date' header."
            ) from None
        if credential["region"] != self.region or credential["service"] != SERVICE:
            raise Refusal(
                "InvalidSignatureException",
                f"Credential should be scoped to a valid region and service ({self.region}/{SERVICE}).",
            )
        now = self.now()
        if signed_at < now - ALLOWED_SKEW_SECONDS:
            raise Refusal("InvalidSignatureException", f"Signature expired: {amz_date} is now earlier than allowed.")
        if signed_at > now + ALLOWED_SKEW_SECONDS:
            raise Refusal("InvalidSignatureException", f"Signature not yet current: {amz_date} is still later.")
        principal = self.principals.get(credential["key"])
        if principal is None:
            raise Refusal("UnrecognizedClientException", "The security token included in the request is invalid.")
        payload_hash = self._payload_hash(request, headers, parts)
        signature = self._signature(request, headers, parts, principal, amz_date, payload_hash)
        if not hmac.compare_digest(signature, parts["Signature"]):
            raise Refusal(
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. Check your AWS "
                "Secret Access Key and signing method. Consult the service documentation for details.",
            )
        return principal

    @staticmethod
    def _payload_hash(request: HttpRequest, headers: dict[str, str], parts: dict[str, str]) -> str:
        """The body hash the signature must cover, computed from the body received: a caller's
        X-Amz-Content-SHA256 is never taken on trust. It must be that hash; UNSIGNED-PAYLOAD is refused for a
        request with a body (the body could be swapped under the signature) and, signed, kept for one without."""
        actual = hashlib.sha256(request.body).hexdigest()
        claimed = headers.get("x-amz-content-sha256")
        if claimed == UNSIGNED_PAYLOAD and not request.body:
            signed = "x-amz-content-sha256" in parts["SignedHeaders"].split(";")
            return UNSIGNED_PAYLOAD if signed else actual
        if claimed == UNSIGNED_PAYLOAD:
            raise Refusal(
                "InvalidSignatureException",
                "UNSIGNED-PAYLOAD is not accepted for a request with a body: sign the SHA-256 of the body.",
            )
        if claimed is not None and claimed != actual:
            raise Refusal(
                "InvalidSignatureException",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
            )
        return actual

    def _signature(
        self,
        request: HttpRequest,
        headers: dict[str, str],
        parts: dict[str, str],
        principal: LocalPrincipal,
        amz_date: str,
        payload_hash: str,
    ) -> str:
        """Recompute the signature over exactly the headers the caller signed, with botocore's signer, and over
        the payload hash the gate computed (botocore would take a signed X-Amz-Content-SHA256 as it stands)."""
        signed = [name for name in parts["SignedHeaders"].split(";") if name]
        query = urlencode(request.query, doseq=True, quote_via=quote)
        url = f"http://{headers.get('host', 'localhost')}{quote(request.path, safe='/~')}{'?' + query if query else ''}"
        aws_request = AWSRequest(
            method=request.method,
            url=url,
            data=request.body,
            headers={name: headers.get(name, "") for name in signed},
        )
        aws_request.context["timestamp"] = amz_date
        signer = SigV4Auth(Credentials(principal.access_key_id, principal.secret_access_key), SERVICE, self.region)
        # The canonical request's last line is the payload hash: put in the one computed from the body.
        canonical = signer.canonical_request(aws_request).rpartition("\n")[0] + "\n" + payload_hash
        return str(signer.signature(signer.string_to_sign(aws_request, canonical), aws_request))


_OPERATORS: dict[str, Callable[[str | None, list[str]], bool]] = {
    "ArnEquals": lambda value, wanted: value is not None and any(_glob(w, value) for w in wanted),
    "ArnNotEquals": lambda value, wanted: value is None or not any(_glob(w, value) for w in wanted),
    "StringEquals": lambda value, wanted: value in wanted,
    "StringNotEquals": lambda value, wanted: value not in wanted,
}


class ResourcePolicy:
    """The REST API's resource policy from the template, evaluated as API Gateway does for one account:
    an explicit Deny wins, then an Allow is needed."""

    def __init__(self, statements: list[dict[str, Any]]) -> None:
        for statement in statements:
            for operator in statement.get("Condition", {}):
                if operator not in _OPERATORS:
                    raise ValueError(f"the local stack cannot evaluate the condition operator {operator}")
        self.statements = statements

    @classmethod
    def from_template(cls, template: Template) -> ResourcePolicy:
        api = template.resources["MigrisApi"]["Properties"]
        policy = api.get("Auth", {}).get("ResourcePolicy", {}).get("CustomStatements", [])
        return cls(template.resolve(policy))

    def check(self, principal: LocalPrincipal | None, method_arn: str, region: str) -> None:
        """Return if the policy lets the principal invoke `stage/METHOD/path`; Refusal otherwise."""
        context = {"aws:PrincipalArn": principal.principal_arn if principal else None}
        allowed = False
        for statement in self.statements:
            if not self._applies(statement, method_arn, context):
                continue
            if statement["Effect"] == "Deny":
                raise self._denied(principal, method_arn, region, "with an explicit deny")
            allowed = True
        if not allowed:
            raise self._denied(principal, method_arn, region, "")

    def _applies(self, statement: dict[str, Any], method_arn: str, context: dict[str, str | None]) -> bool:
        actions = _as_list(statement.get("Action"))
        if not any(_glob(action, "execute-api:Invoke") for action in actions):
            return False
        resources = [str(r).removeprefix("execute-api:/") for r in _as_list(statement.get("Resource"))]
        if not any(_glob(resource, method_arn) for resource in resources):
            return False
        for operator, keys in statement.get("Condition", {}).items():
            for key, wanted in keys.items():
                if not _OPERATORS[operator](context.get(key), [str(w) for w in _as_list(wanted)]):
                    return False
        return True

    @staticmethod
    def _denied(principal: LocalPrincipal | None, method_arn: str, region: str, how: str) -> Refusal:
        who = principal.user_arn if principal else "anonymous"
        resource = f"arn:aws:execute-api:{region}:{ACCOUNT_ID}:local/{method_arn}"
        message = f"User: {who} is not authorized to perform: execute-api:Invoke on resource: {resource} {how}"
        return Refusal("AccessDeniedException", message.strip(), key="Message")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _glob(pattern: str, value: str) -> bool:
    """IAM wildcards: * is any run of characters (slashes too), ? is one character."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value) is not None

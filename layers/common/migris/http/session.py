"""Sessions over HTTP: the cookies, the Origin rule and the session lookup, and the staff caller's identity."""

from __future__ import annotations

from collections.abc import Iterable

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from migris.domain.devices import DeviceGrant, PresentedDevice
from migris.domain.errors import OriginMismatch, StaffIdentityMissing
from migris.domain.sessions import CurrentSession
from migris.observability import log_event
from migris.wiring import services

SESSION_COOKIE = "__Host-session"
VIISP_COOKIE = "__Host-viisp"
DEVICE_COOKIE = "__Host-device"
PASSKEY_COOKIE = "__Host-passkey"
STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _cookie(name: str, value: str, same_site: SameSite, max_age: int | None = None) -> Cookie:
    """Every cookie the API sets: host-only (`__Host-`), Secure, HttpOnly, for the whole site."""
    return Cookie(name=name, value=value, path="/", secure=True, http_only=True, same_site=same_site, max_age=max_age)


def session_cookie(token: str) -> Cookie:
    # No Max-Age: the browser drops it at close; expiry itself is enforced on the server.
    return _cookie(SESSION_COOKIE, token, SameSite.LAX_MODE)


def cleared_session_cookie() -> Cookie:
    return _cookie(SESSION_COOKIE, "", SameSite.LAX_MODE, max_age=0)


def viisp_cookie(nonce: str, max_age: int) -> Cookie:
    """Binds a VIISP ticket to this browser. SameSite=None: VIISP's page posts back to us cross-site."""
    return _cookie(VIISP_COOKIE, nonce, SameSite.NONE_MODE, max_age=max_age)


def cleared_viisp_cookie() -> Cookie:
    return _cookie(VIISP_COOKIE, "", SameSite.NONE_MODE, max_age=0)


def device_cookie(token: str, max_age: int) -> Cookie:
    """A known device (migris.domain.devices): kept across browser restarts, sent on our own navigations only."""
    return _cookie(DEVICE_COOKIE, token, SameSite.LAX_MODE, max_age=max_age)


def cleared_device_cookie() -> Cookie:
    return _cookie(DEVICE_COOKIE, "", SameSite.LAX_MODE, max_age=0)


def passkey_cookie(nonce: str, max_age: int) -> Cookie:
    """Binds a passkey sign-in's challenge to this browser; Strict: only our own page's request carries it."""
    return _cookie(PASSKEY_COOKIE, nonce, SameSite.STRICT_MODE, max_age=max_age)


def cleared_passkey_cookie() -> Cookie:
    return _cookie(PASSKEY_COOKIE, "", SameSite.STRICT_MODE, max_age=0)


def device_cookies(grant: DeviceGrant | None) -> list[Cookie]:
    """The device cookie a sign-in sets: none when the person said the computer is shared."""
    return [] if grant is None else [device_cookie(grant.token, services().devices.seconds)]


def presented_device(app: APIGatewayRestResolver) -> PresentedDevice | None:
    """The known device the request's cookie names. The cookie counts only on a request whose Origin is ours or
    absent (another site's request gets nothing from it); a cookie is read the same way whatever it is worth."""
    origins = _header_values(app, "Origin")
    if origins and (len(origins) != 1 or origins[0] != services().settings.web_origin):
        return None
    return services().devices.recognise(_cookie_value(app.current_event.headers.get("Cookie"), DEVICE_COOKIE))


def cookie(app: APIGatewayRestResolver, name: str) -> str | None:
    return _cookie_value(app.current_event.headers.get("Cookie"), name)


def require_our_origin(app: APIGatewayRestResolver, *, also: Iterable[str] = (), required: bool = False) -> None:
    """The Origin rule, decided here only, for every request that sets the session cookie or acts on it: a
    browser's request must come from our web pages' origin (or one of `also`), else OriginMismatch (403).

    A request without Origin is a non-browser client's (browsers send it with every POST) and passes, unless
    `required` (a state change authenticated by the cookie). `null` (a sandboxed frame, a privacy redirect)
    is foreign, and so is more than one Origin header (no browser sends two). Call it before anything is used
    up: a refused sign-in must not spend the code or the ticket."""
    origins = _header_values(app, "Origin")
    if not origins and not required:
        return
    if len(origins) != 1 or origins[0] not in {services().settings.web_origin, *also}:
        raise OriginMismatch


def _header_values(app: APIGatewayRestResolver, name: str) -> list[str]:
    """Every value the request carries for this header, whatever case each one is written in. Powertools' own
    headers keep one value (the last one sent) and one spelling of the name, so they are read from the raw event."""
    event = app.current_event.raw_event
    multi: dict[str, list[str]] = event.get("multiValueHeaders") or {}
    single: dict[str, str] = event.get("headers") or {}
    wanted = name.lower()
    if multi:
        return [value for key, values in multi.items() if key.lower() == wanted for value in values or ()]
    return [value for key, value in single.items() if key.lower() == wanted]


def _cookie_value(cookie_header: str | None, name: str) -> str | None:
    for part in (cookie_header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def require_session(app: APIGatewayRestResolver) -> CurrentSession:
    """The caller's live session, from `Authorization: Bearer` or the session cookie. A state-changing
    request that relies on the cookie must come from our web origin (CSRF); a Bearer request needs none."""
    event = app.current_event
    authorization = event.headers.get("Authorization") or ""
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return services().sessions.authenticate(credentials.strip())
    token = _cookie_value(event.headers.get("Cookie"), SESSION_COOKIE)
    session = services().sessions.authenticate(token)
    if event.http_method.upper() in STATE_CHANGING_METHODS:
        require_our_origin(app, required=True)
    return session


def staff_actor(app: APIGatewayRestResolver) -> str:
    """The IAM ARN API Gateway verified for this staff request (AWS_IAM on the method)."""
    arn = app.current_event.request_context.identity.user_arn
    if not arn:
        log_event("staff_identity_missing", level="warning", security=True)
        raise StaffIdentityMissing
    return str(arn)

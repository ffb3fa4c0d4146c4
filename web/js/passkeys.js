// Passkeys (WebAuthn) in this browser: whether it has them, the API's options (JSON, base64url) as the browser
// takes them, and the browser's answer as the JSON the API takes. The browser's own helpers are used where it
// has them (PublicKeyCredential.parseCreationOptionsFromJSON, parseRequestOptionsFromJSON, credential.toJSON());
// a small base64url translation stands in where it has not. Where a browser has no WebAuthn, the pages show
// nothing about passkeys.

/** Whether this browser can create passkeys and sign in with them (a secure context, as http://localhost is). */
export function passkeysSupported() {
  return (
    window.isSecureContext === true &&
    typeof window.PublicKeyCredential === "function" &&
    typeof navigator.credentials?.create === "function" &&
    typeof navigator.credentials?.get === "function"
  );
}

/** Whether the browser can offer passkeys in the e-mail field's autofill (conditional mediation). */
export async function autofillSupported() {
  if (!passkeysSupported() || typeof PublicKeyCredential.isConditionalMediationAvailable !== "function") return false;
  try {
    return (await PublicKeyCredential.isConditionalMediationAvailable()) === true;
  } catch {
    return false;
  }
}

function bytes(text) {
  const base64 = String(text).replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out.buffer;
}

function base64url(buffer) {
  if (buffer === null || buffer === undefined) return null;
  const view =
    buffer instanceof ArrayBuffer
      ? new Uint8Array(buffer)
      : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let binary = "";
  for (const byte of view) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function descriptors(list) {
  return (list ?? []).map((item) => ({ ...item, id: bytes(item.id) }));
}

/** The API's PublicKeyCredentialCreationOptionsJSON as navigator.credentials.create takes it. */
export function creationOptions(json) {
  if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
    return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  }
  return {
    ...json,
    challenge: bytes(json.challenge),
    user: { ...json.user, id: bytes(json.user.id) },
    excludeCredentials: descriptors(json.excludeCredentials),
  };
}

/** The API's PublicKeyCredentialRequestOptionsJSON as navigator.credentials.get takes it. */
export function requestOptions(json) {
  if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
    return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  }
  return { ...json, challenge: bytes(json.challenge), allowCredentials: descriptors(json.allowCredentials) };
}

/** A credential the browser gave (created or used) as RegistrationResponseJSON or AuthenticationResponseJSON. */
export function credentialJSON(credential) {
  if (typeof credential.toJSON === "function") return credential.toJSON();
  const { response } = credential;
  const json = {
    id: credential.id,
    rawId: base64url(credential.rawId),
    type: credential.type,
    clientExtensionResults: credential.getClientExtensionResults?.() ?? {},
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    response: { clientDataJSON: base64url(response.clientDataJSON) },
  };
  if ("attestationObject" in response) {
    json.response.attestationObject = base64url(response.attestationObject);
    json.response.transports = response.getTransports?.() ?? [];
  } else {
    json.response.authenticatorData = base64url(response.authenticatorData);
    json.response.signature = base64url(response.signature);
    if (response.userHandle) json.response.userHandle = base64url(response.userHandle);
  }
  return json;
}

/** What the browser's refusal means for the person: "cancelled" (they closed it, it timed out, or no passkey
 * was there), "exists" (this device has a passkey for the account already), "aborted" (the page stopped it), or
 * "failed" (the browser could not do it). */
export function browserProblem(error) {
  const name = error?.name;
  if (name === "NotAllowedError") return "cancelled";
  if (name === "InvalidStateError") return "exists";
  if (name === "AbortError") return "aborted";
  return "failed";
}

/** A default name for a new passkey: the kind of device it was made on, as far as the browser says. */
export function deviceKind() {
  const platform = navigator.userAgentData?.platform ?? "";
  const agent = navigator.userAgent ?? "";
  if (/iPhone/.test(agent)) return "iPhone";
  if (/iPad/.test(agent)) return "iPad";
  if (platform === "Android" || /Android/.test(agent)) return "Android";
  if (platform === "Windows" || /Windows/.test(agent)) return "Windows";
  if (platform === "macOS" || /Macintosh|Mac OS X/.test(agent)) return "Mac";
  if (platform === "Chrome OS" || /CrOS/.test(agent)) return "ChromeOS";
  if (platform === "Linux" || /Linux/.test(agent)) return "Linux";
  return null;
}

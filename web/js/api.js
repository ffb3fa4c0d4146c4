// The API on the pages' own origin: JSON in and out, the session in the __Host-session cookie (HttpOnly, so
// never seen here). The browser adds Origin to every state-changing fetch, as the API's Origin rule asks.

const base = document.querySelector('meta[name="migris-api-base"]')?.content ?? "";

/** An absolute path of the API (the pages may be served apart from it; see index.html). */
export function apiUrl(path) {
  return base + path;
}

/** Where a VIISP sign-in starts (a navigation, not a fetch); on a shared computer it sets no device cookie. */
export function viispStartUrl(shared) {
  return apiUrl(shared ? "/login/viisp?shared_computer=true" : "/login/viisp");
}

/** The code of the edge's refusal (WAF in front of the API): its own 429 body, and what a challenge is taken for. */
export const EDGE_REFUSAL = "edge_rate_limited";

/**
 * Call the API. Never throws: a failure to connect is status 0. Every answer of the API but a 204 has a JSON
 * body, so a success without one came from the edge in the API's place: a WAF challenge answers a POST with a
 * bodiless 202, which must never read as "code sent". It is reported as the edge's refusal (429).
 * @returns {Promise<{status: number, data: any, error: {code: string, fields?: object} | null, retryAfter: number | null}>}
 */
export async function call(method, path, { body, language } = {}) {
  const headers = { Accept: "application/json" };
  if (language) headers["Accept-Language"] = language;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(apiUrl(path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    return { status: 0, data: null, error: { code: "network" }, retryAfter: null };
  }
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  const parsed = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
  const retryAfter = Number.isFinite(parsed) ? parsed : null;
  if (response.ok && response.status !== 204 && (data === null || typeof data !== "object")) {
    return { status: 429, data: null, error: { code: EDGE_REFUSAL }, retryAfter };
  }
  return {
    status: response.status,
    data: response.ok ? data : null,
    error: response.ok ? null : (data?.error ?? { code: "unknown" }),
    retryAfter,
  };
}

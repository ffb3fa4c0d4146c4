// What the API gives, in the page's words: a browser and system, a moment.
import { h } from "./dom.js";
import { dateTimeWords, t } from "./i18n.js";

// What the API says when its User-Agent parser knew neither the browser nor the system.
const ANOTHER_BROWSER = "another browser";

/** A session's, device's or sign-in's browser in words ("Chrome Mobile on Android" from the API, in the page's
 * language), or "Unknown browser" when the API could not tell. */
export function browserWords(browser) {
  const words = String(browser ?? "").trim();
  if (!words || words === ANOTHER_BROWSER) return t("account.devices.unknown");
  const at = words.indexOf(" on ");
  if (at <= 0) return words;
  return t("account.devices.browser", { browser: words.slice(0, at), system: words.slice(at + 4) });
}

/** A time from the API (ISO 8601 UTC) as a <time>, in the page's language and the browser's time zone. */
export function when(iso) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return String(iso ?? "");
  return h("time", { datetime: at.toISOString() }, dateTimeWords(at));
}

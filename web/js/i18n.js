// The page's words in four languages: one string file per language (web/i18n/), and only the one shown is loaded
// (a dynamic import(); a change of language loads the new file before the page is drawn again).
// Which language: the one picked on this browser (kept in localStorage), else the first of the browser's
// preferred languages (navigator.languages) that the pages speak, else Lithuanian. Only a pick is kept.
import { preferences } from "./storage.js";

// import() takes a literal path here, so each file is fetched only when its language is shown.
const LOADERS = {
  lt: () => import("../i18n/lt.js"),
  en: () => import("../i18n/en.js"),
  uk: () => import("../i18n/uk.js"),
  ru: () => import("../i18n/ru.js"),
};
export const LANGUAGES = [
  { code: "lt", name: "Lietuvių" },
  { code: "en", name: "English" },
  { code: "uk", name: "Українська" },
  { code: "ru", name: "Русский" },
];
export const DEFAULT_LANGUAGE = "lt";

const loaded = {}; // code -> its table, once fetched
let current = DEFAULT_LANGUAGE;
let table = {};

/** The language picked on this browser, or null when the person never picked one here. */
export function pickedLanguage() {
  const code = preferences.language();
  return LOADERS[code] ? code : null;
}

/** The first of the browser's preferred languages ("uk-UA", "ru") that the pages speak, or null. */
export function browserLanguage() {
  const wanted = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of wanted) {
    const code = String(tag ?? "").toLowerCase().split("-")[0];
    if (LOADERS[code]) return code;
  }
  return null;
}

/** The language to start in: the one picked here wins over the browser's, and Lithuanian is the default. */
export function startingLanguage() {
  return pickedLanguage() ?? browserLanguage() ?? DEFAULT_LANGUAGE;
}

export function language() {
  return current;
}

/** Whether the person at this tab pressed a language since the last sign-out (rather than getting the one kept on
 * this browser, maybe by someone else, the browser's or the default): only such a choice is sent to the account. */
export function languageChosen() {
  return pickedLanguage() !== null && preferences.pressedHere();
}

/** Fetch a language's strings (once). A file that does not load (the network) falls back to Lithuanian's. */
export async function loadLanguage(code) {
  if (!LOADERS[code]) code = DEFAULT_LANGUAGE;
  if (!loaded[code]) {
    try {
      loaded[code] = (await LOADERS[code]()).default;
    } catch (error) {
      if (code === DEFAULT_LANGUAGE) throw error;
      return loadLanguage(DEFAULT_LANGUAGE);
    }
  }
  return code;
}

/** Show a loaded language: <html lang> follows it. `keep` (a pick by the person) also keeps it in localStorage;
 * a language taken from the browser or from the account is never kept as if picked. */
export function setLanguage(code, { keep = false } = {}) {
  if (!loaded[code]) return;
  current = code;
  table = loaded[code];
  if (keep) preferences.setLanguage(code);
  document.documentElement.lang = code;
}

// Every file holds every key (a browser test checks it), so a key is never looked up in another language: a
// missing one shows as itself, and Lithuanian is not fetched beside the language shown.
function lookup(key, count) {
  const entry = table[key] ?? key;
  if (typeof entry === "string") return entry;
  const form = new Intl.PluralRules(current).select(count ?? 0);
  return entry[form] ?? entry.other;
}
/** The text for `key` with {placeholders} filled in; a plural entry is chosen by `params.n`. */
export function t(key, params = {}) {
  return lookup(key, params.n).replace(/\{(\w+)\}(\.?)/g, (match, name, stop) => {
    if (!(name in params)) return match;
    const value = String(params[name]);
    // A value that ends with an abbreviation's full stop ("po 5 min.") ends the sentence with it: one stop, not two.
    return value + (stop && value.endsWith(".") ? "" : stop);
  });
}

/** As t(), but as a list of nodes, so that a placeholder can be an element (a <strong>, say). */
export function tNodes(key, params = {}) {
  const nodes = [];
  const text = lookup(key, params.n);
  let last = 0;
  for (const match of text.matchAll(/\{(\w+)\}/g)) {
    nodes.push(text.slice(last, match.index));
    const value = params[match[1]];
    nodes.push(value instanceof Node ? value : String(value ?? match[0]));
    last = match.index + match[0].length;
  }
  nodes.push(text.slice(last));
  return nodes.filter((node) => node !== "");
}

/** A wait as people read it: "42 s", "5 min.", "1 val. 5 min." in the page's language. */
export function duration(seconds) {
  const total = Math.max(1, Math.ceil(seconds));
  if (total < 60) return t("time.seconds", { n: total });
  if (total < 600 && total % 60) return t("time.minutesSeconds", { m: Math.floor(total / 60), s: total % 60 });
  const minutes = Math.ceil(total / 60);
  if (minutes < 60) return t("time.minutes", { m: minutes });
  return t("time.hoursMinutes", { h: Math.floor(minutes / 60), m: minutes % 60 });
}

// Every date and time the pages show is written here: day, month, year and the 24-hour clock in every language.
// English takes Britain's order ("7 Dec 2026, 17:13"), not America's month first and "5:13 PM".
const CLOCK = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

function dateLocale() {
  return current === "en" ? "en-GB" : current;
}

/** The clock time `seconds` from now on the 24-hour clock in every language, e.g. "14:35". */
export function clockAfter(seconds) {
  return new Intl.DateTimeFormat(dateLocale(), CLOCK).format(new Date(Date.now() + seconds * 1000));
}

/** A moment as a date and a time in the page's language, e.g. "7 Dec 2026, 17:13", "2026-12-07 17:13". */
export function dateTimeWords(at) {
  return new Intl.DateTimeFormat(dateLocale(), { day: "numeric", month: "short", year: "numeric", ...CLOCK }).format(
    at,
  );
}


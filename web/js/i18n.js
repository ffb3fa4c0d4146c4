// The page's words in four languages: one string file per language (web/i18n/), Lithuanian by default.
// The choice is kept in localStorage and <html lang> follows it.
import lt from "../i18n/lt.js";
import en from "../i18n/en.js";
import uk from "../i18n/uk.js";
import ru from "../i18n/ru.js";
import { preferences } from "./storage.js";

const TABLES = { lt, en, uk, ru };
export const LANGUAGES = [
  { code: "lt", name: "Lietuvių" },
  { code: "en", name: "English" },
  { code: "uk", name: "Українська" },
  { code: "ru", name: "Русский" },
];
export const DEFAULT_LANGUAGE = "lt";

let current = TABLES[preferences.language()] ? preferences.language() : DEFAULT_LANGUAGE;

export function language() {
  return current;
}

/** Whether the person picked a language on this browser (rather than getting the default). */
export function languageChosen() {
  return Boolean(TABLES[preferences.language()]);
}

export function setLanguage(code) {
  if (!TABLES[code]) return;
  current = code;
  preferences.setLanguage(code);
  document.documentElement.lang = code;
}

function lookup(key, count) {
  const entry = TABLES[current][key] ?? TABLES[DEFAULT_LANGUAGE][key] ?? key;
  if (typeof entry === "string") return entry;
  const form = new Intl.PluralRules(current).select(count ?? 0);
  return entry[form] ?? entry.other;
}

/** The text for `key` with {placeholders} filled in; a plural entry is chosen by `params.n`. */
export function t(key, params = {}) {
  return lookup(key, params.n).replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
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

/** The clock time `seconds` from now on the 24-hour clock in every language, e.g. "14:35". */
export function clockAfter(seconds) {
  const at = new Date(Date.now() + seconds * 1000);
  return new Intl.DateTimeFormat(current, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
}

/** Every string table, for the test that all four hold the same keys. */
export const tables = TABLES;

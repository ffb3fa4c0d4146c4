// The API's answers in the page's own words. A message is kept as {key, params, until?} and put into words
// only when shown, so it follows a change of language; `until` (ms since epoch) is a deadline shown as a wait.
import { EDGE_REFUSAL } from "./api.js";
import { clockAfter, duration, t } from "./i18n.js";

const MAX_LENGTH = { email: 254, given_name: 31, family_name: 31, phone_number: 20 };
// The marks one letter may carry (MAX_MARKS_PER_LETTER in migris/domain/validation.py).
const MAX_MARKS = 4;
const GROUP = { email: "email", given_name: "name", family_name: "name", phone_number: "phone_number", code: "code" };
const REQUIRED_KEYS = new Set(["email", "given_name", "family_name", "phone_number", "code"]);

// The API words its field problems for people in English; these tell which kind of problem it is.
const REASONS = [
  [/cannot receive mail/i, "noMail"],
  [/without accents/i, "notAscii"],
  [/^enter |required|missing/i, "required"],
  [/accents or other marks/i, "marks"], // "at most 4 accents or other marks": not a length
  [/at most/i, "tooLong"],
  [/invisible|visible letter/i, "invisible"],
  [/styled|ligature/i, "styled"],
];

export function message(key, params = {}, until = null) {
  return { key, params, until };
}

/** A message in the current language. */
export function text(msg) {
  if (!msg) return "";
  if (msg.until === null || msg.until === undefined) return t(msg.key, msg.params);
  const seconds = Math.max(1, (msg.until - Date.now()) / 1000);
  return t(msg.key, { ...msg.params, time: duration(seconds), clock: clockAfter(seconds) });
}

/** What to say about one field the API refused, e.g. ("phone_number", "not a phone number"). */
export function fieldMessage(field, problem = "") {
  const reason = REASONS.find(([pattern]) => pattern.test(problem))?.[1] ?? "invalid";
  const group = GROUP[field] ?? "other";
  if (reason === "tooLong" && MAX_LENGTH[field]) return message("field.tooLong", { max: MAX_LENGTH[field] });
  if (reason === "required" && REQUIRED_KEYS.has(field)) return message(`field.required.${field}`);
  if ((reason === "invisible" || reason === "styled") && group === "name") return message(`field.${reason}.name`);
  if (reason === "marks" && group === "name") return message("field.marks.name", { max: MAX_MARKS });
  if ((reason === "noMail" || reason === "notAscii") && group === "email") return message(`field.${reason}.email`);
  return message(`field.invalid.${group}`);
}

// The edge's wait when it names none: its rate rule looks back this far (template.yaml, LoginWebAcl).
const EDGE_WAIT_SECONDS = 300;
// A 429 without the API's error body ("unknown", api.js) can only be the edge's.
const EDGE_CODES = new Set([EDGE_REFUSAL, "unknown"]);

const CONFLICTS = {
  mail_unavailable: "error.mailUnavailable",
  email_taken: "error.emailTaken",
  recovery_pending: "error.recoveryPending",
  edit_conflict: "error.conflict",
  names_locked: "error.namesLocked",
  origin_mismatch: "error.origin",
};

/**
 * The messages for a refused call: {fields: {inputId: msg}, notice: msg | null, lockedUntil?, waitUntil?}.
 * options.fieldIds maps the API's field names to this form's inputs; options.codeField takes a wrong code,
 * options.limitField a wait (else they are notices); options.locked says the address is known to be locked;
 * options.cooldown is the resend cooldown the API gave (a shorter wait is a cooldown, a longer one a limit);
 * options.change words a lock for an e-mail change rather than a sign-in.
 */
export function describe(answer, options = {}) {
  const { fieldIds = {}, codeField = null, limitField = null, locked = false, cooldown = 60, change = false } = options;
  const code = answer.error?.code;
  const result = { fields: {}, notice: null };
  const put = (id, msg) => {
    if (id) result.fields[id] = msg;
    else result.notice = msg;
  };
  if (answer.status === 0) {
    result.notice = message("error.network");
  } else if (answer.status === 422) {
    for (const [name, problem] of Object.entries(answer.error?.fields ?? {})) {
      if (fieldIds[name]) result.fields[fieldIds[name]] = fieldMessage(name, problem);
      else result.notice = message("error.check");
    }
    if (!Object.keys(result.fields).length) result.notice = message("error.check");
  } else if (answer.status === 401 && code === "invalid_code") {
    put(codeField, message("error.invalidCode"));
  } else if (answer.status === 401) {
    result.notice = message("signin.expired");
  } else if (answer.status === 429 && EDGE_CODES.has(code)) {
    // Too many sign-ins from this network, not this address's limit: said for the whole form, and no lock.
    result.waitUntil = Date.now() + (answer.retryAfter ?? EDGE_WAIT_SECONDS) * 1000;
    result.notice = message("error.edge", {}, result.waitUntil);
  } else if (answer.status === 429) {
    const wait = answer.retryAfter ?? cooldown;
    const until = Date.now() + wait * 1000;
    if (code === "too_many_attempts" || locked) {
      result.lockedUntil = until;
      put(limitField, message(change ? "error.lockedChange" : "error.locked", {}, until));
    } else if (wait <= cooldown) {
      result.waitUntil = until;
      put(limitField, message("error.cooldown", {}, until));
    } else {
      result.waitUntil = until;
      put(limitField, message("error.tooMany", {}, until));
    }
  } else if (CONFLICTS[code]) {
    result.notice = message(CONFLICTS[code]);
  } else {
    result.notice = message("error.server");
  }
  return result;
}

// Small helpers to build the screens: elements, form fields with their label, hint, error and counter, notices,
// and the live regions that announce what happened. Text always goes in as text, never as HTML.
import { t } from "./i18n.js";
import { text } from "./problems.js";

/** h("p", {class: "hint"}, "text", child…): an element; `on…` attributes become listeners, true/false toggle. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

/** The "*" after a required field's label: shown, not read (the field itself says it is required). */
function requiredMark() {
  return h("span", { class: "required-mark", "aria-hidden": "true" }, " *");
}

function counterText(length, max) {
  return [h("span", { class: "visually-hidden" }, `${t("app.counter")} `), `${length}/${max}`];
}

/**
 * A labelled input with its hint, its error (aria-invalid, aria-describedby) and, with `max`, a live counter
 * "0/254". `onInput(value)` hears every change.
 */
export function field({ id, label, value = "", error = null, hint = null, max = null, onInput, ...input }) {
  const describedBy = [];
  const hintNode = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintNode) describedBy.push(hintNode.id);
  const errorNode = error
    ? h(
        "p",
        { class: "field-error", id: `${id}-error` },
        h("span", { class: "visually-hidden" }, `${t("app.errorPrefix")} `),
        text(error),
      )
    : null;
  if (errorNode) describedBy.push(errorNode.id);
  const counter = max ? h("p", { class: "counter", id: `${id}-count` }, counterText(value.length, max)) : null;
  if (counter) describedBy.push(counter.id);
  const control = h("input", {
    id,
    name: id,
    type: "text",
    required: true,
    maxlength: max,
    "aria-invalid": error ? "true" : null,
    "aria-describedby": describedBy.join(" ") || null,
    ...input,
  });
  control.value = value;
  control.addEventListener("input", () => {
    if (counter) counter.replaceChildren(...counterText(control.value.length, max));
    onInput?.(control.value);
  });
  return h(
    "div",
    { class: error ? "field field--error" : "field" },
    h("label", { for: id }, label, input.required === false ? null : requiredMark()),
    hintNode,
    errorNode,
    control,
    counter,
  );
}

/** A tick box with its label beside it and a hint under the label; `onChange(checked)` hears every change. */
export function checkbox({ id, label, hint = null, checked = false, onChange }) {
  const hintNode = hint ? h("p", { class: "hint checkbox__hint", id: `${id}-hint` }, hint) : null;
  const control = h("input", {
    id,
    name: id,
    type: "checkbox",
    class: "checkbox__input",
    "aria-describedby": hintNode ? hintNode.id : null,
  });
  control.checked = checked;
  control.addEventListener("change", () => onChange?.(control.checked));
  return h(
    "div",
    { class: "checkbox" },
    control,
    h("label", { for: id, class: "checkbox__label" }, label),
    hintNode,
  );
}

/** An address the page is configured with (a <meta> in index.html): an http(s) URL, else null (its link is then
 * left out rather than leading nowhere). */
export function configuredLink(name) {
  const value = document.querySelector(`meta[name="${name}"]`)?.content ?? "";
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** "If …, contact the Migration Department": `key`'s sentence (if any) and a link to the department's contact page
 * (`migris-link-contact`, the mails' ContactUrl), opening in a new tab. */
export function contactLine(key, id) {
  const href = configuredLink("migris-link-contact");
  if (!key && !href) return null;
  return h(
    "p",
    { class: "contact-line", id },
    key ? t(key) : null,
    key && href ? " " : null,
    href
      ? h(
          "a",
          { href, target: "_blank", rel: "noopener" },
          t("app.contact.link"),
          h("span", { class: "visually-hidden" }, ` ${t("signin.banner.newTab")}`),
        )
      : null,
  );
}

/** A read-only value shown as a term and its description. */
export function fact(term, ...description) {
  return [h("dt", {}, term), h("dd", {}, ...description)];
}

const NOTICE_ICONS = { error: "!", success: "✓", info: "i", warning: "!" };
const NOTICE_PREFIXES = { error: "app.errorPrefix", success: "app.successPrefix" };

/** A box of text that looks different for an error, a success, a warning and plain information. */
export function notice(kind, content, attributes = {}) {
  const prefix = NOTICE_PREFIXES[kind];
  return h(
    "div",
    { class: `notice notice--${kind}`, ...attributes },
    h("span", { class: "notice__icon", "aria-hidden": "true" }, NOTICE_ICONS[kind]),
    h(
      "div",
      { class: "notice__body" },
      prefix ? h("span", { class: "visually-hidden" }, `${t(prefix)} `) : null,
      content,
    ),
  );
}

let announceTimer = null;

/** Say `message` through a live region: the alert region for problems, the status region for the rest. */
export function announce(message, { urgent = false } = {}) {
  const region = document.getElementById(urgent ? "live-alert" : "live-status");
  const other = document.getElementById(urgent ? "live-status" : "live-alert");
  if (!region) return;
  region.textContent = "";
  other.textContent = "";
  clearTimeout(announceTimer);
  // Emptied first and filled a moment later, so the same words said twice are announced twice.
  announceTimer = setTimeout(() => {
    region.textContent = message;
  }, 60);
}

/**
 * A card whose content folds under its heading, so a long page stays short on a phone: a section named by its
 * heading, the heading inside the <summary> that opens and closes it. `open`: as it is drawn; `onToggle(open)`
 * hears the person open or close it. The summary (id `${id}-fold`) takes focus where the heading would.
 */
export function foldCard({ id, heading, open, onToggle }, ...children) {
  return h(
    "section",
    { class: "card card--fold", id, "aria-labelledby": `${id}-heading` },
    h(
      "details",
      { class: "fold", open: Boolean(open), ontoggle: (event) => onToggle?.(event.target.open) },
      h("summary", { class: "fold__summary", id: `${id}-fold` }, h("h2", { id: `${id}-heading` }, heading)),
      ...children,
    ),
  );
}

/** Where focus goes when a card is drawn again: its summary if it folds, else its heading. */
export function cardHeading(card) {
  return card.querySelector("summary") ?? card.querySelector("h2");
}

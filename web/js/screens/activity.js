// "Activity on your account" (GET /activity): what happened to the account, newest first, in words: when, what,
// how and from where a sign-in came, who did it (you, VIISP, migration staff, the system) and staff's reason. A
// page at a time; "Show earlier activity" asks for the next.
import { announce, cardHeading, fact, foldCard, h, notice } from "../dom.js";
import { t, tNodes } from "../i18n.js";
import { phoneWords } from "../phone.js";
import { browserWords, when } from "../words.js";

const KINDS = new Set([
  "signed_in",
  "profile_completed",
  "contact_changed",
  "email_change_requested",
  "passkey_added",
  "passkey_removed",
  "identity_linked",
  "identity_unlinked",
  "session_ended",
  "device_forgotten",
  "sessions_ended",
  "not_me_reported",
  "staff_changed",
  "recovery_started",
  "recovery_confirmed",
  "recovery_cancelled",
  "recovery_completed",
]);
const ACTORS = { self: "you", "self:viisp": "viisp", staff: "staff", system: "system" };
const METHODS = new Set(["email", "viisp", "eidas", "passkey"]);
const FIELDS = new Set([
  "given_name",
  "family_name",
  "phone_number",
  "email",
  "level",
  "identity",
  "sessions",
  "passkeys",
]);

/** A value of a change as a person reads it: a level in words, a phone grouped as on the account, nothing as a dash. */
function valueWords(field, value) {
  if (value === null || value === undefined || value === "") return t("account.activity.nothing");
  if (field === "level" && [1, 2, 3].includes(value)) return t(`account.activity.level.${value}`);
  if (field === "phone_number") return h("span", { class: "phone", dir: "ltr" }, phoneWords(value));
  return String(value);
}

/** A change in words: "from A to B", or only the new value when there was none before (a first fill). */
function changeWords(field, change) {
  const before = change?.before;
  if (before === null || before === undefined || before === "") return valueWords(field, change?.after);
  return tNodes("account.activity.change", {
    before: valueWords(field, before),
    after: valueWords(field, change?.after),
  });
}

export class ActivityList {
  /** `app` calls the API; `replaced(node)` is told when the section is drawn again (the list came). */
  constructor(app, folded = (id) => ({ id, open: true })) {
    this.app = app;
    this.folded = folded; // how the account page draws its folding cards (open or folded, and kept so)
    this.events = null; // null until the first page comes
    this.next = null; // the `next` of the last page, or null when there is no more
    this.failed = false;
    this.loading = false;
    this.gone = false;
    this.node = null;
    this.load();
  }

  destroy() {
    this.gone = true;
  }

  section() {
    let content;
    if (this.events) {
      content = this.events.length
        ? h("ol", { class: "activity" }, this.events.map((event, index) => this.item(event, index)))
        : h("p", { class: "hint" }, t("account.activity.none"));
    } else if (this.failed) {
      content = h("div", {}, notice("error", t("account.activity.failed")));
    } else {
      content = h("p", { class: "loading" }, t("account.activity.loading"));
    }
    const more =
      this.failed || this.next
        ? h(
            "button",
            {
              type: "button",
              class: "button button--secondary",
              id: "activity-more",
              disabled: this.loading ? "" : null,
              onclick: () => this.load({ more: !this.failed || Boolean(this.events) }),
            },
            t(this.failed ? "account.activity.retry" : "account.activity.more"),
          )
        : null;
    this.node = foldCard(
      { ...this.folded("activity"), heading: t("account.activity.heading") },
      h("p", {}, t("account.activity.intro")),
      content,
      more,
    );
    return this.node;
  }

  item(event, index) {
    const kind = KINDS.has(event.kind) ? event.kind : "other";
    const actor = ACTORS[event.actor] ?? "system";
    const id = `activity-${index}`;
    const changes = event.changes && typeof event.changes === "object" ? Object.entries(event.changes) : [];
    return h(
      "li",
      { class: "activity__event" },
      h("h3", { class: "activity__what", id: `${id}-what` }, t(`account.activity.kind.${kind}`)),
      h(
        "dl",
        { class: "facts facts--session" },
        fact(t("account.activity.when"), when(event.at)),
        fact(t("account.activity.by"), t(`account.activity.actor.${actor}`)),
        METHODS.has(event.method) ? fact(t("account.activity.how"), t(`account.activity.method.${event.method}`)) : null,
        event.browser !== null && event.browser !== undefined
          ? fact(t("account.activity.browser"), browserWords(event.browser))
          : null,
        event.network ? fact(t("account.activity.network"), h("span", { dir: "ltr" }, String(event.network))) : null,
        ...changes
          .filter(([field]) => FIELDS.has(field))
          .map(([field, change]) =>
            fact(t(`account.activity.field.${field}`), changeWords(field, change)),
          ),
        event.reason ? fact(t("account.activity.reason"), String(event.reason)) : null,
        event.reference ? fact(t("account.activity.reference"), String(event.reference)) : null,
      ),
    );
  }

  /** Fetch the first page, or with `more` the page after the last one shown. */
  async load({ more = false } = {}) {
    if (this.loading) return;
    this.loading = true;
    const query = more && this.next ? `?next=${encodeURIComponent(this.next)}` : "";
    const answer = await this.app.call("GET", `/activity${query}`);
    this.loading = false;
    if (this.gone) return;
    if (answer.status === 401 && this.app.profile) {
      this.app.sessionEnded();
      return;
    }
    const loaded = answer.status === 200 && Array.isArray(answer.data?.events);
    if (loaded) {
      this.events = more && this.events ? [...this.events, ...answer.data.events] : answer.data.events;
      this.next = typeof answer.data.next === "string" ? answer.data.next : null;
    }
    this.failed = !loaded;
    this.redraw();
    if (!loaded) announce(t("account.activity.failed"), { urgent: true });
  }

  /** Only the section is drawn again; focus that was in it goes to its heading rather than being lost. */
  redraw() {
    if (!this.node?.isConnected) return;
    const hadFocus = this.node.contains(document.activeElement);
    const old = this.node;
    old.replaceWith(this.section());
    if (hadFocus) cardHeading(this.node).focus();
  }
}

// The account in words: names (changed only by staff), the level and the confirmed identity as a person reads
// them (never a personal code), the sign-in method, a way to link an e-mail account with VIISP, the two things
// the person may change (the phone number, and the e-mail address with a code sent to it), the places the
// person is signed in (GET /sessions), each of which can be ended (DELETE /sessions/{id}), and the devices the
// service remembers (the same answer's "devices"), each of which can be forgotten (DELETE /devices/{id}), and,
// where the browser has WebAuthn, the person's passkeys (GET /passkeys): create one (a fresh sign-in only, with a
// warning against a shared device), rename (PATCH) and remove (DELETE) each; and the person's data: "Download my
// data" (GET /profile/export, saved as a file) and "Delete my account" (DELETE /profile, after a confirmation),
// both for a fresh sign-in only.
import { addressNodes, addressText } from "../address.js";
import { announce, cardHeading, fact, foldCard, h, notice } from "../dom.js";
import { language, t, tNodes } from "../i18n.js";
import { browserWords, when } from "../words.js";
import { phoneWords } from "../phone.js";
import { browserProblem, creationOptions, credentialJSON, deviceKind, passkeysSupported } from "../passkeys.js";
import { describe, message, text } from "../problems.js";
import { changeCodes } from "../storage.js";
import { View } from "../view.js";
import { ActivityList } from "./activity.js";
import { codeRules } from "./code.js";
import { isLinkRefusal } from "./viisp_error.js";

// eIDAS writes Greece and the United Kingdom as EL and UK; Intl.DisplayNames knows them as GR and GB.
const EIDAS_REGIONS = { EL: "GR", UK: "GB" };
const SESSION_METHODS = {
  email: "account.sessions.method.email",
  viisp: "account.sessions.method.viisp",
  passkey: "account.sessions.method.passkey",
};
const PASSKEY_NAME = "passkey-name"; // the rename field's id
// From this width the page has two columns and room for every card open; narrower, the long cards start folded.
const WIDE = "(min-width: 64rem)";

/** A new passkey's name: the kind of device it was made on, in the page's language ("Passkey (Android)"). */
function newPasskeyName() {
  const kind = deviceKind();
  return kind ? t("account.passkeys.defaultName", { device: kind }) : t("account.passkeys.defaultNameBare");
}

/** A country's name in the page's language ("Vokietija", "Germany"), or its code where the browser cannot. */
function countryName(code) {
  const region = String(code ?? "").toUpperCase();
  if (!/^[A-Z]{2}$/.test(region)) return null;
  try {
    return new Intl.DisplayNames([language()], { type: "region" }).of(EIDAS_REGIONS[region] ?? region) ?? region;
  } catch {
    return region;
  }
}

/** An http(s) address to send the browser to, or null: never a `javascript:` or `data:` one, whoever wrote it. */
function webAddress(value) {
  try {
    const url = new URL(String(value ?? ""), window.location.href);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

export class AccountView extends View {
  constructor(app, props) {
    super(app, props);
    this.sessions = null; // the list from GET /sessions; null until it comes
    this.devices = null; // the known devices from the same answer; null until it comes (or from an older API)
    this.sessionsFailed = false;
    this.sessionsNode = null;
    this.devicesNode = null;
    this.gone = false;
    this.passkeysOn = passkeysSupported(); // without WebAuthn, nothing about passkeys is shown
    this.passkeys = null; // the list from GET /passkeys; null until it comes
    this.passkeysFailed = false;
    this.passkeysNode = null;
    this.renaming = null; // the id of the passkey whose name is being changed
    this.freshNeeded = false; // the API asked for a fresh sign-in: the "sign in again" button is shown
    this.asking = false; // the browser's passkey dialog is open
    this.folds = {}; // card -> open, as the person left it; a card not in it follows the width (open when wide)
    this.activity = new ActivityList(app, (card) => this.folded(card)); // what happened on the account
    this.dataFresh = false; // the export or the erasure asked for a fresh sign-in
    this.confirmingErase = false; // the erasure's confirmation step is shown
    this.loadSessions();
    if (this.passkeysOn) this.loadPasskeys();
    // A window made wider or narrower opens or folds the cards the person has not opened or closed.
    this.wide = window.matchMedia(WIDE);
    this.onWidth = () => this.app.repaint();
    this.wide.addEventListener("change", this.onWidth);
  }

  destroy() {
    this.gone = true;
    this.wide.removeEventListener("change", this.onWidth);
    this.activity.destroy();
  }

  /** How a folding card is drawn: its `id`, whether it is open (as the person left it; open where it has news or
   * a step under way; else open when the window is wide), and a way to keep what the person does. */
  folded(id, { busy = false } = {}) {
    const area = { "my-data": "data" }[id] ?? id;
    const open = busy || Boolean(this.notices[area]) || (this.folds[id] ?? this.wide?.matches ?? true);
    // A <details> drawn open fires "toggle" too: only a change from how it was drawn is the person's doing.
    let drawn = open;
    const onToggle = (isOpen) => {
      if (isOpen !== drawn) this.folds[id] = drawn = isOpen;
    };
    return { id, open, onToggle };
  }

  /** Only the latest news is shown: a success replaces any other success on the page (errors stay at theirs). */
  succeed(area, msg, options) {
    for (const [shown, notice] of Object.entries(this.notices)) {
      if (notice.kind === "success") delete this.notices[shown];
    }
    super.succeed(area, msg, options);
  }

  title() {
    return t("account.title");
  }

  render() {
    this.sessionsNode = this.sessionsSection();
    this.devicesNode = this.devicesSection();
    this.passkeysNode = this.passkeysSection();
    // Two columns when wide: who the person is and how to reach them; then what signs in, and the account's data.
    return h(
      "div",
      { class: "screen screen--account" },
      this.heading(),
      this.notice("page"),
      h(
        "div",
        { class: "account-columns" },
        h(
          "div",
          { class: "account-column" },
          this.personSection(),
          this.linkSection(),
          this.phoneSection(),
          this.emailSection(),
        ),
        h(
          "div",
          { class: "account-column" },
          this.passkeysNode,
          this.sessionsNode,
          this.devicesNode,
          this.activity.section(),
          this.dataSection(),
          this.eraseSection(),
        ),
      ),
    );
  }

  /** "Sign in again" where the API asked for a fresh sign-in. */
  signInAgainButton() {
    return h(
      "p",
      {},
      h(
        "button",
        { type: "button", class: "button button--secondary", onclick: () => this.app.signOut() },
        t("account.passkeys.signInAgain"),
      ),
    );
  }

  /** "Download my data": one JSON file of what the service holds about the person. */
  dataSection() {
    return foldCard(
      { ...this.folded("my-data", { busy: this.dataFresh && !this.confirmingErase }), heading: t("account.data.heading") },
      h("p", { id: "my-data-text" }, t(this.passkeysOn ? "account.data.intro" : "account.data.introNoPasskeys")),
      this.notice("data"),
      this.dataFresh && !this.confirmingErase ? this.signInAgainButton() : null,
      h(
        "button",
        {
          type: "button",
          id: "data-download",
          class: "button button--secondary",
          "aria-describedby": "my-data-text",
          onclick: () => this.downloadData(),
        },
        t("account.data.download"),
      ),
    );
  }

  async downloadData() {
    this.clear("data");
    this.dataFresh = false;
    const answer = await this.call("GET", "/profile/export");
    if (!answer || this.gone) return;
    if (answer.status !== 200 || !answer.data) {
      if (answer.status === 403 && answer.error?.code === "fresh_sign_in_required") {
        this.dataFresh = true;
        return this.refuse("data", { notice: message("account.data.fresh") });
      }
      return this.refuse("data", describe(answer));
    }
    const day = String(answer.data.exported_at ?? new Date().toISOString()).slice(0, 10);
    const file = new Blob([JSON.stringify(answer.data, null, 2)], { type: "application/json" });
    const link = h("a", { href: URL.createObjectURL(file), download: `migris-account-${day}.json`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    this.succeed("data", message("account.data.saved"));
  }

  /** "Delete my account": what goes and what stays, then a confirmation step. */
  eraseSection() {
    const confirming = this.confirmingErase
      ? h(
          "div",
          { class: "erase-confirm", role: "group", "aria-labelledby": "erase-confirm-text" },
          h("p", { id: "erase-confirm-text" }, h("strong", {}, t("account.erase.confirmText"))),
          h(
            "div",
            { class: "actions" },
            h(
              "button",
              {
                type: "button",
                id: "erase-confirm",
                class: "button button--danger",
                onclick: () => this.eraseAccount(),
              },
              t("account.erase.confirm"),
            ),
            h(
              "button",
              {
                type: "button",
                id: "erase-cancel",
                class: "button button--secondary",
                onclick: () => this.cancelErase(),
              },
              t("account.passkeys.cancel"),
            ),
          ),
        )
      : h(
          "button",
          {
            type: "button",
            id: "erase-start",
            class: "button button--secondary",
            "aria-describedby": "erase-text erase-kept",
            onclick: () => this.startErase(),
          },
          t("account.erase.start"),
        );
    return foldCard(
      { ...this.folded("erase", { busy: this.confirmingErase }), heading: t("account.erase.heading") },
      h("p", { id: "erase-text" }, t(this.passkeysOn ? "account.erase.intro" : "account.erase.introNoPasskeys")),
      h("p", { id: "erase-kept" }, t("account.erase.kept")),
      this.notice("erase"),
      this.dataFresh && this.confirmingErase ? this.signInAgainButton() : null,
      confirming,
    );
  }

  startErase() {
    this.clear("erase");
    this.confirmingErase = true;
    this.app.repaint({ focus: "erase-confirm" });
  }

  cancelErase() {
    this.clear("erase");
    this.confirmingErase = false;
    this.dataFresh = false;
    this.app.repaint({ focus: "erase-start" });
  }

  async eraseAccount() {
    this.clear("erase");
    this.dataFresh = false;
    const answer = await this.call("DELETE", "/profile", {});
    if (!answer || this.gone) return;
    if (answer.status === 204) return this.app.accountErased();
    const code = answer.error?.code;
    if (answer.status === 403 && code === "fresh_sign_in_required") {
      this.dataFresh = true;
      return this.refuse("erase", { notice: message("account.erase.fresh") });
    }
    if (answer.status === 409 && code === "recovery_pending") {
      return this.refuse("erase", { notice: message("account.erase.recoveryPending") });
    }
    this.refuse("erase", describe(answer));
  }

  /** The account's confirmed identity, if any: {kind, country?} from the profile; none for an older API. */
  identity() {
    const identity = this.app.profile.identity;
    return identity && typeof identity === "object" ? identity : null;
  }

  level() {
    const level = this.app.profile.level;
    return [1, 2, 3].includes(level) ? level : 1;
  }

  /** Who confirmed the identity, and with what, in words. */
  identityWords() {
    const identity = this.identity();
    if (identity?.kind === "eidas") {
      const country = countryName(identity.country);
      return country ? t("account.identity.eidasCountry", { country }) : t("account.identity.eidas");
    }
    if (identity?.kind === "lt-personal-code") return t("account.identity.personalCode");
    if (identity || this.level() === 3) return t("account.identity.viisp");
    return t(this.level() === 2 ? "account.identity.staff" : "account.identity.none");
  }

  methodWords() {
    const profile = this.app.profile;
    if (profile.login_method === "viisp") return t("account.method.viisp");
    return t(this.identity() ? "account.method.both" : "account.method.email");
  }

  personSection() {
    const profile = this.app.profile;
    const level = this.level();
    return h(
      "section",
      { class: "card", "aria-labelledby": "person-heading" },
      h("h2", { id: "person-heading" }, t("account.person")),
      h(
        "dl",
        { class: "facts" },
        fact(t("contact.given"), profile.given_name || t("account.notGiven")),
        fact(t("contact.family"), profile.family_name || t("account.notGiven")),
        fact(
          t("account.level"),
          h("span", { class: "level" }, t(`account.level.${level}`)),
          level === 1 ? h("span", { class: "fact-note" }, t("account.level.1.note")) : null,
        ),
        fact(
          t("account.identity"),
          h("span", { id: "identity" }, this.identityWords()),
          this.identity()?.kind === "eidas" ? h("span", { class: "fact-note" }, t("account.eidas")) : null,
        ),
        fact(t("account.method"), this.methodWords()),
      ),
      notice("info", t("account.namesNote")),
    );
  }

  /** An e-mail account without a confirmed identity may take one from VIISP. A link starts only from this page: a
   * POST with our Origin (no other site can make the browser send one), then the browser goes to VIISP. */
  linkSection() {
    if (this.identity() || this.level() === 3) return null;
    return foldCard(
      { ...this.folded("link"), heading: t("account.link.heading") },
      h("p", { id: "link-text" }, t("account.link.text")),
      h("p", { class: "hint", id: "link-eidas" }, t("account.eidas")),
      notice("warning", t("account.link.names"), { id: "link-names" }),
      h("p", { class: "hint", id: "link-sessions" }, t("account.link.sessions")), // a link ends the other sessions
      this.notice("link"),
      h(
        "button",
        {
          type: "button",
          class: "button",
          "aria-describedby": "link-text link-names",
          onclick: () => this.startLink(),
        },
        t("account.link.submit"),
      ),
    );
  }

  /** POST /login/viisp/link, then to the VIISP address it answers. A refusal of this account's link (not signed in
   * lately, contact data missing, linked already) goes to the VIISP error screen, which says what to do next;
   * anything worth another press of the button (VIISP or the network not answering) is said beside it. */
  async startLink() {
    this.clear("link");
    const answer = await this.call("POST", "/login/viisp/link", {});
    if (!answer) return;
    const portal = answer.status === 200 ? webAddress(answer.data?.location) : null;
    if (portal) {
      window.location.assign(portal);
      return;
    }
    const reason = answer.error?.code;
    if (isLinkRefusal(reason)) {
      window.location.assign(`#/viisp-error?reason=${encodeURIComponent(reason)}`);
      return;
    }
    const unavailable = reason === "viisp_unavailable";
    this.refuse("link", unavailable ? { notice: message("viispError.viisp_unavailable") } : describe(answer));
  }

  phoneSection() {
    const profile = this.app.profile;
    return h(
      "section",
      { class: "card", "aria-labelledby": "phone-heading" },
      h("h2", { id: "phone-heading" }, t("account.phone.heading")),
      h(
        "dl",
        { class: "facts" },
        fact(
          t("account.phone.current"),
          profile.phone_number
            ? h("span", { class: "phone", dir: "ltr", id: "current-phone" }, phoneWords(profile.phone_number))
            : t("account.notGiven"),
        ),
      ),
      this.changeFold(
        "phone-change",
        "phone",
        t("account.phone.open"),
        h(
          "form",
          { novalidate: true, onsubmit: (event) => this.changePhone(event) },
          this.notice("phone"),
          this.field({
            id: "new-phone",
            label: t("account.phone.label"),
            hint: t("contact.phoneHint"),
            max: 20,
            type: "tel",
            autocomplete: "tel",
          }),
          h("button", { type: "submit", class: "button" }, t("account.phone.submit")),
        ),
      ),
    );
  }

  emailSection() {
    const profile = this.app.profile;
    return h(
      "section",
      { class: "card", "aria-labelledby": "email-heading" },
      h("h2", { id: "email-heading" }, t("account.email.heading")),
      h("dl", { class: "facts" }, fact(t("account.email.current"), profile.email ? addressNodes(profile.email) : t("account.notGiven"))),
      this.notice("email"),
      profile.pending_email
        ? this.confirmForm(profile.pending_email)
        : this.changeFold("email-change", "email", t("account.email.open"), this.changeForm()),
    );
  }

  /** A change's form, folded on a phone under a line that opens it (open when wide, with news, or an error). */
  changeFold(id, area, summary, form) {
    const { open, onToggle } = this.folded(id, { busy: Boolean(this.notices[area]) || this.hasFieldErrors(form) });
    return h(
      "details",
      { class: "fold fold--change", id, open, ontoggle: (event) => onToggle(event.target.open) },
      h("summary", { class: "fold__summary fold__summary--change" }, summary),
      form,
    );
  }

  hasFieldErrors(form) {
    return [...form.querySelectorAll("input")].some((input) => this.errors[input.id]);
  }

  changeForm() {
    return h(
      "form",
      { novalidate: true, onsubmit: (event) => this.changeEmail(event) },
      this.field({
        id: "new-email",
        label: t("account.email.label"),
        hint: t(this.app.profile.email ? "account.email.hint" : "account.email.hintNone"),
        max: 254,
        type: "email",
        autocomplete: "email",
        spellcheck: "false",
        autocapitalize: "none",
      }),
      h("button", { type: "submit", class: "button" }, t("account.email.submit")),
    );
  }

  confirmForm(pending) {
    return h(
      "div",
      {},
      h("p", {}, tNodes("account.email.pending", { email: addressNodes(pending) })),
      h(
        "form",
        { novalidate: true, onsubmit: (event) => this.confirmEmail(event) },
        this.field({
          id: "email-code",
          label: t("account.email.codeLabel"),
          hint: t("code.hint", { n: codeRules().length }),
          inputmode: "numeric",
          autocomplete: "one-time-code",
          spellcheck: "false",
          class: "input--code",
        }),
        h(
          "div",
          { class: "actions" },
          h("button", { type: "submit", class: "button" }, t("account.email.confirm")),
          h(
            "button",
            { type: "button", class: "button button--secondary", onclick: () => this.sendEmailCode(pending) },
            t("account.email.resend"),
          ),
        ),
      ),
    );
  }

  async changePhone(event) {
    event.preventDefault();
    this.clear("phone", ["new-phone"]);
    const phone = this.value("new-phone");
    if (!phone) return this.refuse("phone", { fields: { "new-phone": message("field.required.phone_number") } });
    const answer = await this.call("PATCH", "/profile", { phone_number: phone });
    if (!answer) return;
    if (answer.status !== 200) {
      return this.refuse("phone", describe(answer, { fieldIds: { phone_number: "new-phone" } }));
    }
    this.app.profile = answer.data;
    this.values["new-phone"] = "";
    this.succeed("phone", message("account.phone.changed"));
  }

  async changeEmail(event) {
    event.preventDefault();
    this.clear("email", ["new-email"]);
    const email = this.value("new-email");
    if (!email) return this.refuse("email", { fields: { "new-email": message("field.required.email") } });
    if (email.toLowerCase() === (this.app.profile.email ?? "").toLowerCase()) {
      return this.refuse("email", { fields: { "new-email": message("field.same.email") } });
    }
    await this.sendEmailCode(email, "new-email");
  }

  /** Ask for a code to the new address (also to send it again); a taken address gets the same answer. */
  async sendEmailCode(email, fieldId = null) {
    this.clear("email", ["new-email", "email-code"]);
    const answer = await this.call("PATCH", "/profile", { email });
    if (!answer) return;
    if (answer.status !== 200) {
      return this.refuse("email", describe(answer, { fieldIds: { email: fieldId }, limitField: fieldId }));
    }
    this.app.profile = answer.data;
    const pending = answer.data.pending_email;
    if (!pending) {
      // Nothing to confirm: the address typed is the current one written another way (ona@bücher.lt is kept
      // as ona@xn--bcher-kva.lt).
      return this.refuse("email", { fields: { [fieldId ?? "new-email"]: message("field.same.email") } });
    }
    changeCodes.sent(pending);
    this.values["new-email"] = "";
    this.values["email-code"] = "";
    this.succeed("email", message("account.email.sent", { email: addressText(pending) }), { focus: "email-code" });
  }

  async confirmEmail(event) {
    event.preventDefault();
    this.clear("email", ["email-code"]);
    const code = this.value("email-code").replace(/\s+/g, "");
    if (!code) return this.refuse("email", { fields: { "email-code": message("field.required.code") } });
    if (!/^\d+$/.test(code)) return this.refuse("email", { fields: { "email-code": message("field.invalid.code") } });
    const answer = await this.call("POST", "/profile/email/verify", { code });
    if (!answer) return;
    if (answer.status === 200) {
      this.app.profile = answer.data;
      this.values["email-code"] = "";
      this.succeed("email", message("account.email.changed"));
      this.loadSessions(); // the other sessions have ended
      return;
    }
    if (answer.error?.code === "email_taken") await this.reloadProfile();
    this.refuse(
      "email",
      describe(answer, { fieldIds: { code: "email-code" }, codeField: "email-code", limitField: null, change: true }),
    );
  }

  /** Where the person is signed in: this browser first, then the others, each with a way to end it. */
  sessionsSection() {
    let content;
    if (this.sessions) {
      content = h("ul", { class: "sessions" }, this.sessions.map((session, index) => this.sessionItem(session, index)));
    } else if (this.sessionsFailed) {
      content = h(
        "div",
        {},
        notice("error", t("account.sessions.failed")),
        h(
          "button",
          { type: "button", class: "button button--secondary", onclick: () => this.loadSessions({ announceIt: true }) },
          t("account.sessions.retry"),
        ),
      );
    } else {
      content = h("p", { class: "loading" }, t("account.sessions.loading"));
    }
    return foldCard(
      { ...this.folded("sessions"), heading: t("account.sessions.heading") },
      h("p", {}, t("account.sessions.intro")),
      this.notice("sessions"),
      content,
    );
  }

  sessionItem(session, index) {
    const id = `session-${index}`;
    const method = SESSION_METHODS[session.method] ?? "account.sessions.method.other";
    const button = session.current
      ? this.signOutButtons(id)
      : h(
          "button",
          {
            type: "button",
            id: `${id}-end`,
            class: "button button--secondary",
            "aria-describedby": `${id}-name ${id}-facts`,
            onclick: () => this.endSession(session.id),
          },
          t("account.sessions.end"),
        );
    return h(
      "li",
      { class: session.current ? "session session--current" : "session" },
      h(
        "h3",
        { class: "session__name", id: `${id}-name` },
        t(session.current ? "account.sessions.current" : "account.sessions.other"),
      ),
      h(
        "dl",
        { class: "facts facts--session", id: `${id}-facts` },
        fact(t("account.sessions.opened"), when(session.created_at)),
        fact(t("account.sessions.lastSeen"), when(session.last_seen_at)),
        fact(t("account.sessions.method"), t(method)),
        fact(t("account.sessions.browser"), browserWords(session.browser)),
      ),
      button,
    );
  }

  /** This session's way out; on a known device, also a way out that forgets it (POST /logout, forget_device). */
  signOutButtons(id) {
    const signOut = (forget) =>
      h(
        "button",
        {
          type: "button",
          class: "button button--secondary",
          "aria-describedby": `${id}-name`,
          onclick: () => this.app.signOut({ forget }),
        },
        t(forget ? "account.sessions.signOutForget" : "account.sessions.signOut"),
      );
    const known = Array.isArray(this.devices) && this.devices.some((device) => device.current);
    return h("div", { class: "actions" }, signOut(false), known ? signOut(true) : null);
  }

  /** The devices the service remembers for this account, this browser first: why they matter, and a way to
   * forget each. Shown once GET /sessions has answered (a placeholder until then, or for an API without them). */
  devicesSection() {
    if (!Array.isArray(this.devices)) return document.createComment("devices");
    const devices = [...this.devices].sort((a, b) => Number(Boolean(b.current)) - Number(Boolean(a.current)));
    return foldCard(
      { ...this.folded("devices"), heading: t("account.devices.heading") },
      h("p", {}, t("account.devices.intro")),
      this.notice("devices"),
      devices.length
        ? h("ul", { class: "sessions devices" }, devices.map((device, index) => this.deviceItem(device, index)))
        : h("p", { class: "hint" }, t("account.devices.none")),
    );
  }

  deviceItem(device, index) {
    const id = `device-${index}`;
    return h(
      "li",
      { class: device.current ? "session session--current" : "session" },
      h(
        "h3",
        { class: "session__name", id: `${id}-name` },
        h("span", {}, browserWords(device.browser)),
        device.current ? [" ", h("span", { class: "tag" }, t("account.devices.current"))] : null,
      ),
      h(
        "dl",
        { class: "facts facts--session", id: `${id}-facts` },
        fact(t("account.devices.firstUsed"), when(device.created_at)),
        fact(t("account.devices.lastUsed"), when(device.last_used_at)),
      ),
      h(
        "button",
        {
          type: "button",
          id: `${id}-forget`,
          class: "button button--secondary",
          "aria-describedby": `${id}-name ${id}-facts`,
          onclick: () => this.forgetDevice(device.id),
        },
        t("account.devices.forget"),
      ),
    );
  }

  /** Fetch the list (not one of the screen's one-at-a-time calls, so it never holds up a change). */
  async loadSessions({ announceIt = false } = {}) {
    const answer = await this.app.call("GET", "/sessions");
    if (this.gone) return false;
    if (answer.status === 401 && this.app.profile) {
      this.app.sessionEnded();
      return false;
    }
    const loaded = answer.status === 200 && Array.isArray(answer.data?.sessions);
    this.sessions = loaded ? answer.data.sessions : this.sessions;
    if (loaded) this.devices = Array.isArray(answer.data.devices) ? answer.data.devices : null;
    this.sessionsFailed = !loaded;
    // Only the list is drawn again, so whatever the person is reading or typing elsewhere stays as it is; focus
    // that was in the list (on "Try again", say) goes to its heading rather than being lost.
    if (this.sessionsNode?.isConnected) {
      const hadFocus = this.sessionsNode.contains(document.activeElement);
      const devicesHadFocus = this.devicesNode?.contains(document.activeElement) ?? false;
      const fresh = this.sessionsSection();
      this.sessionsNode.replaceWith(fresh);
      this.sessionsNode = fresh;
      const freshDevices = this.devicesSection();
      this.devicesNode.replaceWith(freshDevices);
      this.devicesNode = freshDevices;
      if (hadFocus) cardHeading(fresh).focus();
      if (devicesHadFocus) (freshDevices.querySelector ? cardHeading(freshDevices) : cardHeading(fresh)).focus();
    }
    if (announceIt && !loaded) announce(t("account.sessions.failed"), { urgent: true });
    return loaded;
  }

  async endSession(id) {
    this.clear("sessions");
    const answer = await this.call("DELETE", `/sessions/${encodeURIComponent(id)}`);
    if (!answer) return;
    if (answer.status === 204 || answer.status === 404) {
      // 404: it had ended already (elsewhere, or it expired): the list is out of date either way.
      const loaded = await this.loadSessions();
      if (this.gone) return;
      if (!loaded && this.sessions) this.sessions = this.sessions.filter((session) => session.id !== id);
      if (answer.status === 204) return this.succeed("sessions", message("account.sessions.ended"));
      this.notices.sessions = { kind: "info", msg: message("account.sessions.gone") };
      this.app.repaint({ focus: "notice-sessions" });
      announce(text(this.notices.sessions.msg));
      return;
    }
    this.refuse("sessions", describe(answer));
  }

  async forgetDevice(id) {
    this.clear("devices");
    const answer = await this.call("DELETE", `/devices/${encodeURIComponent(id)}`);
    if (!answer) return;
    if (answer.status === 204 || answer.status === 404) {
      // 404: it had been forgotten already (elsewhere, or it ended): the list is out of date either way.
      const loaded = await this.loadSessions();
      if (this.gone) return;
      if (!loaded && this.devices) this.devices = this.devices.filter((device) => device.id !== id);
      if (answer.status === 204) return this.succeed("devices", message("account.devices.forgotten"));
      this.notices.devices = { kind: "info", msg: message("account.devices.gone") };
      this.app.repaint({ focus: "notice-devices" });
      announce(text(this.notices.devices.msg));
      return;
    }
    this.refuse("devices", describe(answer));
  }

  /** Passkeys: what one is, the warning against a shared device, the list, and the button that creates one. */
  passkeysSection() {
    if (!this.passkeysOn) return document.createComment("passkeys");
    let list = null;
    if (this.passkeys?.length) {
      const items = this.passkeys.map((passkey, index) => this.passkeyItem(passkey, index));
      list = h("ul", { class: "sessions passkeys" }, items);
    } else if (this.passkeysFailed) {
      list = h(
        "div",
        { class: "passkeys-failed" },
        notice("error", t("account.passkeys.loadFailed")),
        h(
          "button",
          { type: "button", class: "button button--secondary", onclick: () => this.loadPasskeys({ announceIt: true }) },
          t("account.sessions.retry"),
        ),
      );
    }
    return foldCard(
      {
        ...this.folded("passkeys", { busy: this.freshNeeded || this.renaming !== null }),
        heading: t("account.passkeys.heading"),
      },
      h("p", { id: "passkeys-text" }, t("account.passkeys.intro")),
      notice("warning", [h("strong", {}, t("code.attention")), " ", t("account.passkeys.shared")], {
        id: "passkeys-shared",
      }),
      this.notice("passkeys"),
      this.freshNeeded
        ? h(
            "p",
            {},
            h(
              "button",
              { type: "button", class: "button button--secondary", onclick: () => this.app.signOut() },
              t("account.passkeys.signInAgain"),
            ),
          )
        : null,
      list,
      h(
        "button",
        {
          type: "button",
          id: "passkey-create",
          class: "button",
          "aria-describedby": "passkeys-text passkeys-shared",
          onclick: () => this.createPasskey(),
        },
        t("account.passkeys.create"),
      ),
    );
  }

  passkeyItem(passkey, index) {
    const id = `passkey-${index}`;
    if (this.renaming === passkey.id) return this.renameItem(passkey, id);
    return h(
      "li",
      { class: "session" },
      h("h3", { class: "session__name", id: `${id}-name` }, passkey.name),
      h(
        "dl",
        { class: "facts facts--session", id: `${id}-facts` },
        fact(t("account.passkeys.createdAt"), when(passkey.created_at)),
        fact(
          t("account.passkeys.lastUsed"),
          passkey.last_used_at ? when(passkey.last_used_at) : t("account.passkeys.notUsed"),
        ),
      ),
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            id: `${id}-rename`,
            class: "button button--secondary",
            "aria-describedby": `${id}-name`,
            onclick: () => this.startRename(passkey),
          },
          t("account.passkeys.rename"),
        ),
        h(
          "button",
          {
            type: "button",
            id: `${id}-remove`,
            class: "button button--secondary",
            "aria-describedby": `${id}-name ${id}-facts`,
            onclick: () => this.removePasskey(passkey),
          },
          t("account.passkeys.remove"),
        ),
      ),
    );
  }

  renameItem(passkey, id) {
    return h(
      "li",
      { class: "session" },
      h(
        "form",
        { novalidate: true, "aria-labelledby": `${id}-name`, onsubmit: (event) => this.saveName(event, passkey) },
        h("h3", { class: "session__name", id: `${id}-name` }, passkey.name),
        this.field({
          id: PASSKEY_NAME,
          label: t("account.passkeys.nameLabel"),
          hint: t("account.passkeys.nameHint"),
          max: 64,
          autocomplete: "off",
        }),
        h(
          "div",
          { class: "actions" },
          h("button", { type: "submit", class: "button" }, t("account.passkeys.save")),
          h(
            "button",
            { type: "button", class: "button button--secondary", onclick: () => this.cancelRename(passkey) },
            t("account.passkeys.cancel"),
          ),
        ),
      ),
    );
  }

  /** Fetch the list (not one of the screen's one-at-a-time calls); only its section is drawn again. */
  async loadPasskeys({ announceIt = false } = {}) {
    const answer = await this.app.call("GET", "/passkeys");
    if (this.gone) return false;
    if (answer.status === 401 && this.app.profile) {
      this.app.sessionEnded();
      return false;
    }
    const loaded = answer.status === 200 && Array.isArray(answer.data?.passkeys);
    if (loaded) this.passkeys = answer.data.passkeys;
    this.passkeysFailed = !loaded;
    this.redrawPasskeys();
    if (announceIt && !loaded) announce(t("account.passkeys.loadFailed"), { urgent: true });
    return loaded;
  }

  redrawPasskeys() {
    if (!this.passkeysNode?.isConnected) return;
    const hadFocus = this.passkeysNode.contains(document.activeElement);
    const fresh = this.passkeysSection();
    this.passkeysNode.replaceWith(fresh);
    this.passkeysNode = fresh;
    if (hadFocus) cardHeading(fresh).focus();
  }

  /** New options (a fresh sign-in only), the browser's dialog, then POST /passkeys with a name for the list. */
  async createPasskey() {
    if (this.asking || this.busy) return;
    this.asking = true;
    try {
      this.clear("passkeys", [PASSKEY_NAME]);
      this.freshNeeded = false;
      const options = await this.call("POST", "/passkeys/registration/options", {});
      if (!options || this.gone) return;
      if (options.status !== 200) {
        this.passkeyRefused(options);
        return;
      }
      let credential;
      try {
        credential = await navigator.credentials.create({ publicKey: creationOptions(options.data) });
      } catch (error) {
        const problem = browserProblem(error);
        if (this.gone || problem === "aborted") return;
        this.refuse("passkeys", { notice: message(`account.passkeys.${problem}`) });
        return;
      }
      const answer = await this.call("POST", "/passkeys", {
        credential: credentialJSON(credential),
        name: newPasskeyName(),
      });
      if (!answer || this.gone) return;
      if (answer.status !== 201) {
        this.passkeyRefused(answer);
        return;
      }
      this.passkeys = [...(this.passkeys ?? []).filter((passkey) => passkey.id !== answer.data.id), answer.data];
      this.passkeysFailed = false;
      this.succeed("passkeys", message("account.passkeys.created"));
    } finally {
      this.asking = false;
    }
  }

  /** What the API refused about a passkey, in words; a sign-in too long ago is told with a way to sign in again. */
  passkeyRefused(answer) {
    const code = answer.error?.code;
    let said = null;
    if (answer.status === 403 && code === "fresh_sign_in_required") {
      this.freshNeeded = true;
      said = "account.passkeys.fresh";
    } else if (code === "too_many_passkeys") {
      said = "account.passkeys.tooMany";
    } else if (code === "invalid_passkey") {
      said = "account.passkeys.invalid";
    }
    this.refuse("passkeys", said ? { notice: message(said) } : describe(answer));
  }

  startRename(passkey) {
    this.clear("passkeys", [PASSKEY_NAME]);
    this.freshNeeded = false;
    this.renaming = passkey.id;
    this.values[PASSKEY_NAME] = passkey.name;
    this.app.repaint({ focus: PASSKEY_NAME });
  }

  cancelRename(passkey) {
    this.renaming = null;
    delete this.errors[PASSKEY_NAME];
    this.app.repaint({ focus: this.passkeyButton(passkey, "rename") });
  }

  /** The id of a button of a passkey in the list ("passkey-0-rename"), or the section's heading if it is gone. */
  passkeyButton(passkey, action) {
    const index = (this.passkeys ?? []).findIndex((item) => item.id === passkey.id);
    return index >= 0 ? `passkey-${index}-${action}` : "passkeys-fold";
  }

  async saveName(event, passkey) {
    event.preventDefault();
    this.clear("passkeys", [PASSKEY_NAME]);
    const name = this.value(PASSKEY_NAME);
    if (!name) return this.refuse("passkeys", { fields: { [PASSKEY_NAME]: message("field.required.passkeyName") } });
    const answer = await this.call("PATCH", `/passkeys/${encodeURIComponent(passkey.id)}`, { name });
    if (!answer || this.gone) return;
    if (answer.status === 200) {
      this.passkeys = this.passkeys.map((item) => (item.id === passkey.id ? answer.data : item));
      this.renaming = null;
      return this.succeed("passkeys", message("account.passkeys.renamed"));
    }
    if (answer.status === 404) return this.passkeyGone(passkey);
    if (answer.status === 422) {
      return this.refuse("passkeys", { fields: { [PASSKEY_NAME]: message("field.invalid.passkeyName") } });
    }
    this.refuse("passkeys", describe(answer));
  }

  async removePasskey(passkey) {
    this.clear("passkeys", [PASSKEY_NAME]);
    this.freshNeeded = false;
    const answer = await this.call("DELETE", `/passkeys/${encodeURIComponent(passkey.id)}`);
    if (!answer || this.gone) return;
    if (answer.status === 204) {
      this.passkeys = this.passkeys.filter((item) => item.id !== passkey.id);
      return this.succeed("passkeys", message("account.passkeys.removed", { name: passkey.name }));
    }
    if (answer.status === 404) return this.passkeyGone(passkey);
    this.passkeyRefused(answer);
  }

  /** 404: removed meanwhile (elsewhere, or by a "not me" report): the list is out of date. */
  async passkeyGone(passkey) {
    this.renaming = null;
    this.passkeys = (this.passkeys ?? []).filter((item) => item.id !== passkey.id);
    await this.loadPasskeys();
    if (this.gone) return;
    this.notices.passkeys = { kind: "info", msg: message("account.passkeys.gone") };
    this.app.repaint({ focus: "notice-passkeys" });
    announce(text(this.notices.passkeys.msg));
  }

  async reloadProfile() {
    const answer = await this.app.call("GET", "/profile");
    if (answer.status === 200) this.app.profile = answer.data;
  }
}

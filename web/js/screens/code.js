// The one-time code: the address it went to, the code field, "this is a shared computer" (then the sign-in
// leaves no device cookie), how long it is valid, a new code after the countdown, and a way back to use another
// address. Kept in sessionStorage, so a reload lands here again. Gone back to with the phone's Back button once
// signed in (`signedIn`), it says the code was accepted (a code works once) and offers the way on, never the field.
// A code that no longer works (its tries spent, or expired) leaves the field empty and "Continue" out: the new
// code is the way on, so "Send a new code" is the main button.
import { addressNodes } from "../address.js";
import { announce, h, notice } from "../dom.js";
import { duration, language, t, tNodes } from "../i18n.js";
import { describe, message } from "../problems.js";
import { locks, pendingLogin, sharedComputer } from "../storage.js";
import { View } from "../view.js";

/** The sign-in code as index.html says the stack makes it: {length, tries} (CodeLength, CodeMaxAttempts). */
export function codeRules() {
  const content = document.querySelector('meta[name="migris-code"]')?.content ?? "";
  const rules = Object.fromEntries(content.split(/\s+/).map((pair) => pair.split("=")));
  return { length: Number.parseInt(rules.length, 10) || 8, tries: Number.parseInt(rules.tries, 10) || 5 };
}

// Why a code no longer works (problems.js's keys), kept with the sign-in under way.
const SPENT = ["error.codeExpired", "error.codeUsedUp"];

export class CodeView extends View {
  constructor(app, props) {
    super(app, props);
    this.accepted = Boolean(props.signedIn);
    if (this.accepted) return;
    this.login = pendingLogin.load();
    this.timer = setInterval(() => this.tick(), 1000);
    this.wasWaiting = this.secondsToResend() > 0;
    // After a reload the field still says why the code no longer works.
    if (this.spent()) this.errors.code = message(this.spent());
  }

  destroy() {
    clearInterval(this.timer);
  }

  title() {
    return t("code.title");
  }

  render() {
    if (this.accepted) return this.acceptedState();
    const { email, expiresIn } = this.login;
    const minutes = Math.max(1, Math.round(expiresIn / 60));
    const spent = this.spent();
    return h(
      "div",
      { class: "screen screen--code" },
      this.heading(),
      this.notice("page"),
      h("p", { class: "address" }, tNodes("code.address", { email: addressNodes(email) })),
      notice("warning", [h("strong", {}, t("code.attention")), " ", t("code.sameAddress")]),
      h("p", {}, t("code.sent")),
      h(
        "form",
        { novalidate: true, onsubmit: (event) => this.verify(event) },
        this.notice("code"),
        this.field({
          id: "code",
          label: t("code.label"),
          hint: t("code.hint", { n: codeRules().length }),
          inputmode: "numeric",
          autocomplete: "one-time-code",
          spellcheck: "false",
          class: "input--code",
        }),
        this.requiredNote(),
        this.sharedComputerBox("shared-computer"),
        spent ? null : h("button", { type: "submit", class: "button", id: "code-submit" }, t("code.submit")),
      ),
      h("p", { class: "validity" }, t("code.validity", { n: minutes })),
      h(
        "div",
        { class: "resend" },
        this.notice("resend"),
        h("p", { id: "resend-status" }, this.resendStatus()),
        h(
          "button",
          {
            type: "button",
            id: "resend",
            class: spent ? "button" : "button button--secondary",
            disabled: this.secondsToResend() > 0,
            "aria-describedby": "resend-status",
            onclick: () => this.resend(),
          },
          t("code.resend"),
        ),
      ),
      h(
        "p",
        {},
        h("button", { type: "button", class: "link-button", onclick: () => this.otherAddress() }, t("code.otherAddress")),
      ),
    );
  }

  acceptedState() {
    const { email } = this.app.profile;
    return h(
      "div",
      { class: "screen screen--code" },
      this.heading(),
      email ? h("p", { class: "address" }, tNodes("code.address", { email: addressNodes(email) })) : null,
      notice("success", t("code.accepted"), { id: "code-accepted" }),
      this.onwards(),
    );
  }

  /** Why the code of this sign-in no longer works (its wrong tries spent, or expired), as a message key; or null. */
  spent() {
    return SPENT.includes(this.login.spent) ? this.login.spent : null;
  }

  secondsToResend() {
    return Math.max(0, Math.ceil((this.login.resendAt - Date.now()) / 1000));
  }

  resendStatus() {
    const wait = this.secondsToResend();
    if (wait > 0) return t("code.resendWait", { time: duration(wait) });
    return t(this.spent() ? "code.resendSpent" : "code.resendReady");
  }

  /** Once a second: the countdown, and the button once it is over (said once, not every second). */
  tick() {
    const status = document.getElementById("resend-status");
    const button = document.getElementById("resend");
    if (!status || !button) return;
    status.textContent = this.resendStatus();
    const waiting = this.secondsToResend() > 0;
    button.disabled = waiting;
    if (this.wasWaiting && !waiting) announce(this.resendStatus());
    this.wasWaiting = waiting;
  }

  async verify(event) {
    event.preventDefault();
    this.clear("code", ["code"]);
    delete this.notices.resend;
    if (this.spent()) return this.refuse("code", { fields: { code: message(this.spent()) } });
    const code = this.value("code").replace(/\s+/g, "");
    if (!code) return this.refuse("code", { fields: { code: message("field.required.code") } });
    if (!/^\d+$/.test(code)) return this.refuse("code", { fields: { code: message("field.invalid.code") } });
    const { email, loginId } = this.login;
    const answer = await this.call("POST", "/login/email/verify", {
      email,
      login_id: loginId,
      code,
      shared_computer: sharedComputer.load(),
    });
    if (!answer) return;
    if (answer.status === 200) {
      this.app.signedIn(answer.data.profile);
      return;
    }
    const outcome = describe(answer, { fieldIds: { code: "code" }, codeField: "code" });
    if (answer.status === 401) this.wrongCode(outcome);
    if (outcome.lockedUntil) this.locked(outcome.lockedUntil);
    this.refuse("code", outcome);
  }

  /** The API answers a wrong, an expired and a used-up code alike; what this tab knows tells them apart: the
   * code's deadline, and the wrong tries made here (at the last allowed one the API burns the code). */
  wrongCode(outcome) {
    const wrongTries = (this.login.wrongTries ?? 0) + 1;
    this.login = { ...this.login, wrongTries };
    pendingLogin.save(this.login);
    let spent = null;
    if (this.login.expiresAt && Date.now() >= this.login.expiresAt) spent = "error.codeExpired";
    else if (wrongTries >= codeRules().tries) spent = "error.codeUsedUp";
    if (!spent) return;
    // The dead code leaves the field, so nothing invites sending it again.
    outcome.fields.code = message(spent);
    this.values.code = "";
    this.login = { ...this.login, spent };
    pendingLogin.save(this.login);
  }

  async resend() {
    if (this.secondsToResend() > 0) return;
    this.clear("resend");
    delete this.notices.code;
    const { email } = this.login;
    const answer = await this.call("POST", "/login/email", { email, language: language() });
    if (!answer) return;
    if (answer.status === 202) {
      this.login = pendingLogin.started(answer.data);
      this.wasWaiting = this.secondsToResend() > 0;
      delete this.errors.code;
      this.succeed("resend", message("code.resent"), { focus: "code" });
      return;
    }
    const outcome = describe(answer, { locked: Boolean(locks.until(email)), cooldown: this.login.cooldown });
    if (outcome.lockedUntil) this.locked(outcome.lockedUntil);
    else if (outcome.waitUntil) this.waitUntil(outcome.waitUntil);
    this.refuse("resend", outcome);
  }

  /** The address is locked for this network address: no new code until then either. */
  locked(until) {
    locks.lock(this.login.email, until);
    this.waitUntil(until);
  }

  waitUntil(until) {
    this.login = { ...this.login, resendAt: until };
    pendingLogin.save(this.login);
    this.wasWaiting = true;
  }

  otherAddress() {
    pendingLogin.clear();
    this.app.show("signin");
  }
}

// The account in words: names (changed only by staff), the level as a person reads it, the sign-in method,
// and the two things the person may change: the phone number, and the e-mail address with a code sent to it.
import { fact, h, notice } from "../dom.js";
import { t, tNodes } from "../i18n.js";
import { describe, message } from "../problems.js";
import { View } from "../view.js";

export class AccountView extends View {
  title() {
    return t("account.title");
  }

  render() {
    return h(
      "div",
      { class: "screen screen--account" },
      this.heading(),
      this.notice("page"),
      this.personSection(),
      this.phoneSection(),
      this.emailSection(),
    );
  }

  personSection() {
    const profile = this.app.profile;
    const level = [1, 2, 3].includes(profile.level) ? profile.level : 1;
    const method = profile.login_method === "viisp" ? "account.method.viisp" : "account.method.email";
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
        fact(t("account.method"), t(method)),
      ),
      notice("info", t("account.namesNote")),
    );
  }

  phoneSection() {
    const profile = this.app.profile;
    return h(
      "section",
      { class: "card", "aria-labelledby": "phone-heading" },
      h("h2", { id: "phone-heading" }, t("account.phone.heading")),
      h("dl", { class: "facts" }, fact(t("account.phone.current"), profile.phone_number || t("account.notGiven"))),
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
    );
  }

  emailSection() {
    const profile = this.app.profile;
    return h(
      "section",
      { class: "card", "aria-labelledby": "email-heading" },
      h("h2", { id: "email-heading" }, t("account.email.heading")),
      h("dl", { class: "facts" }, fact(t("account.email.current"), profile.email || t("account.notGiven"))),
      this.notice("email"),
      profile.pending_email ? this.confirmForm(profile.pending_email) : this.changeForm(),
    );
  }

  changeForm() {
    return h(
      "form",
      { novalidate: true, onsubmit: (event) => this.changeEmail(event) },
      this.field({
        id: "new-email",
        label: t("account.email.label"),
        hint: t("account.email.hint"),
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
      h("p", {}, tNodes("account.email.pending", { email: h("strong", {}, pending) })),
      h(
        "form",
        { novalidate: true, onsubmit: (event) => this.confirmEmail(event) },
        this.field({
          id: "email-code",
          label: t("account.email.codeLabel"),
          hint: t("code.hint"),
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
    this.values["new-email"] = "";
    this.values["email-code"] = "";
    const pending = answer.data.pending_email ?? email;
    this.succeed("email", message("account.email.sent", { email: pending }), { focus: "email-code" });
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
      return;
    }
    if (answer.error?.code === "email_taken") await this.reloadProfile();
    this.refuse(
      "email",
      describe(answer, { fieldIds: { code: "email-code" }, codeField: "email-code", limitField: null, change: true }),
    );
  }

  async reloadProfile() {
    const answer = await this.app.call("GET", "/profile");
    if (answer.status === 200) this.app.profile = answer.data;
  }
}

// Contact data on the first sign-in. An e-mail account gives names and a phone number; a VIISP account has
// its names from VIISP (shown, not editable) and gives only the phone number.
import { fact, h, notice } from "../dom.js";
import { t } from "../i18n.js";
import { describe, message } from "../problems.js";
import { View } from "../view.js";

const FIELD_IDS = { given_name: "given-name", family_name: "family-name", phone_number: "phone" };
const REQUIRED = [
  ["given-name", "field.required.given_name"],
  ["family-name", "field.required.family_name"],
  ["phone", "field.required.phone_number"],
];

export class ContactView extends View {
  title() {
    return t("contact.title");
  }

  get fromViisp() {
    return this.app.profile.login_method === "viisp";
  }

  render() {
    const profile = this.app.profile;
    return h(
      "div",
      { class: "screen screen--contact" },
      this.heading(),
      this.notice("page"),
      h("p", { class: "lead" }, t(this.fromViisp ? "contact.introViisp" : "contact.intro")),
      h(
        "form",
        { novalidate: true, onsubmit: (event) => this.submit(event) },
        this.notice("contact"),
        this.fromViisp ? this.namesFromViisp(profile) : this.nameFields(),
        notice("warning", [h("strong", {}, t("code.attention")), " ", t("contact.warning")]),
        this.field({
          id: "phone",
          label: t("contact.phone"),
          hint: t("contact.phoneHint"),
          max: 20,
          type: "tel",
          autocomplete: "tel",
        }),
        this.requiredNote(),
        h("button", { type: "submit", class: "button" }, t("contact.submit")),
      ),
    );
  }

  nameFields() {
    return [
      this.field({
        id: "given-name",
        label: t("contact.given"),
        // Which alphabet, with an example: only staff can change a name once it is saved.
        hint: [t("contact.namesHint"), h("span", { class: "hint__example" }, t("contact.namesExample"))],
        max: 31,
        autocomplete: "given-name",
      }),
      this.field({ id: "family-name", label: t("contact.family"), max: 31, autocomplete: "family-name" }),
    ];
  }

  namesFromViisp(profile) {
    return h(
      "div",
      { class: "readonly-names" },
      h(
        "dl",
        { class: "facts" },
        fact(t("contact.given"), profile.given_name || t("account.notGiven")),
        fact(t("contact.family"), profile.family_name || t("account.notGiven")),
      ),
      h("p", { class: "hint" }, t("contact.fromViisp")),
    );
  }

  async submit(event) {
    event.preventDefault();
    const ids = Object.values(FIELD_IDS);
    this.clear("contact", ids);
    const asked = REQUIRED.filter(([id]) => !this.fromViisp || id === "phone");
    const missing = Object.fromEntries(asked.filter(([id]) => !this.value(id)).map(([id, key]) => [id, message(key)]));
    if (Object.keys(missing).length) return this.refuse("contact", { fields: missing });
    // A VIISP account sends only what VIISP did not give: its names are VIISP's and locked.
    const body = this.fromViisp
      ? { phone_number: this.value("phone") }
      : {
          given_name: this.value("given-name"),
          family_name: this.value("family-name"),
          phone_number: this.value("phone"),
        };
    const answer = await this.call("PUT", "/profile", body);
    if (!answer) return;
    if (answer.status === 200) {
      this.app.signedIn(answer.data, message("account.saved"));
      return;
    }
    if (answer.error?.code === "profile_exists") {
      await this.app.route();
      return;
    }
    this.refuse("contact", describe(answer, { fieldIds: FIELD_IDS }));
  }
}

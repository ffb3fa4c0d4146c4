// The choice of two ways to sign in: 1 by e-mail and a one-time code, 2 through VIISP (with "this is a shared
// computer", which the link carries as ?shared_computer=true; the e-mail way asks on the code screen).
import { viispStartUrl } from "../api.js";
import { h } from "../dom.js";
import { language, t } from "../i18n.js";
import { describe, message } from "../problems.js";
import { locks, pendingLogin, sharedComputer } from "../storage.js";
import { View } from "../view.js";

export class SignIn extends View {
  title() {
    return t("signin.title");
  }

  render() {
    return h(
      "div",
      { class: "screen screen--signin" },
      this.heading(),
      this.notice("page"),
      h("p", { class: "lead" }, t("signin.intro")),
      h(
        "ol",
        { class: "methods" },
        h("li", { class: "method" }, this.emailMethod()),
        h("li", { class: "method" }, this.viispMethod()),
      ),
    );
  }

  emailMethod() {
    return h(
      "section",
      { "aria-labelledby": "method-email" },
      methodHeading("method-email", 1, t("signin.email.heading")),
      h("p", {}, t("signin.email.text")),
      h(
        "form",
        { novalidate: true, onsubmit: (event) => this.submit(event) },
        this.notice("email"),
        this.field({
          id: "email",
          label: t("signin.email.label"),
          hint: t("signin.email.hint"),
          max: 254,
          type: "email",
          autocomplete: "email",
          spellcheck: "false",
          autocapitalize: "none",
        }),
        this.requiredNote(),
        h("button", { type: "submit", class: "button" }, t("signin.submit")),
      ),
    );
  }

  viispMethod() {
    const link = h(
      "a",
      {
        class: "button",
        href: viispStartUrl(sharedComputer.load()),
        "aria-describedby": "method-viisp viisp-text",
      },
      t("signin.submit"),
    );
    return h(
      "section",
      { "aria-labelledby": "method-viisp" },
      methodHeading("method-viisp", 2, t("signin.viisp.heading")),
      h("p", { class: "viisp-name" }, t("signin.viisp.name")),
      h("p", { id: "viisp-text" }, t("signin.viisp.text")),
      this.sharedComputerBox("viisp-shared-computer", (ticked) => {
        link.href = viispStartUrl(ticked);
      }),
      link,
    );
  }

  async submit(event) {
    event.preventDefault();
    this.clear("email", ["email"]);
    const email = this.value("email");
    if (!email) {
      this.refuse("email", { fields: { email: message("field.required.email") } });
      return;
    }
    const answer = await this.call("POST", "/login/email", { email, language: language() });
    if (!answer) return;
    if (answer.status === 202) {
      const started = answer.data;
      pendingLogin.save({
        email: started.email,
        loginId: started.login_id,
        expiresIn: started.expires_in,
        cooldown: started.resend_after,
        resendAt: Date.now() + started.resend_after * 1000,
      });
      this.app.show("code");
      return;
    }
    const outcome = describe(answer, {
      fieldIds: { email: "email" },
      limitField: "email",
      locked: Boolean(locks.until(email.toLowerCase())),
    });
    if (outcome.lockedUntil) locks.lock(email.toLowerCase(), outcome.lockedUntil);
    this.refuse("email", outcome);
  }
}

function methodHeading(id, number, words) {
  return h(
    "h2",
    { id, class: "method__heading" },
    h("span", { class: "method__number", "aria-hidden": "true" }, String(number)),
    h("span", {}, words),
  );
}

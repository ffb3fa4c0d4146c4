// "Not me" (DESIGN.md, "Your account"): the mail that tells of a new passkey links to #/not-me?t=<token>. The app
// reads the token and at once takes the fragment out of the address bar (history.replaceState), so the token is
// kept only here, in memory: never in the address, the history, storage or a Referer. Opening the screen spends
// nothing (mail scanners open links; the app asks only GET /profile, for the header's sign-out); only its button
// spends the token (POST /activity/not-me, public): every session and device of the account ends, the passkeys
// added since are removed, a pending e-mail change is cancelled, and the answer's reference is shown to quote to
// the Migration Department. A link without a token, or one the API refuses (400 invalid_token: used, or more than
// 7 days old; 422: not a token), gets one plain sentence and a way to sign in.
import { announce, contactLine, h, notice } from "../dom.js";
import { t, tNodes } from "../i18n.js";
import { describe, message, text } from "../problems.js";
import { View } from "../view.js";

export class NotMeView extends View {
  constructor(app, props) {
    super(app, props);
    this.token = typeof props.token === "string" && props.token ? props.token : null;
    this.state = this.token ? "ready" : "refused"; // ready → done | refused
    this.reference = null;
  }

  title() {
    return t(`notMe.${this.state}.title`);
  }

  hasErrors() {
    return this.state === "refused" || super.hasErrors();
  }

  render() {
    return h(
      "div",
      { class: "screen screen--not-me" },
      this.heading(),
      this.state === "ready" ? this.ready() : null,
      this.state === "done" ? this.done() : null,
      this.state === "refused" ? this.refused() : null,
    );
  }

  ready() {
    return [
      this.notice("page"),
      h("p", { class: "lead", id: "not-me-text" }, t("notMe.ready.text")),
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            id: "not-me-submit",
            class: "button",
            "aria-describedby": "not-me-text",
            onclick: () => this.secure(),
          },
          t("notMe.ready.submit"),
        ),
      ),
    ];
  }

  done() {
    const reference = h("strong", { class: "reference", id: "not-me-reference" }, this.reference);
    return [
      notice("success", t("notMe.done.text"), { id: "not-me-outcome" }),
      h("p", { class: "lead" }, tNodes("notMe.done.reference", { reference })),
      h("div", { class: "actions" }, h("a", { class: "button", href: "#/" }, t("notMe.done.signIn"))),
    ];
  }

  refused() {
    return [
      notice("error", t("notMe.refused.text"), { id: "not-me-outcome" }),
      contactLine("notMe.refused.contact", "not-me-contact"),
      h("div", { class: "actions" }, h("a", { class: "button", href: "#/" }, t("notMe.refused.signIn"))),
    ];
  }

  /** The button: spend the token once. A failure to connect, the edge's limit or the server's trouble keep it. */
  async secure() {
    if (!this.token) return;
    this.clear("page");
    const answer = await this.call("POST", "/activity/not-me", { token: this.token });
    if (!answer) return; // already under way
    if (answer.status === 200 && typeof answer.data?.reference === "string") {
      this.token = null;
      this.reference = answer.data.reference;
      this.state = "done";
      this.app.profile = null; // this browser's session, if it was of this account, has ended too
      this.settle(`${t("notMe.done.text")} ${text(message("notMe.done.reference", { reference: this.reference }))}`);
    } else if (answer.status === 400 || answer.status === 422) {
      this.token = null;
      this.state = "refused";
      this.settle(t("notMe.refused.text"), { urgent: true });
    } else {
      this.refuse("page", describe(answer));
    }
  }

  /** A new state: its heading takes focus, and what happened is said. */
  settle(said, { urgent = false } = {}) {
    this.app.repaint({ focus: "heading" });
    announce(said, { urgent });
  }
}

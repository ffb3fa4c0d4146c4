// Recovery of a lost mailbox (DESIGN.md, "Your account", Recovery; docs/recovery.md): staff at the desk start it,
// and two mails carry a link each. The new address's #/confirm-recovery?t=<token> starts the hold; the old
// address's #/cancel-recovery?t=<token> stops the recovery. As for "not me", the app reads the token and at once
// takes the fragment out of the address bar, so the token is kept only here, in memory; opening the screen spends
// nothing (mail scanners open links; the app asks only GET /profile, for the header's sign-out); only its one
// button spends the token (POST /recovery/confirm or
// /recovery/cancel, public), and then the screen says what happened. A link without a token, or one the API
// refuses (400 invalid_token: used, too old, the recovery no longer pending or, for a cancel, the hold over; 422:
// not a token), gets one plain sentence and a way to sign in.
import { announce, contactLine, h, notice } from "../dom.js";
import { dateTimeWords, t } from "../i18n.js";
import { describe } from "../problems.js";
import { View } from "../view.js";

const KINDS = {
  confirm: { keys: "recoveryConfirm", path: "/recovery/confirm", id: "confirm-recovery" },
  cancel: { keys: "recoveryCancel", path: "/recovery/cancel", id: "cancel-recovery" },
};

export class RecoveryLinkView extends View {
  constructor(app, props) {
    super(app, props);
    this.kind = KINDS[props.kind] ?? KINDS.confirm;
    this.token = typeof props.token === "string" && props.token ? props.token : null;
    this.state = this.token ? "ready" : "refused"; // ready → done | refused
    this.holdEnds = null; // a confirmation's answer: when the wait ends (hold_ends_at), to say in the page's words
  }

  title() {
    return t(`${this.kind.keys}.${this.state}.title`);
  }

  hasErrors() {
    return this.state === "refused" || super.hasErrors();
  }

  render() {
    return h(
      "div",
      { class: `screen screen--recovery screen--${this.kind.id}` },
      this.heading(),
      this.state === "ready" ? this.ready() : null,
      this.state === "done" ? this.done() : null,
      this.state === "refused" ? this.refused() : null,
    );
  }

  ready() {
    const id = this.kind.id;
    return [
      this.notice("page"),
      h("p", { class: "lead", id: `${id}-text` }, t(`${this.kind.keys}.ready.text`)),
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            id: `${id}-submit`,
            class: "button",
            "aria-describedby": `${id}-text`,
            onclick: () => this.spend(),
          },
          t(`${this.kind.keys}.ready.submit`),
        ),
      ),
    ];
  }

  done() {
    return [
      notice("success", this.doneText(), { id: `${this.kind.id}-outcome` }),
      h("div", { class: "actions" }, h("a", { class: "button", href: "#/" }, t(`${this.kind.keys}.done.signIn`))),
    ];
  }

  refused() {
    return [
      notice("error", t(`${this.kind.keys}.refused.text`), { id: `${this.kind.id}-outcome` }),
      this.kind === KINDS.cancel ? contactLine(null, "cancel-recovery-contact") : null,
      h("div", { class: "actions" }, h("a", { class: "button", href: "#/" }, t(`${this.kind.keys}.refused.signIn`))),
    ];
  }

  /** What happened: a confirmation says when the wait ends, on the 24-hour clock. */
  doneText() {
    return t(`${this.kind.keys}.done.text`, { until: this.holdEnds ? dateTimeWords(this.holdEnds) : "" });
  }

  /** The button: spend the token once. A failure to connect, the edge's limit or the server's trouble keep it. */
  async spend() {
    if (!this.token) return;
    this.clear("page");
    const answer = await this.call("POST", this.kind.path, { token: this.token });
    if (!answer) return; // already under way
    if (answer.status === 200) {
      this.token = null;
      this.state = "done";
      const ends = new Date(answer.data?.hold_ends_at ?? "");
      this.holdEnds = Number.isNaN(ends.getTime()) ? null : ends;
      this.settle(this.doneText());
    } else if (answer.status === 400 || answer.status === 422) {
      this.token = null;
      this.state = "refused";
      this.settle(t(`${this.kind.keys}.refused.text`), { urgent: true });
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

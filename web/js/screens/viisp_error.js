// Where the VIISP callback sends a browser whose sign-in, or whose linking of an account with VIISP, it refused:
// #/viisp-error?reason=<code>, and &detail=<detail> when the way on differs from the code's. A VIISP sign-in tried
// again keeps the "shared computer" tick of the sign-in screen.
import { viispStartUrl } from "../api.js";
import { h, notice } from "../dom.js";
import { t } from "../i18n.js";
import { sharedComputer } from "../storage.js";
import { View } from "../view.js";

// edit_conflict: the account changed under the sign-in or link at that moment (nothing was done): try again.
const SIGN_IN_REASONS = new Set(["invalid_ticket", "viisp_unavailable", "origin_mismatch", "edit_conflict"]);
// A link refused (POST /login/viisp/link, whose refusals the account page brings here, or its callback): the way
// on is back to the account, which is still as it was (or, once the session has ended, to sign in again).
// fresh_sign_in_required: the session was opened more than 10 minutes before the link was asked, so the way on
// is to sign out and in again.
const LINK_REASONS = new Set([
  "identity_in_use",
  "already_linked",
  "profile_incomplete",
  "unauthenticated",
  "fresh_sign_in_required",
]);
// Reasons whose way on needs more words than its buttons: said apart, in plain text, after the error.
const NEXT_STEPS = new Set(["identity_in_use", "fresh_sign_in_required"]);
// The details a reason may come with. lithuanian_eid: an eID issued by Lithuania came through eIDAS; its holder
// signs in through VIISP with a Lithuanian means (e-banking, Smart-ID, e-signature, identity card) instead.
const DETAILS = { invalid_ticket: new Set(["lithuanian_eid"]) };

/** Whether an error code of the API refuses a link for a reason this screen words, with its way on. */
export function isLinkRefusal(reason) {
  return LINK_REASONS.has(reason);
}

export class ViispErrorView extends View {
  reason() {
    const reason = this.props.reason;
    return SIGN_IN_REASONS.has(reason) || LINK_REASONS.has(reason) ? reason : "unknown";
  }

  title() {
    return t(LINK_REASONS.has(this.reason()) ? "viispError.linkTitle" : "viispError.title");
  }

  hasErrors() {
    return true;
  }

  /** The detail the reason came with, when this screen knows it; null otherwise. */
  detail() {
    const known = DETAILS[this.reason()];
    return known && known.has(this.props.detail) ? this.props.detail : null;
  }

  render() {
    const reason = this.reason();
    const detail = this.detail();
    return h(
      "div",
      { class: "screen screen--viisp-error" },
      this.heading(),
      notice("error", t(detail ? `viispError.${reason}.${detail}` : `viispError.${reason}`), { id: "viisp-reason" }),
      NEXT_STEPS.has(reason) ? h("p", { id: "viisp-next" }, t(`viispError.${reason}.next`)) : null,
      h(
        "div",
        { class: "actions" },
        LINK_REASONS.has(reason) ? this.linkActions(reason) : this.signInActions(detail),
      ),
    );
  }

  signInActions(detail) {
    // A Lithuanian eID's holder is not trying again what failed: they sign in through VIISP another way.
    const retry = detail === "lithuanian_eid" ? "viispError.signInViisp" : "viispError.retry";
    return [
      h("a", { class: "button", href: viispStartUrl(sharedComputer.load()) }, t(retry)),
      h("a", { class: "button button--secondary", href: "#/" }, t("viispError.back")),
    ];
  }

  linkActions(reason) {
    if (reason === "unauthenticated") return [h("a", { class: "button", href: "#/" }, t("viispError.back"))];
    if (reason === "fresh_sign_in_required") {
      return [
        // The sign-out the header offers (POST /logout), then the sign-in screen: a new sign-in may link.
        h(
          "button",
          { type: "button", class: "button", onclick: () => this.app.signOut() },
          t("viispError.signInAgain"),
        ),
        h("a", { class: "button button--secondary", href: "#/account" }, t("viispError.account")),
      ];
    }
    return [
      h("a", { class: "button", href: "#/account" }, t("viispError.account")),
      // That identity's own account is reached by signing in through VIISP (this browser then leaves this one).
      reason === "identity_in_use"
        ? h("a", { class: "button button--secondary", href: viispStartUrl(sharedComputer.load()) }, t("viispError.signInViisp"))
        : null,
    ];
  }
}

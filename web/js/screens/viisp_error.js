// Where the VIISP callback sends a browser whose sign-in it refused: #/viisp-error?reason=<code>.
import { apiUrl } from "../api.js";
import { h, notice } from "../dom.js";
import { t } from "../i18n.js";
import { View } from "../view.js";

const REASONS = new Set(["invalid_ticket", "viisp_unavailable", "origin_mismatch"]);

export class ViispErrorView extends View {
  title() {
    return t("viispError.title");
  }

  hasErrors() {
    return true;
  }

  render() {
    const reason = REASONS.has(this.props.reason) ? this.props.reason : "unknown";
    return h(
      "div",
      { class: "screen screen--viisp-error" },
      this.heading(),
      notice("error", t(`viispError.${reason}`), { id: "viisp-reason" }),
      h(
        "div",
        { class: "actions" },
        h("a", { class: "button", href: apiUrl("/login/viisp") }, t("viispError.retry")),
        h("a", { class: "button button--secondary", href: "#/" }, t("viispError.back")),
      ),
    );
  }
}

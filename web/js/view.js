// What every screen shares: what the person typed, the messages shown (kept as keys, so a change of language
// re-words them), and the way a refused or accepted call is shown, focused and announced.
import { announce, checkbox, field, h, notice } from "./dom.js";
import { t } from "./i18n.js";
import { text } from "./problems.js";
import { sharedComputer } from "./storage.js";

export class View {
  constructor(app, props = {}) {
    this.app = app;
    this.props = props;
    this.values = {}; // input id -> what the person typed
    this.errors = {}; // input id -> message
    this.notices = {}; // area -> {kind, msg}
    this.busy = false;
    if (props.notice) this.notices.page = props.notice;
  }

  /** The screen's name, for its heading and the document title. */
  title() {
    return "";
  }

  render() {
    return h("div");
  }

  destroy() {}

  hasErrors() {
    return Object.keys(this.errors).length > 0 || Object.values(this.notices).some((n) => n.kind === "error");
  }

  heading() {
    return h("h1", { tabindex: "-1" }, this.title());
  }

  value(id) {
    return (this.values[id] ?? "").trim();
  }

  /** A field bound to this screen's state: its value and error survive a repaint. */
  field(options) {
    return field({
      ...options,
      value: this.values[options.id] ?? "",
      error: this.errors[options.id] ?? null,
      onInput: (value) => {
        this.values[options.id] = value;
      },
    });
  }

  /** The notice of an area of the screen, if there is one. */
  notice(area) {
    const shown = this.notices[area];
    if (!shown) return null;
    return notice(shown.kind, text(shown.msg), { id: `notice-${area}`, tabindex: "-1" });
  }

  /** Forget the messages of an area and its fields before a new try. */
  clear(area, ids = []) {
    delete this.notices[area];
    if (area !== "page") delete this.notices.page;
    for (const id of ids) delete this.errors[id];
  }

  /** Call the API, one call at a time per screen; null when the session has ended (the app went to sign-in). */
  async call(method, path, body) {
    if (this.busy) return null;
    this.busy = true;
    document.getElementById("main").setAttribute("aria-busy", "true");
    try {
      const answer = await this.app.call(method, path, body);
      if (answer.status === 401 && answer.error?.code === "unauthenticated" && this.app.profile) {
        this.app.sessionEnded();
        return null;
      }
      return answer;
    } finally {
      this.busy = false;
      document.getElementById("main").removeAttribute("aria-busy");
    }
  }

  /** Show what was wrong: errors beside their fields, the rest in the area's notice; focus and announce. */
  refuse(area, outcome) {
    Object.assign(this.errors, outcome.fields ?? {});
    if (outcome.notice) this.notices[area] = { kind: "error", msg: outcome.notice };
    const ids = Object.keys(outcome.fields ?? {});
    this.app.repaint({ focus: ids.length ? this.firstInOrder(ids) : `notice-${area}` });
    const said = [outcome.notice, ...ids.map((id) => this.errors[id])].filter(Boolean).map(text);
    announce(said.join(" "), { urgent: true });
  }

  /** Show that something worked, in the area's notice (a success looks and reads unlike an error). */
  succeed(area, msg, { focus = `notice-${area}` } = {}) {
    this.notices[area] = { kind: "success", msg };
    this.app.repaint({ focus });
    announce(text(msg));
  }

  firstInOrder(ids) {
    const main = document.getElementById("main");
    const inputs = [...main.querySelectorAll("input")].map((input) => input.id);
    return inputs.find((id) => ids.includes(id)) ?? ids[0];
  }

  /** "This is a shared computer": when ticked, the sign-in sets no device cookie. The tick is kept for the tab. */
  sharedComputerBox(id, onChange = null) {
    return checkbox({
      id,
      label: t("shared.label"),
      hint: t("shared.hint"),
      checked: sharedComputer.load(),
      onChange: (ticked) => {
        sharedComputer.save(ticked);
        onChange?.(ticked);
      },
    });
  }

  requiredNote() {
    return h("p", { class: "required-note" }, t("app.required"));
  }

  /** For a signed-in person gone back to a step of the sign-in already done: on to where the sign-in led (a link,
   * so Back returns here), or sign out and start again. */
  onwards() {
    const complete = this.app.profile?.profile_complete;
    return h(
      "div",
      { class: "actions" },
      h(
        "a",
        { class: "button", id: "onwards", href: complete ? "#/account" : "#/contact" },
        t(complete ? "signedIn.toAccount" : "signedIn.toContact"),
      ),
      h(
        "button",
        { type: "button", class: "button button--secondary", onclick: () => this.app.signOut() },
        t("signedIn.restart"),
      ),
    );
  }
}

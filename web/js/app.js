// The MIGRIS sign-in pages: which screen to show, the page's chrome (header, language, footer), focus and titles.
// Screens live at #/ (sign in), #/code, #/contact, #/account (#/account?linked=1 just after linking with VIISP),
// #/viisp-error?reason=…, and the mailed links #/not-me?t=<token>, #/confirm-recovery?t=<token> and
// #/cancel-recovery?t=<token> (the token is read, then the fragment leaves the address bar); the signed-in state comes from GET /profile, the e-mail sign-in under way from sessionStorage.
// Every screen shows the header's sign-out while a session is open.
import { call } from "./api.js";
import {
  LANGUAGES,
  browserLanguage,
  language,
  languageChosen,
  loadLanguage,
  setLanguage,
  startingLanguage,
  t,
} from "./i18n.js";
import { announce } from "./dom.js";
import { message, text } from "./problems.js";
import { AccountView } from "./screens/account.js";
import { CodeView } from "./screens/code.js";
import { ContactView } from "./screens/contact.js";
import { NotMeView } from "./screens/not_me.js";
import { RecoveryLinkView } from "./screens/recovery.js";
import { SignIn } from "./screens/signin.js";
import { ViispErrorView } from "./screens/viisp_error.js";
import { forgetSignedIn, pendingLogin, signedInHere } from "./storage.js";

const SCREENS = {
  signin: { View: SignIn, hash: "#/" },
  code: { View: CodeView, hash: "#/code" },
  contact: { View: ContactView, hash: "#/contact" },
  account: { View: AccountView, hash: "#/account" },
  viispError: { View: ViispErrorView, hash: null }, // keeps the address the API sent the browser to
  notMe: { View: NotMeView, hash: null }, // the address was emptied as the token was read
  recovery: { View: RecoveryLinkView, hash: null }, // likewise
};
// The steps forward of a sign-in get their own history entry, so the phone's Back button goes back a step (the
// code screen to the sign-in screen), not out of the service; every other change of screen replaces the entry.
// Once signed in, Back returns to those steps as done (the code screen says its code was accepted; the sign-in
// screen, that the person is signed in), each with the way on.
const STEPS = new Set(["signin>code", "code>contact", "code>account", "signin>contact", "signin>account"]);

/** Whether a profile from GET /profile holds a confirmed identity (from VIISP or eIDAS). */
function hasIdentity(profile) {
  return profile?.identity !== null && typeof profile?.identity === "object";
}

class App {
  constructor() {
    this.main = document.getElementById("main");
    this.view = null;
    this.screen = null; // the name of the screen shown
    this.profile = null; // the signed-in person's profile, null when signed out
  }

  async start() {
    setLanguage(await loadLanguage(startingLanguage())); // shown, not kept: only a pick is kept
    this.setUpChrome();
    window.addEventListener("hashchange", () => this.route());
    return this.route();
  }

  call(method, path, body) {
    return call(method, path, { body, language: language() });
  }

  /** Decide the screen from the address and the session: on load, and when the address changes. */
  async route() {
    const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
    if (path === "/not-me") {
      // A mailed link's single-use token: kept in memory only, and out of the address bar (and so of this tab's
      // history) before anything else. Opening the screen spends nothing (it asks only whether this browser is
      // signed in, for the header); only its button spends the token.
      const token = new URLSearchParams(query).get("t");
      history.replaceState(null, "", location.pathname + location.search);
      await this.learnSession();
      this.show("notMe", { token });
      return;
    }
    if (path === "/confirm-recovery" || path === "/cancel-recovery") {
      // A recovery's mailed link: as "not me", the token is kept in memory only, and only the button spends it.
      const token = new URLSearchParams(query).get("t");
      history.replaceState(null, "", location.pathname + location.search);
      await this.learnSession();
      this.show("recovery", { token, kind: path === "/confirm-recovery" ? "confirm" : "cancel" });
      return;
    }
    if (path === "/viisp-error") {
      const params = new URLSearchParams(query);
      await this.learnSession();
      this.show("viispError", { reason: params.get("reason"), detail: params.get("detail") });
      return;
    }
    const answer = await this.call("GET", "/profile");
    if (answer.status === 200 && this.screen !== null && (path === "/" || path === "/code")) {
      // Back (or Forward) to a step of the sign-in already done: shown as done, never asking for a spent code.
      this.profile = answer.data;
      this.show(path === "/code" ? "code" : "signin", { signedIn: true });
    } else if (answer.status === 200) {
      // After linking with VIISP the API sends the browser to #/account?linked=1 (the address then loses "?linked").
      // Anyone can write that address, so the news is told only when the account has an identity now.
      const linked =
        path === "/account" && new URLSearchParams(query).get("linked") === "1" && hasIdentity(answer.data);
      this.signedIn(answer.data, linked ? message("account.linked") : null);
    } else if (pendingLogin.load() && path !== "/") {
      this.profile = null;
      this.show("code");
    } else {
      this.profile = null;
      // A tab that was signed in and finds no session: it was ended elsewhere (or timed out), and is said so.
      const ended = answer.status === 401 && signedInHere.load();
      signedInHere.save(false);
      const trouble =
        answer.status === 401
          ? ended && message("signin.endedElsewhere")
          : message(answer.status === 0 ? "error.network" : "error.server");
      this.show("signin", trouble ? { notice: { kind: "error", msg: trouble } } : {});
    }
  }

  /** Whether a session is open, for the header's sign-out on a screen that needs none (GET /profile asks only
   * that; a mailed link's token is never sent with it). */
  async learnSession() {
    const answer = await this.call("GET", "/profile");
    this.profile = answer.status === 200 ? answer.data : null;
  }

  show(name, props = {}) {
    this.view?.destroy();
    const screen = SCREENS[name];
    const step = STEPS.has(`${this.screen}>${name}`);
    // The service's front door, just loaded with nothing to tell: the focus stays at the page's start, so the first
    // Tab reaches the skip link, then the language choice. A screen landed on (VIISP's return, a mailed link, a
    // reload elsewhere) focuses its heading, which says where the person is.
    const door = this.screen === null && name === "signin" && !props.notice;
    this.screen = name;
    this.view = new screen.View(this, props);
    if (screen.hash && location.hash !== screen.hash) history[step ? "pushState" : "replaceState"](null, "", screen.hash);
    document.getElementById("live-alert").textContent = ""; // a new screen: the last one's alert is not its own
    this.repaint({ focus: door ? null : "heading" });
  }

  /** Draw the screen again (new words, new messages); focus the heading, an element by id, or keep it. */
  repaint({ focus = null } = {}) {
    const active = this.main.contains(document.activeElement) ? document.activeElement : null;
    const kept = active?.tagName === "H1" ? "heading" : active?.id || null;
    this.main.replaceChildren(this.view.render());
    const title = this.view.title();
    document.title = `${this.view.hasErrors() ? `${t("app.errorPrefix")} ` : ""}${title} – MIGRIS`;
    this.updateChrome();
    const wanted = focus ?? kept;
    const target = wanted === "heading" ? this.main.querySelector("h1") : document.getElementById(wanted ?? "");
    target?.focus();
  }

  signedIn(profile, notice = null) {
    this.profile = profile;
    pendingLogin.clear();
    signedInHere.save(true);
    this.syncLanguage();
    const props = notice ? { notice: { kind: "success", msg: notice } } : {};
    this.show(profile.profile_complete ? "account" : "contact", props);
    if (notice) announce(text(notice)); // the heading takes focus; the news is said too
  }

  sessionEnded() {
    this.profile = null;
    forgetSignedIn();
    this.show("signin", { notice: { kind: "error", msg: message("signin.expired") } });
  }

  /** End this session; with `forget`, also forget this browser as a known device (its cookie is cleared). */
  async signOut({ forget = false } = {}) {
    await this.call("POST", "/logout", forget ? { forget_device: true } : undefined);
    this.profile = null;
    forgetSignedIn();
    const said = message(forget ? "signin.signedOutForgot" : "signin.signedOut");
    this.show("signin", { notice: { kind: "success", msg: said } });
  }

  /** The account was erased (DELETE /profile): signed out (the API cleared the cookies), and told so. */
  accountErased() {
    this.profile = null;
    forgetSignedIn();
    this.show("signin", { notice: { kind: "success", msg: message("account.erase.done") } });
    announce(t("account.erase.done"));
  }

  /** The account keeps a language for its mails. A language picked on this browser wins and is sent; else the
   * page takes the account's (a new phone in another language does not overwrite it). An account that keeps none
   * is told the browser's preferred language, if the pages speak it; Lithuanian as the mere default never is. */
  syncLanguage() {
    if (!this.profile || !("language" in this.profile)) return; // an API that does not keep one
    const kept = this.profile.language;
    if (languageChosen()) {
      if (kept !== language()) this.sendLanguage();
    } else if (kept) {
      if (kept !== language()) this.changeLanguage(kept, { send: false, keep: false });
    } else if (browserLanguage() === language()) {
      this.sendLanguage();
    }
  }

  async sendLanguage() {
    if (!this.profile || !("language" in this.profile)) return; // an API that does not keep one yet
    const answer = await this.call("PATCH", "/profile", { language: language() });
    if (answer.status === 200) this.profile = answer.data;
  }

  /** Show another language once its strings have loaded; a pick (`keep`) is kept here and sent to the API. */
  async changeLanguage(code, { send = true, keep = true } = {}) {
    const asked = (this.languageAsked = code); // the latest of quick presses wins
    const loaded = await loadLanguage(code);
    if (this.languageAsked !== asked) return;
    setLanguage(loaded, { keep });
    this.translateChrome();
    if (this.view) this.repaint();
    if (send) this.sendLanguage();
  }

  setUpChrome() {
    // The four languages, each named in its own script, as buttons; the one shown is pressed.
    const choice = document.getElementById("languages");
    choice.replaceChildren(
      ...LANGUAGES.map(({ code, name }) => {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "language__choice";
        button.lang = code;
        button.dataset.language = code;
        button.textContent = name;
        button.addEventListener("click", () => this.changeLanguage(code));
        item.append(button);
        return item;
      }),
    );
    document.getElementById("sign-out").addEventListener("click", () => this.signOut());
    document.querySelector(".skip-link").addEventListener("click", (event) => {
      event.preventDefault(); // the address holds the screen, not an anchor
      this.main.querySelector("h1")?.focus();
    });
    this.translateChrome();
  }

  translateChrome() {
    for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
    for (const button of document.querySelectorAll("#languages button")) {
      button.setAttribute("aria-pressed", String(button.dataset.language === language()));
    }
  }

  updateChrome() {
    document.getElementById("sign-out").hidden = !this.profile;
  }
}

new App().start();

// The choice of two ways to sign in: 1 by e-mail and a one-time code, 2 through VIISP (with "this is a shared
// computer", which the link carries as ?shared_computer=true; the e-mail way asks on the code screen). Above
// them, where the browser has WebAuthn, a sign-in with a passkey that needs no address (POST
// /login/passkey/options, the browser's passkey dialog, POST /login/passkey), and the browser's passkey
// autofill on the e-mail field where it has one (conditional mediation). Either way, a passkey sign-in goes on
// as a code sign-in does. First, the seed's two notices for refugees from Ukraine and for citizens of Belarus, in
// their own words and languages, each a link whose address is the page's configuration (<meta> in index.html).
// Gone back to with the phone's Back button once signed in (`signedIn`), it says so, and offers the way on or a
// sign-out instead of the ways in.
import { viispStartUrl } from "../api.js";
import { configuredLink, h } from "../dom.js";
import { language, t } from "../i18n.js";
import {
  autofillSupported,
  browserProblem,
  credentialJSON,
  passkeysSupported,
  requestOptions,
} from "../passkeys.js";
import { describe, message } from "../problems.js";
import { changeCodes, locks, pendingLogin, sharedComputer } from "../storage.js";
import { View } from "../view.js";

// A challenge offered to the autofill is asked anew when the e-mail field is focused after this share of its
// life (PasskeyChallengeSeconds, the options' timeout) has gone, so a passkey picked late is not refused.
const AUTOFILL_FRESH_SHARE = 0.8;

// The notices, as the seed words them: each part in its own language, whatever language the page is in.
const BANNERS = [
  {
    link: "migris-link-ukraine",
    parts: [
      ["uk", "Важлива інформація для біженців від війни з України"],
      ["lt", "Svarbi informacija Ukrainos karo pabėgėliams"],
    ],
  },
  { link: "migris-link-belarus", parts: [["be", "Інформація для громадян Беларусі (абноўлена)"]] },
];

function banners() {
  const items = BANNERS.map(({ link, parts }) => {
    const href = configuredLink(link);
    if (!href) return null;
    const words = parts.flatMap(([lang, text], index) => [index ? " / " : null, h("span", { lang }, text)]);
    return h(
      "li",
      {},
      h(
        "a",
        { class: "banner", href, target: "_blank", rel: "noopener" },
        ...words,
        h("span", { class: "visually-hidden" }, ` ${t("signin.banner.newTab")}`),
      ),
    );
  }).filter(Boolean);
  return items.length ? h("ul", { class: "banners" }, ...items) : null;
}

export class SignIn extends View {
  constructor(app, props) {
    super(app, props);
    this.passkeys = passkeysSupported();
    this.autofill = null; // the autofill's request under way: {controller, since, lifetime}
    this.asking = false; // the passkey dialog is open
    this.gone = false;
    if (this.passkeys && !props.signedIn) this.startAutofill();
  }

  destroy() {
    this.gone = true;
    this.stopAutofill();
  }

  title() {
    return t(this.props.signedIn ? "signin.signedIn.title" : "signin.title");
  }

  render() {
    if (this.props.signedIn) {
      return h(
        "div",
        { class: "screen screen--signed-in" },
        this.heading(),
        banners(),
        h("p", { class: "lead", id: "signed-in" }, t("signin.already")),
        this.onwards(),
      );
    }
    return h(
      "div",
      { class: "screen screen--signin" },
      this.heading(),
      this.notice("page"),
      banners(),
      h("p", { class: "lead" }, t("signin.intro")),
      this.passkeys ? this.passkeyMethod() : null,
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
          // Where passkeys are, the browser may offer them in this field's autofill (no address typed).
          autocomplete: this.passkeys ? "username webauthn" : "email",
          spellcheck: "false",
          autocapitalize: "none",
          onfocus: () => this.freshenAutofill(),
        }),
        this.requiredNote(),
        h("button", { type: "submit", class: "button" }, t("signin.submit")),
      ),
    );
  }

  /** "Have you created a passkey?": sign in with it (face, fingerprint or passcode), no address typed. */
  passkeyMethod() {
    return h(
      "section",
      { class: "card passkey-way", "aria-labelledby": "method-passkey" },
      h("h2", { id: "method-passkey" }, t("signin.passkey.heading")),
      h("p", { id: "passkey-text" }, t("signin.passkey.text")),
      this.notice("passkey"),
      h(
        "button",
        {
          type: "button",
          id: "passkey-sign-in",
          class: "button",
          "aria-describedby": "passkey-text",
          onclick: () => this.signInWithPasskey(),
        },
        t("signin.passkey.submit"),
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
      pendingLogin.started(answer.data);
      this.app.show("code");
      return;
    }
    const outcome = describe(answer, {
      fieldIds: { email: "email" },
      limitField: "email",
      locked: Boolean(locks.until(email.toLowerCase())),
    });
    if (outcome.lockedUntil) locks.lock(email.toLowerCase(), outcome.lockedUntil);
    // The wait a code to confirm an e-mail change started (from this tab) is not one for a sign-in code.
    if (outcome.waitUntil && outcome.fields.email?.key === "error.cooldown" && changeCodes.recent(email)) {
      outcome.fields.email = message("error.cooldownChange", {}, outcome.waitUntil);
    }
    this.refuse("email", outcome);
  }

  /** The button: new options (the autofill's request is stopped first: one WebAuthn request at a time), the
   * browser's passkey dialog, then the sign-in. */
  async signInWithPasskey() {
    if (this.asking || this.busy) return;
    this.asking = true;
    try {
      // The autofill's options, if still on their way, are let arrive first: each sets the browser's one
      // challenge cookie, and the last to arrive would otherwise win over this one.
      const arriving = this.autofill?.asked;
      this.stopAutofill();
      this.clear("passkey");
      if (arriving) await arriving;
      if (this.gone) return;
      const options = await this.call("POST", "/login/passkey/options", {});
      if (!options || this.gone) return;
      if (options.status !== 200) {
        this.refuse("passkey", describe(options));
        return;
      }
      let credential;
      try {
        credential = await navigator.credentials.get({ publicKey: requestOptions(options.data) });
      } catch (error) {
        if (this.gone || browserProblem(error) === "aborted") return;
        const said = browserProblem(error) === "cancelled" ? "signin.passkey.cancelled" : "signin.passkey.failed";
        this.refuse("passkey", { notice: message(said) });
        this.startAutofill();
        return;
      }
      await this.finishPasskey(credential);
    } finally {
      this.asking = false;
    }
  }

  /** The browser's autofill offers the passkeys of this site in the e-mail field, once the options are here; a
   * passkey picked there signs in as the button does. Nothing is said when it cannot start: the button works. */
  async startAutofill() {
    this.stopAutofill();
    const run = { controller: new AbortController(), since: Date.now(), lifetime: null, asked: null };
    this.autofill = run;
    const stopped = () => this.gone || this.autofill !== run || run.controller.signal.aborted;
    if (!(await autofillSupported()) || stopped()) return this.endAutofill(run);
    run.asked = this.app.call("POST", "/login/passkey/options", {});
    const options = await run.asked;
    if (stopped()) return;
    if (options.status !== 200 || typeof options.data?.challenge !== "string") return this.endAutofill(run);
    run.lifetime = Number(options.data.timeout) || null;
    let credential;
    try {
      credential = await navigator.credentials.get({
        mediation: "conditional",
        publicKey: requestOptions(options.data),
        signal: run.controller.signal,
      });
    } catch {
      return this.endAutofill(run); // stopped by the page, or the browser would not offer any
    }
    if (stopped() || !credential) return this.endAutofill(run);
    this.autofill = null;
    this.clear("passkey");
    await this.finishPasskey(credential);
  }

  endAutofill(run) {
    if (this.autofill === run) this.autofill = null;
  }

  stopAutofill() {
    this.autofill?.controller.abort();
    this.autofill = null;
  }

  /** The e-mail field got focus: an autofill challenge near the end of its life is asked anew. */
  freshenAutofill() {
    const run = this.autofill;
    if (run?.lifetime && Date.now() - run.since > run.lifetime * AUTOFILL_FRESH_SHARE) this.startAutofill();
  }

  /** The passkey's answer to the API: signed in as after a code, or told plainly why not (and the autofill
   * offered again). */
  async finishPasskey(credential) {
    const answer = await this.call("POST", "/login/passkey", {
      credential: credentialJSON(credential),
      shared_computer: sharedComputer.load(),
    });
    if (!answer || this.gone) return;
    if (answer.status === 200) {
      this.app.signedIn(answer.data.profile);
      return;
    }
    this.refuse("passkey", answer.status === 401 ? { notice: message("signin.passkey.refused") } : describe(answer));
    this.startAutofill();
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

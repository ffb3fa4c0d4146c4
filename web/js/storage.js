// What the pages keep in the browser. sessionStorage (this tab only): the e-mail sign-in under way, so a reload
// of the code page does not strand the person, locks the API reported, the "shared computer" tick, the addresses
// this tab asked an e-mail change code for, whether it was signed in, and whether a language was pressed here since
// the last sign-out. localStorage: the language.
// Never a code or a session token (the token lives in an HttpOnly cookie this script cannot read).

function read(store, key) {
  try {
    const raw = store.getItem(key);
    return raw === null ? null : JSON.parse(raw);
  } catch {
    return null; // storage off, or a value we did not write
  }
}

function write(store, key, value) {
  try {
    if (value === null) store.removeItem(key);
    else store.setItem(key, JSON.stringify(value));
  } catch {
    // Storage off (a private window, say): the pages still work, only a reload forgets.
  }
}

const LOGIN = "migris.login";
const LOCKS = "migris.locks";
const LANGUAGE = "migris.language";
const SHARED = "migris.sharedComputer";
const CHANGES = "migris.changeCodes";
const SIGNED_IN = "migris.signedIn";
const LANGUAGE_PRESSED = "migris.languagePressed";

/** The e-mail sign-in under way: {email, loginId, expiresIn, expiresAt, cooldown, resendAt (ms since epoch),
 * wrongTries, spent (why its code no longer works)}. */
export const pendingLogin = {
  /** A sign-in `POST /login/email` started (its 202 answer), kept and returned: a new code, no try made yet. */
  started(answer) {
    const login = {
      email: answer.email,
      loginId: answer.login_id,
      expiresIn: answer.expires_in,
      expiresAt: Date.now() + answer.expires_in * 1000,
      cooldown: answer.resend_after,
      resendAt: Date.now() + answer.resend_after * 1000,
      wrongTries: 0,
      spent: null,
    };
    this.save(login);
    return login;
  },
  load() {
    const login = read(sessionStorage, LOGIN);
    return login && typeof login.email === "string" && typeof login.loginId === "string" ? login : null;
  },
  save(login) {
    write(sessionStorage, LOGIN, login);
  },
  clear() {
    write(sessionStorage, LOGIN, null);
  },
};

/** Addresses the API said are locked, until when (ms since epoch): to tell a lock from a cooldown. */
export const locks = {
  until(email) {
    const until = (read(sessionStorage, LOCKS) ?? {})[email];
    return typeof until === "number" && until > Date.now() ? until : null;
  },
  lock(email, until) {
    const all = read(sessionStorage, LOCKS) ?? {};
    all[email] = until;
    write(sessionStorage, LOCKS, all);
  },
};

/** Addresses this tab asked a code to confirm an e-mail change for, and when (ms since epoch): the sign-in screen
 * then tells a cooldown that code started apart from one of a sign-in code. */
export const changeCodes = {
  /** Whether such a code went to `email` in the last ten minutes (longer than any cooldown it may start). */
  recent(email) {
    const at = (read(sessionStorage, CHANGES) ?? {})[email.toLowerCase()];
    return typeof at === "number" && Date.now() - at < 10 * 60 * 1000;
  },
  sent(email) {
    write(sessionStorage, CHANGES, { ...(read(sessionStorage, CHANGES) ?? {}), [email.toLowerCase()]: Date.now() });
  },
};

/** Whether this tab was signed in: a reload that finds no session then says the session ended. */
export const signedInHere = {
  load() {
    return read(sessionStorage, SIGNED_IN) === true;
  },
  save(signedIn) {
    write(sessionStorage, SIGNED_IN, signedIn ? true : null);
  },
};

let sharedHere = false; // the tick of this page, for a browser whose storage is off

/** Whether the person ticked "this is a shared computer" in this tab: every sign-in box starts from it, so a
 * VIISP sign-in tried again, or an e-mail sign-in after the VIISP box was ticked, keeps the choice. */
export const sharedComputer = {
  load() {
    return sharedHere || read(sessionStorage, SHARED) === true;
  },
  save(ticked) {
    sharedHere = Boolean(ticked);
    write(sessionStorage, SHARED, ticked ? true : null);
  },
};

export const preferences = {
  language() {
    return read(localStorage, LANGUAGE);
  },
  /** A press of a language button: the browser starts in it from now on, and the account signed in at this tab
   * is told it. */
  setLanguage(code) {
    write(localStorage, LANGUAGE, code);
    write(sessionStorage, LANGUAGE_PRESSED, true);
  },
  /** Whether the language was pressed in this tab since the last sign-out: only then is it the person's own to
   * send to their account (on a shared computer the browser's kept language may be the previous person's). */
  pressedHere() {
    return read(sessionStorage, LANGUAGE_PRESSED) === true;
  },
};

/** A sign-out, an erasure or an ended session: this tab forgets the sign-in and the language press (the next person
 * at a shared computer does not send the last person's language). The e-mail change codes stay their ten minutes:
 * the sign-in just after a change words its cooldown as that code's. */
export function forgetSignedIn() {
  signedInHere.save(false);
  pendingLogin.clear();
  write(sessionStorage, LANGUAGE_PRESSED, null);
}

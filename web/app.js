// The e-mail sign-in as a person goes through it. The session rides in the __Host-session cookie
// (HttpOnly, so this script never sees it); state changes send Origin, which the browser adds itself.
"use strict";
const state = { email: "", loginId: "" };
const $ = (id) => document.getElementById(id);

function say(text) { $("message").textContent = text || ""; }

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = response.status === 204 ? null : await response.json();
  return { status: response.status, data, retryAfter: response.headers.get("Retry-After") };
}

function errorText(answer) {
  const error = answer.data && answer.data.error;
  if (!error) return "Klaida / Error " + answer.status;
  const fields = error.fields ? " " + Object.values(error.fields).join("; ") : "";
  const wait = answer.retryAfter ? ` (${answer.retryAfter} s)` : "";
  return error.message + fields + wait;
}

function show(section) {
  for (const id of ["email-form", "code-form", "contact-form", "profile"]) $(id).hidden = id !== section;
  $("viisp-link").hidden = section !== "email-form";
}

$("email-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await call("POST", "/login/email", { email: $("email").value, language: document.documentElement.lang });
  if (answer.status !== 202) return say(errorText(answer));
  state.email = answer.data.email;
  state.loginId = answer.data.login_id;
  say(`Kodas išsiųstas / Code sent: ${state.email}`);
  show("code-form");
});

$("code-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await call("POST", "/login/email/verify", { email: state.email, login_id: state.loginId, code: $("code").value.trim() });
  if (answer.status !== 200) return say(errorText(answer));
  say("");
  await showProfile();
});

async function showProfile() {
  const answer = await call("GET", "/profile");
  if (answer.status !== 200) { show("email-form"); return; }
  render(answer.data);
}

function render(profile) {
  if (!profile.profile_complete) {
    // A VIISP account already has its names from VIISP: it fills in the phone only.
    const viisp = profile.login_method === "viisp";
    for (const name of ["given_name", "family_name"]) {
      $(name).required = !viisp;
      $(name).hidden = viisp;
      document.querySelector(`label[for=${name}]`).hidden = viisp;
    }
    show("contact-form");
    return;
  }
  $("profile-data").textContent = JSON.stringify(profile, null, 2);
  $("email-code-form").hidden = !profile.pending_email;
  show("profile");
}

$("contact-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = {};
  for (const name of ["given_name", "family_name", "phone_number"]) if (!$(name).hidden) body[name] = $(name).value;
  const answer = await call("PUT", "/profile", body);
  if (answer.status !== 200) return say(errorText(answer));
  say("");
  render(answer.data);
});

$("phone-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await call("PATCH", "/profile", { phone_number: $("new_phone").value });
  say(answer.status === 200 ? "Išsaugota / Saved" : errorText(answer));
  if (answer.status === 200) render(answer.data);
});

$("email-change-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await call("PATCH", "/profile", { email: $("new_email").value });
  say(answer.status === 200 ? "Kodas išsiųstas naujuoju adresu / Code sent to the new address" : errorText(answer));
  if (answer.status === 200) render(answer.data);
});

$("email-code-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await call("POST", "/profile/email/verify", { code: $("email_code").value.trim() });
  say(answer.status === 200 ? "El. paštas pakeistas / E-mail changed" : errorText(answer));
  if (answer.status === 200) render(answer.data);
});

$("logout").addEventListener("click", async () => {
  await call("POST", "/logout");
  show("email-form");
  say("Atsijungėte / Signed out");
});

showProfile();

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
  for (const id of ["email-form", "code-form", "profile"]) $(id).hidden = id !== section;
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
  $("profile-data").textContent = JSON.stringify(answer.data, null, 2);
  show("profile");
}

$("logout").addEventListener("click", async () => {
  await call("POST", "/logout");
  show("email-form");
  say("Atsijungėte / Signed out");
});

showProfile();

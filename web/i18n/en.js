// English. The same keys in all four files; {name} is a value put in, {one, few, many, other} plural forms.
export default {
  "app.tagline": "Electronic migration services",
  "app.skip": "Skip to main content",
  "app.language": "Language",
  "app.signOut": "Sign out",
  "app.footer.org": "Migration Department under the Ministry of the Interior of the Republic of Lithuania",
  "app.footer.service": "MIGRIS – electronic migration services",
  "app.loading": "Loading…",
  "app.required": "Fields marked with an asterisk (*) are required.",
  "app.counter": "Characters entered:",
  "app.errorPrefix": "Error:",
  "app.successPrefix": "Done:",

  "time.seconds": "{n} s",
  "time.minutes": "{m} min",
  "time.minutesSeconds": "{m} min {s} s",
  "time.hoursMinutes": "{h} h {m} min",

  "signin.title": "Sign in",
  "signin.intro": "Choose how you would like to sign in.",
  "signin.banner.newTab": "(opens in a new tab)",
  "signin.email.heading": "Use this sign-in if you do not have a personal code issued in Lithuania",
  "signin.email.text":
    "Signing in by e-mail creates a level 1 unidentified user account: your identity is not confirmed until " +
    "migration staff confirm it. We will send a temporary sign-in code to the e-mail address you enter.",
  "signin.email.label": "E-mail",
  "signin.email.hint": "For example, name.surname@example.com",
  "signin.submit": "Sign in",
  "signin.viisp.heading": "Use this sign-in if you have a personal code issued in Lithuania",
  "signin.viisp.name": "State Information Resources Interoperability Platform",
  "signin.viisp.text":
    "Sign in with online banking, your identity card or a mobile electronic signature. " +
    "Your identity will be confirmed (level 3 user).",
  "signin.signedOut": "You have signed out.",
  "signin.signedOutForgot": "You have signed out. This device has been forgotten.",
  "signin.expired": "Your session has ended. Please sign in again.",
  "signin.endedElsewhere": "You are no longer signed in: your session was ended on another device, or it timed out. Please sign in again.",
  "signin.passkey.heading": "Have you created a passkey?",
  "signin.passkey.text":
    "Sign in with your face, fingerprint or passcode. You do not need to enter your e-mail address.",
  "signin.passkey.submit": "Sign in with a passkey",
  "signin.passkey.cancelled": "The passkey sign-in did not finish. Try again, or choose another way to sign in below.",
  "signin.passkey.failed": "This browser could not use a passkey. Choose another way to sign in below.",
  "signin.passkey.refused":
    "We could not sign you in with this passkey. It may have been removed from your account. Choose " +
    "another way to sign in below.",

  "code.title": "Sign-in code",
  "code.address": "Your e-mail address: {email}",
  "code.attention": "Please note:",
  "code.sameAddress": "Always sign in with the same e-mail address.",
  "code.sent": "We have sent a temporary sign-in code to your e-mail address. Enter it below.",
  "code.label": "Temporary code",
  "code.hint": {
    one: "The code has {n} digit.",
    other: "The code has {n} digits.",
  },
  "code.submit": "Continue",
  "code.validity": {
    one: "The sign-in code is valid for {n} minute. If you cannot find the e-mail, check your spam folder.",
    other: "The sign-in code is valid for {n} minutes. If you cannot find the e-mail, check your spam folder.",
  },
  "code.resend": "Send a new code",
  "code.resendWait": "You can ask for a new code in {time}.",
  "code.resendReady": "Did not get the e-mail? You can ask for a new code.",
  "code.resent": "A new code has been sent. The previous code is no longer valid.",
  "code.otherAddress": "Use another e-mail address",
  "shared.label": "This is a shared computer",
  "shared.hint": "We will not remember this computer. Sign out when you have finished.",

  "contact.title": "Contact details",
  "contact.intro": "This is your first sign-in. Please enter your contact details.",
  "contact.introViisp": "This is your first sign-in. We received your name from VIISP; please add the missing details.",
  "contact.given": "Given name(s)",
  "contact.family": "Family name(s)",
  "contact.namesHint":
    "Use Latin letters, exactly as your names are written in the Latin line of your passport or " +
    "other travel document.",
  "contact.namesExample": "For example: Olena Kovalenko, not Олена Коваленко.",
  "contact.phone": "Phone number",
  "contact.phoneHint": "With the country code, for example +370 612 34567.",
  "contact.fromViisp": "Name received from VIISP.",
  "contact.warning":
    "Later, your given and family names can be changed only by migration staff in Lithuania and at " +
    "the diplomatic missions and consular posts of the Republic of Lithuania abroad.",
  "contact.submit": "Continue",

  "account.title": "My account",
  "account.saved": "Your contact details have been saved.",
  "account.person": "Personal details",
  "account.namesNote":
    "Your given and family names can be changed only by migration staff in Lithuania and at " +
    "the diplomatic missions and consular posts of the Republic of Lithuania abroad.",
  "account.level": "User level",
  "account.level.1": "Level 1 unidentified user",
  "account.level.1.note": "Your identity has not been confirmed. Migration staff can confirm it.",
  "account.level.2": "Level 2 user: identity confirmed by migration staff",
  "account.level.3": "Level 3 user: identity confirmed through VIISP",
  "account.method": "Sign-in method",
  "account.method.email": "E-mail and temporary code",
  "account.method.viisp": "Through VIISP",
  "account.method.both": "E-mail and temporary code, or VIISP",
  "account.identity": "Identity",
  "account.identity.none": "Not confirmed (signed in by e-mail)",
  "account.identity.staff": "Confirmed by migration staff",
  "account.identity.viisp": "Confirmed through VIISP",
  "account.identity.personalCode": "Confirmed through VIISP (Lithuanian personal code)",
  "account.identity.eidas": "Confirmed through eIDAS",
  "account.identity.eidasCountry": "Confirmed through eIDAS ({country})",
  "account.notGiven": "Not given",
  "account.phone.heading": "Phone number",
  "account.phone.open": "Enter a new phone number",
  "account.phone.current": "Current phone number",
  "account.phone.label": "New phone number",
  "account.phone.submit": "Change phone number",
  "account.phone.changed": "Your phone number has been changed.",
  "account.email.heading": "E-mail address",
  "account.email.open": "Enter a new e-mail address",
  "account.email.current": "Current e-mail",
  "account.email.label": "New e-mail address",
  "account.email.hint":
    "We will send a confirmation code to the new address. Your current address stays in use until you enter the code.",
  "account.email.hintNone":
    "You sign in through VIISP. An e-mail address here is only for notices about your account; we will " +
    "send a confirmation code to it.",
  "account.email.submit": "Send confirmation code",
  "account.email.pending": "Waiting for confirmation: {email}",
  "account.email.sent": "We have sent a confirmation code to {email}. Enter it below.",
  "account.email.codeLabel": "Confirmation code",
  "account.email.confirm": "Confirm",
  "account.email.resend": "Send the code again",
  "account.email.changed": "Your e-mail address has been changed. All your other sign-ins have been ended.",
  "account.linked": "Your account is now linked with VIISP. You can sign in to it either by e-mail or through VIISP.",
  "account.link.heading": "Confirm your identity through VIISP",
  "account.link.text":
    "If you have a personal code issued in Lithuania, or an electronic identity from another EU country (eIDAS), " +
    "link this account with VIISP. Your identity will be confirmed (level 3 user) and you will still have one " +
    "account: you can sign in to it either by e-mail or through VIISP.",
  "account.eidas": "eIDAS lets you prove who you are with an electronic ID issued in another EU country.",
  "account.link.names":
    "Linking replaces the given and family names you typed with the names VIISP gives. You cannot change " +
    "them back yourself: only migration staff can change names.",
  "account.link.sessions": "After linking, you will be signed out on your other devices.",
  "account.link.submit": "Link with VIISP",
  "account.sessions.heading": "Where you are signed in",
  "account.sessions.intro":
    "These are the sessions (sign-ins) to this account that are still active. If you do not recognise one, end it.",
  "account.sessions.loading": "Loading the list of sessions…",
  "account.sessions.failed": "The list of sessions could not be loaded.",
  "account.sessions.retry": "Try again",
  "account.sessions.current": "This device",
  "account.sessions.other": "Another device or browser",
  "account.sessions.opened": "Signed in",
  "account.sessions.lastSeen": "Last active",
  "account.sessions.browser": "Browser",
  "account.sessions.method": "Sign-in method",
  "account.sessions.method.email": "E-mail and temporary code",
  "account.sessions.method.viisp": "Through VIISP",
  "account.sessions.method.passkey": "Passkey",
  "account.sessions.method.other": "Another way",
  "account.sessions.end": "End this session",
  "account.sessions.signOut": "Sign out on this device",
  "account.sessions.signOutForget": "Sign out and forget this device",
  "account.sessions.ended": "The session has been ended. Whoever used it will have to sign in again.",
  "account.sessions.gone": "That session had already ended. The list has been updated.",
  "account.devices.heading": "Devices we remember",
  "account.devices.intro":
    "On a device we remember, you can still get a sign-in code " +
    "even if someone else asks for many codes to your address.",
  "account.devices.none": "We do not remember any of your devices.",
  "account.devices.unknown": "Unknown browser",
  "account.devices.browser": "{browser} on {system}",
  "account.devices.current": "This device",
  "account.devices.firstUsed": "First used",
  "account.devices.lastUsed": "Last used",
  "account.devices.forget": "Forget",
  "account.devices.forgotten": "The device has been forgotten.",
  "account.devices.gone": "That device had already been forgotten. The list has been updated.",
  "account.activity.heading": "Activity on your account",
  "account.activity.intro": "Sign-ins, changes and what migration staff did, with their reasons, newest first. If you see something you did not do, sign out everywhere and contact the Migration Department.",
  "account.activity.loading": "Loading your account's activity…",
  "account.activity.failed": "Your account's activity could not be loaded.",
  "account.activity.retry": "Try again",
  "account.activity.more": "Show earlier activity",
  "account.activity.none": "Nothing has happened on your account yet.",
  "account.activity.when": "When",
  "account.activity.by": "By",
  "account.activity.how": "How",
  "account.activity.browser": "Browser",
  "account.activity.network": "Network",
  "account.activity.reason": "Reason given by staff",
  "account.activity.reference": "Reference number",
  "account.activity.change": "from {before} to {after}",
  "account.activity.nothing": "—",
  "account.activity.actor.you": "You",
  "account.activity.actor.viisp": "You, through VIISP",
  "account.activity.actor.staff": "Migration staff",
  "account.activity.actor.system": "The system",
  "account.activity.method.email": "E-mail and temporary code",
  "account.activity.method.viisp": "Through VIISP",
  "account.activity.method.eidas": "Through eIDAS (VIISP)",
  "account.activity.method.passkey": "Passkey",
  "account.activity.field.given_name": "Given name(s)",
  "account.activity.field.family_name": "Family name(s)",
  "account.activity.field.phone_number": "Phone number",
  "account.activity.field.email": "E-mail address",
  "account.activity.field.level": "Level",
  "account.activity.field.identity": "Confirmed identity",
  "account.activity.field.sessions": "Sessions",
  "account.activity.field.passkeys": "Passkeys",
  "account.activity.level.1": "1 (identity not confirmed)",
  "account.activity.level.2": "2 (identity confirmed by staff)",
  "account.activity.level.3": "3 (identity confirmed through VIISP)",
  "account.activity.kind.signed_in": "Signed in",
  "account.activity.kind.profile_completed": "Contact details filled in",
  "account.activity.kind.contact_changed": "Contact details changed",
  "account.activity.kind.email_change_requested": "E-mail change requested (waiting for the code)",
  "account.activity.kind.passkey_added": "Passkey created",
  "account.activity.kind.passkey_removed": "Passkey removed",
  "account.activity.kind.identity_linked": "Linked to VIISP",
  "account.activity.kind.identity_unlinked": "VIISP link removed by staff",
  "account.activity.kind.session_ended": "A session was ended",
  "account.activity.kind.device_forgotten": "A device was forgotten",
  "account.activity.kind.sessions_ended": "All sessions ended by staff",
  "account.activity.kind.not_me_reported": "Reported as not you: everything was signed out",
  "account.activity.kind.staff_changed": "Changed by migration staff",
  "account.activity.kind.recovery_started": "Staff started moving your account to a new e-mail address",
  "account.activity.kind.recovery_confirmed": "The new e-mail address was confirmed",
  "account.activity.kind.recovery_cancelled": "Moving to a new e-mail address was cancelled",
  "account.activity.kind.recovery_completed": "Your account moved to the new e-mail address",
  "account.activity.kind.other": "Another change",
  "account.passkeys.heading": "Passkeys",
  "account.passkeys.intro":
    "With a passkey, you sign in with your face, fingerprint or passcode, without waiting for a code by " +
    "e-mail.",
  "account.passkeys.shared":
    "Do not create a passkey on a shared device. Anyone who can unlock the device could sign in to your " +
    "account.",
  "account.passkeys.create": "Create a passkey",
  "account.passkeys.createdAt": "Created",
  "account.passkeys.lastUsed": "Last used",
  "account.passkeys.notUsed": "Not used yet",
  "account.passkeys.rename": "Rename",
  "account.passkeys.remove": "Remove",
  "account.passkeys.nameLabel": "Passkey name",
  "account.passkeys.nameHint": "For example, My phone.",
  "account.passkeys.save": "Save",
  "account.passkeys.cancel": "Cancel",
  "account.passkeys.loadFailed": "The list of passkeys could not be loaded.",
  "account.passkeys.signInAgain": "Sign in again",
  "account.passkeys.created":
    "Your passkey has been created. Next time, sign in with your face, fingerprint or passcode.",
  "account.passkeys.renamed": "The passkey has been renamed.",
  "account.passkeys.removed": "The passkey “{name}” has been removed. It can no longer be used to sign in.",
  "account.passkeys.gone": "That passkey had already been removed. The list has been updated.",
  "account.passkeys.fresh":
    "For your safety, you can create or remove a passkey only within 10\u00a0minutes of signing in. Sign in " +
    "again, then try again.",
  "account.passkeys.tooMany": "You have as many passkeys as an account can have. First remove one you no longer use.",
  "account.passkeys.invalid": "The passkey could not be created. Please try again.",
  "account.passkeys.cancelled": "The passkey was not created. Try again when you are ready.",
  "account.passkeys.exists": "This device already has a passkey for your account. You can use it to sign in.",
  "account.passkeys.failed": "This browser could not create a passkey.",
  "account.passkeys.defaultName": "Passkey ({device})",
  "account.passkeys.defaultNameBare": "Passkey",
  "account.data.heading": "Your data",
  "account.data.intro": "Download one file with everything this sign-in service holds about you: your account, where you are signed in, the devices we remember, your passkeys, your account's activity and the changes migration staff made, with their reasons.",
  "account.data.introNoPasskeys": "Download one file with everything this sign-in service holds about you: your account, where you are signed in, the devices we remember, your account's activity and the changes migration staff made, with their reasons.",
  "account.data.download": "Download my data",
  "account.data.saved": "Your data has been saved as a file in your downloads.",
  "account.data.fresh": "For your safety, you can download your data only within 10\u00a0minutes of signing in. Sign in again, then try again.",
  "account.erase.heading": "Delete your account",
  "account.erase.intro": "Deleting your account signs you out everywhere and removes your contact details, your sessions, the devices we remember, your passkeys and your account's activity. You can later sign in with the same address again: that creates a new, empty account.",
  "account.erase.introNoPasskeys": "Deleting your account signs you out everywhere and removes your contact details, your sessions, the devices we remember and your account's activity. You can later sign in with the same address again: that creates a new, empty account.",
  "account.erase.kept": "The record of changes migration staff made to your account is kept as the law requires, without your name or address.",
  "account.erase.start": "Delete my account",
  "account.erase.confirmText": "Do you really want to delete your account? This cannot be undone.",
  "account.erase.confirm": "Yes, delete my account",
  "account.erase.fresh": "For your safety, you can delete your account only within 10\u00a0minutes of signing in. Sign in again, then try again.",
  "account.erase.recoveryPending": "Your account cannot be deleted while a recovery of its e-mail address is under way.",
  "account.erase.done": "Your account has been deleted and you have been signed out. We have sent a confirmation to your e-mail address.",

  "viispError.title": "Sign-in through VIISP failed",
  "viispError.invalid_ticket":
    "The sign-in through VIISP could not be completed: it has expired, was already used or was started in " +
    "another browser. Please start the sign-in again.",
  "viispError.invalid_ticket.lithuanian_eid":
    "This eID was issued in Lithuania, so it cannot be used to sign in through eIDAS. Sign in through VIISP " +
    "with a Lithuanian means instead: e-banking, Smart\u2011ID, a mobile e-signature or an identity card. No account " +
    "has been created.",
  "viispError.viisp_unavailable":
    "The State Information Resources Interoperability Platform (VIISP) is not responding at the moment. " +
    "Please try again in a few minutes.",
  "viispError.origin_mismatch":
    "The sign-in request did not come from the MIGRIS or VIISP pages. Please start the sign-in again.",
  "viispError.edit_conflict": "The account was being changed at the same moment, so nothing was done. Please try again.",
  "viispError.unknown": "The sign-in through VIISP could not be completed. Please start the sign-in again.",
  "viispError.retry": "Try signing in through VIISP again",
  "viispError.back": "Back to the sign-in page",
  "viispError.linkTitle": "Linking with VIISP failed",
  "viispError.identity_in_use":
    "The identity confirmed through VIISP already has its own MIGRIS account, so it has not been linked to this one. " +
    "Nothing has been merged: both accounts are as they were.",
  "viispError.identity_in_use.next":
    "To use that account, sign in through VIISP. If both accounts are yours and you want them " +
    "combined, contact migration staff.",
  "viispError.already_linked":
    "This account already has a confirmed identity, so it cannot be linked with VIISP " +
    "again. Nothing has been changed.",
  "viispError.unauthenticated":
    "Your session had ended, so the account was not linked with VIISP. Sign in again and " +
    "link it from your account page.",
  "viispError.profile_incomplete":
    "Fill in your contact details first. Then you can link the account with VIISP from your account page.",
  "viispError.fresh_sign_in_required":
    "For your safety, linking with VIISP can be started only within 10\u00a0minutes of signing in, so the " +
    "account has not been linked.",
  "viispError.fresh_sign_in_required.next": "Sign in again, then link the account from your account page.",
  "viispError.account": "Back to my account",
  "viispError.signInViisp": "Sign in through VIISP",
  "viispError.signInAgain": "Sign in again",

  "notMe.ready.title": "Secure your account",
  "notMe.ready.text":
    "If you did not do what the e-mail describes, press the button: we sign out every device, remove any passkey created since then and cancel any change of your e-mail address.",
  "notMe.ready.submit": "This was not me — secure my account",
  "notMe.done.title": "Your account has been secured",
  "notMe.done.text":
    "We signed out every device, removed any passkey created since then and cancelled any change of your e-mail address.",
  "notMe.done.reference": "If you contact the Migration Department, give them this reference number: {reference}",
  "notMe.done.signIn": "Sign in again",
  "notMe.refused.title": "This link does not work",
  "notMe.refused.text": "This link has already been used or is more than 7 days old.",
  "notMe.refused.signIn": "Sign in",

  "recoveryConfirm.ready.title": "Confirm your new e-mail address",
  "recoveryConfirm.ready.text":
    "Migration Department staff started moving your account to this e-mail address. Press the button to confirm " +
    "it: after a waiting period you will sign in with this address, and every earlier session will end.",
  "recoveryConfirm.ready.submit": "Confirm this address",
  "recoveryConfirm.done.title": "Your new address is confirmed",
  "recoveryConfirm.done.text":
    "The waiting period has started. When it ends, sign in with this address; we will send you an e-mail then.",
  "recoveryConfirm.done.signIn": "Go to sign in",
  "recoveryConfirm.refused.title": "This link does not work",
  "recoveryConfirm.refused.text": "This link has already been used or is too old, or the change was cancelled.",
  "recoveryConfirm.refused.signIn": "Sign in",
  "recoveryCancel.ready.title": "Stop the change of your e-mail address",
  "recoveryCancel.ready.text":
    "Migration Department staff started moving your account to another e-mail address. If you did not ask for " +
    "this, press the button: the change is cancelled and your account stays with this address.",
  "recoveryCancel.ready.submit": "Cancel the change",
  "recoveryCancel.done.title": "The change was cancelled",
  "recoveryCancel.done.text": "Your account stays with this e-mail address. Nothing else was changed.",
  "recoveryCancel.done.signIn": "Sign in",
  "recoveryCancel.refused.title": "This link does not work",
  "recoveryCancel.refused.text":
    "The change was cancelled already or has been completed. If you did not ask for it, contact the Migration " +
    "Department.",
  "recoveryCancel.refused.signIn": "Sign in",

  "error.network": "Could not reach the server. Check your internet connection and try again.",
  "error.server": "Something went wrong. Please try again later.",
  "error.mailUnavailable": "The code could not be sent just now. Nothing was counted: try again in a minute.",
  "error.check": "Please check the details you entered.",
  "error.origin": "The request did not come from the MIGRIS pages. Reload the page and try again.",
  "error.conflict": "Your account was changed elsewhere at the same time. Please try again.",
  "error.namesLocked": "Given and family names can be changed only by migration staff.",
  "error.emailTaken": "This e-mail address is already used by another account. The change has been cancelled.",
  "error.recoveryPending":
    "A change of this account's e-mail address by the Migration Department is under way. Try again when it has " +
    "been completed or cancelled.",
  "error.invalidCode": "The code is wrong or no longer valid. Check the code or ask for a new one.",
  "error.codeUsedUp": "A wrong code was entered too many times, so this code no longer works. Ask for a new code below.",
  "error.codeExpired": "This code has expired. Ask for a new code below.",
  "error.locked":
    "A wrong code was entered too many times. Signing in with this e-mail address is temporarily locked. " +
    "Try again in {time} (at about {clock}).",
  "error.lockedChange": "A wrong code was entered too many times. Try again in {time} (at about {clock}).",
  "error.cooldown": "A code was just sent to this address. You can ask for a new code in {time}.",
  "error.cooldownChange": "A code to confirm a new e-mail address was sent to this address a moment ago. You can ask for a sign-in code in {time}.",
  "error.edge": "Too many sign-ins from your network. Try again in {time}.",
  "error.tooMany":
    "Too many codes have been sent to this e-mail address. You can ask for a new code in {time} (at about {clock}).",

  "field.required.email": "Enter your e-mail address.",
  "field.invalid.email": "Enter a valid e-mail address, for example name@example.com.",
  "field.notAscii.email":
    "Before the @, use only Latin letters without accents (a–z), digits and the signs . _ - +. We cannot send mail to an address with other characters there.",
  "field.noMail.email":
    "This domain (the part of the address after the @) cannot receive e-mail. Check that it is spelled correctly.",
  "field.same.email": "This is your current e-mail address. Enter a new address.",
  "field.tooLong": "Too long: at most {max} characters.",
  "field.required.given_name": "Enter your given name(s).",
  "field.required.family_name": "Enter your family name(s).",
  "field.invalid.name": "Use only letters, spaces, hyphens and apostrophes, starting with a letter.",
  "field.invisible.name": "Remove invisible characters: a name must consist of visible letters.",
  "field.styled.name": "Use ordinary letters, not styled letters, ligatures or symbols.",
  "field.marks.name": "A letter can carry at most {max} accents or other marks.",
  "field.required.phone_number": "Enter your phone number.",
  "field.invalid.phone_number": "Enter a valid phone number with the country code, for example +370 612 34567.",
  "field.required.code": "Enter the code from the e-mail.",
  "field.invalid.code": "The code contains digits only.",
  "field.invalid.other": "Please check this field.",
  "field.required.passkeyName": "Enter a name for the passkey.",
  "field.invalid.passkeyName": "A name can have at most 64 characters, all of them visible.",
};

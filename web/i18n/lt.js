// Lietuvių kalba (numatytoji). Raktai tie patys visuose keturiuose failuose; {vardas} – įterpiama reikšmė,
// objektas {one, few, many, other} – daugiskaitos formos pagal Intl.PluralRules("lt").
export default {
  "app.tagline": "Elektroninės migracijos paslaugos",
  "app.skip": "Pereiti prie pagrindinio turinio",
  "app.language": "Kalba",
  "app.signOut": "Atsijungti",
  "app.footer.org": "Migracijos departamentas prie Lietuvos Respublikos vidaus reikalų ministerijos",
  "app.footer.service": "MIGRIS – elektroninės migracijos paslaugos",
  "app.loading": "Įkeliama…",
  "app.required": "Žvaigždute (*) pažymėtus laukus užpildyti privaloma.",
  "app.counter": "Įvesta simbolių:",
  "app.errorPrefix": "Klaida:",
  "app.successPrefix": "Atlikta:",

  "time.seconds": "{n} s",
  "time.minutes": "{m} min.",
  "time.minutesSeconds": "{m} min. {s} s",
  "time.hoursMinutes": "{h} val. {m} min.",

  "signin.title": "Prisijungimas",
  "signin.signedIn.title": "Jūs prisijungę",
  "signin.intro": "Pasirinkite, kaip norite prisijungti.",
  "signin.banner.newTab": "(atsidaro naujoje kortelėje)",
  "app.contact.link": "Migracijos departamento kontaktai",
  "signin.email.heading": "Naudokite šį prisijungimą, jei neturite Lietuvoje suteikto asmens kodo",
  "signin.email.text":
    "Prisijungus el.\u00a0paštu sukuriama 1 lygio neidentifikuoto naudotojo paskyra: jūsų tapatybė nebus patvirtinta, " +
    "kol jos nepatvirtins migracijos tarnybos darbuotojai. Laikiną prisijungimo kodą atsiųsime nurodytu el.\u00a0pašto adresu.",
  "signin.email.label": "El.\u00a0paštas",
  "signin.email.hint": "Pvz., vardas.pavarde@pastas.lt",
  "signin.submit": "Prisijungti",
  "signin.viisp.heading": "Naudokite šį prisijungimą, jei turite Lietuvoje suteiktą asmens kodą",
  "signin.viisp.name": "Valstybės informacinių išteklių sąveikumo platforma (VIISP)",
  "signin.viisp.text":
    "Prisijungimui naudokite elektroninę bankininkystę, asmens tapatybės kortelę arba mobilųjį elektroninį parašą. " +
    "Jūsų tapatybė bus patvirtinta (3 lygio naudotojas).",
  "signin.signedOut": "Jūs atsijungėte.",
  "signin.signedOutForgot": "Jūs atsijungėte. Šis įrenginys pamirštas.",
  "signin.expired": "Jūsų sesija baigėsi. Prisijunkite iš naujo.",
  "signin.endedElsewhere": "Jūs nebeprisijungę: jūsų sesija baigta kitame įrenginyje arba baigėsi jos laikas. Prisijunkite iš naujo.",
  "signin.already": "Jūs jau prisijungę. Jei norite prisijungti kitu būdu ar kitu el.\u00a0pašto adresu, pirmiausia atsijunkite.",
  "signin.passkey.heading": "Sukūrėte prieigos raktą?",
  "signin.passkey.text":
    "Prisijunkite veidu, piršto atspaudu arba įrenginio atrakinimo kodu. El.\u00a0pašto adreso įvesti " +
    "nereikia.",
  "signin.passkey.submit": "Prisijungti prieigos raktu",
  "signin.passkey.cancelled":
    "Prisijungimas prieigos raktu nebaigtas. Bandykite dar kartą arba toliau pasirinkite kitą " +
    "prisijungimo būdą.",
  "signin.passkey.failed": "Ši naršyklė negali naudoti prieigos rakto. Toliau pasirinkite kitą prisijungimo būdą.",
  "signin.passkey.refused":
    "Šiuo prieigos raktu prisijungti nepavyko. Galbūt jis pašalintas iš jūsų paskyros. Toliau pasirinkite " +
    "kitą prisijungimo būdą.",

  "code.title": "Prisijungimo kodas",
  "code.address": "Jūsų el.\u00a0pašto adresas: {email}",
  "code.attention": "Dėmesio!",
  "code.sameAddress": "Prisijungimui naudokite tą patį el.\u00a0pašto adresą.",
  "code.sent": "Laikiną prisijungimo kodą išsiuntėme jūsų el.\u00a0pašto adresu. Įveskite jį žemiau.",
  "code.label": "Laikinas kodas",
  "code.hint": {
    one: "Kodą sudaro {n} skaitmuo.",
    few: "Kodą sudaro {n} skaitmenys.",
    many: "Kodą sudaro {n} skaitmens.",
    other: "Kodą sudaro {n} skaitmenų.",
  },
  "code.submit": "Toliau",
  "code.validity": {
    one: "Prisijungimo kodas galioja {n} minutę. Jei laiško nematote, patikrinkite nepageidaujamų laiškų (šlamšto) aplanką.",
    few: "Prisijungimo kodas galioja {n} minutes. Jei laiško nematote, patikrinkite nepageidaujamų laiškų (šlamšto) aplanką.",
    many: "Prisijungimo kodas galioja {n} minutės. Jei laiško nematote, patikrinkite nepageidaujamų laiškų (šlamšto) aplanką.",
    other: "Prisijungimo kodas galioja {n} minučių. Jei laiško nematote, patikrinkite nepageidaujamų laiškų (šlamšto) aplanką.",
  },
  "code.resend": "Siųsti naują kodą",
  "code.resendWait": "Po {time} galėsite gauti naują kodą.",
  "code.resendReady": "Negavote laiško? Galite paprašyti naujo kodo.",
  "code.resendSpent": "Paprašykite naujo kodo – atsiųsime jį tuo pačiu adresu.",
  "code.resent": "Naujas kodas išsiųstas. Ankstesnis kodas nebegalioja.",
  "code.otherAddress": "Naudoti kitą el.\u00a0pašto adresą",
  "code.accepted": "Šis kodas priimtas: jūs prisijungėte. Kodas galioja tik vieną kartą, todėl jo įvesti dar kartą nereikia.",
  "signedIn.toContact": "Pereiti prie kontaktinių duomenų",
  "signedIn.toAccount": "Eiti į paskyrą",
  "signedIn.restart": "Atsijungti ir pradėti iš naujo",
  "shared.label": "Tai bendro naudojimo kompiuteris",
  "shared.hint": "Šio kompiuterio neįsiminsime. Baigę atsijunkite.",

  "contact.title": "Kontaktiniai duomenys",
  "contact.intro": "Jungiatės pirmą kartą. Nurodykite savo kontaktinius duomenis.",
  "contact.introViisp": "Jungiatės pirmą kartą. Vardą ir pavardę gavome iš VIISP, nurodykite trūkstamus duomenis.",
  "contact.given": "Vardas (-ai)",
  "contact.family": "Pavardė (-ės)",
  "contact.namesHint":
    "Rašykite lotyniškomis raidėmis, tiksliai taip, kaip vardas ir pavardė įrašyti lotyniškoje jūsų " +
    "paso ar kito kelionės dokumento eilutėje.",
  "contact.namesExample": "Pavyzdžiui: Olena Kovalenko, o ne Олена Коваленко.",
  "contact.phone": "Telefono Nr.",
  "contact.phoneHint": "Su šalies kodu, pvz., +370\u00a0612\u00a034567.",
  "contact.fromViisp": "Vardas ir pavardė gauti iš VIISP.",
  "contact.warning":
    "Vardą (-us) ir pavardę (-es) vėliau pakeisti galės tik migracijos tarnybos darbuotojai Lietuvoje ir " +
    "Lietuvos Respublikos diplomatinėse atstovybėse bei konsulinėse įstaigose užsienyje.",
  "contact.submit": "Toliau",

  "account.title": "Mano paskyra",
  "account.saved": "Kontaktiniai duomenys išsaugoti.",
  "account.person": "Asmens duomenys",
  "account.namesNote":
    "Vardą (-us) ir pavardę (-es) pakeisti gali tik migracijos tarnybos darbuotojai Lietuvoje ir " +
    "Lietuvos Respublikos diplomatinėse atstovybėse bei konsulinėse įstaigose užsienyje.",
  "account.level": "Naudotojo lygis",
  "account.level.1": "1 lygio neidentifikuotas naudotojas",
  "account.level.1.note": "Jūsų tapatybė nepatvirtinta. Ją gali patvirtinti migracijos tarnybos darbuotojai.",
  "account.level.2": "2 lygio naudotojas: tapatybę patvirtino migracijos tarnybos darbuotojai",
  "account.level.3": "3 lygio naudotojas: tapatybė patvirtinta per VIISP",
  "account.method": "Prisijungimo būdas",
  "account.method.email": "El.\u00a0paštu ir laikinu kodu",
  "account.method.viisp": "Per VIISP",
  "account.method.both": "El.\u00a0paštu ir laikinu kodu arba per VIISP",
  "account.identity": "Tapatybė",
  "account.identity.none": "Nepatvirtinta (prisijungiate el.\u00a0paštu)",
  "account.identity.staff": "Patvirtinta migracijos tarnybos darbuotojų",
  "account.identity.viisp": "Patvirtinta per VIISP",
  "account.identity.personalCode": "Patvirtinta per VIISP (Lietuvos asmens kodas)",
  "account.identity.eidas": "Patvirtinta per eIDAS",
  "account.identity.eidasCountry": "Patvirtinta per eIDAS ({country})",
  "account.notGiven": "Nenurodyta",
  "account.phone.heading": "Telefono numeris",
  "account.phone.open": "Įvesti naują telefono numerį",
  "account.phone.current": "Dabartinis telefono Nr.",
  "account.phone.label": "Naujas telefono Nr.",
  "account.phone.submit": "Keisti telefono numerį",
  "account.phone.changed": "Telefono numeris pakeistas.",
  "account.email.heading": "El.\u00a0pašto adresas",
  "account.email.open": "Įvesti naują el.\u00a0pašto adresą",
  "account.email.current": "Dabartinis el.\u00a0paštas",
  "account.email.label": "Naujas el.\u00a0pašto adresas",
  "account.email.hint": "Naujuoju adresu atsiųsime patvirtinimo kodą. Dabartinis adresas galios, kol įvesite kodą.",
  "account.email.hintNone":
    "Jungiatės per VIISP. El.\u00a0pašto adresas čia skirtas tik pranešimams apie jūsų paskyrą; juo atsiųsime " +
    "patvirtinimo kodą.",
  "account.email.submit": "Siųsti patvirtinimo kodą",
  "account.email.pending": "Laukiama patvirtinimo: {email}",
  "account.email.sent": "Patvirtinimo kodą išsiuntėme adresu {email}. Įveskite jį žemiau.",
  "account.email.codeLabel": "Patvirtinimo kodas",
  "account.email.confirm": "Patvirtinti",
  "account.email.resend": "Siųsti kodą dar kartą",
  "account.email.changed": "El.\u00a0pašto adresas pakeistas. Visi kiti jūsų prisijungimai baigti.",
  "account.linked": "Paskyra susieta su VIISP. Prie jos galite prisijungti ir el.\u00a0paštu, ir per VIISP.",
  "account.link.heading": "Patvirtinkite tapatybę per VIISP",
  "account.link.text":
    "Jei turite Lietuvoje suteiktą asmens kodą arba kitos ES valstybės elektroninės atpažinties priemonę (eIDAS), " +
    "susiekite šią paskyrą su VIISP. Jūsų tapatybė bus patvirtinta (3 lygio naudotojas), o paskyra liks viena: prie " +
    "jos galėsite prisijungti ir el.\u00a0paštu, ir per VIISP.",
  "account.eidas":
    "eIDAS – tai būdas patvirtinti savo tapatybę kitos ES šalies išduota elektronine atpažinties " +
    "priemone.",
  "account.link.names":
    "Susiejus paskyrą, jūsų įrašyti vardas ir pavardė bus pakeisti tais, kuriuos pateiks VIISP. Patys jų " +
    "atgal pakeisti negalėsite: vardą ir pavardę keisti gali tik migracijos darbuotojai.",
  "account.link.sessions": "Susiejus paskyrą, kituose įrenginiuose būsite atjungti.",
  "account.link.submit": "Susieti su VIISP",
  "account.sessions.heading": "Kur esate prisijungę",
  "account.sessions.intro":
    "Čia matote visas dar aktyvias prisijungimo prie šios paskyros sesijas. Jei kurios " +
    "nors neatpažįstate, ją baikite.",
  "account.sessions.loading": "Įkeliamas sesijų sąrašas…",
  "account.sessions.failed": "Nepavyko įkelti sesijų sąrašo.",
  "account.sessions.retry": "Bandyti dar kartą",
  "account.sessions.current": "Šis įrenginys",
  "account.sessions.other": "Kitas įrenginys ar naršyklė",
  "account.sessions.opened": "Prisijungta",
  "account.sessions.lastSeen": "Paskutinį kartą aktyvi",
  "account.sessions.browser": "Naršyklė",
  "account.sessions.method": "Prisijungimo būdas",
  "account.sessions.method.email": "El.\u00a0paštu ir laikinu kodu",
  "account.sessions.method.viisp": "Per VIISP",
  "account.sessions.method.passkey": "Prieigos raktu",
  "account.sessions.method.other": "Kitu būdu",
  "account.sessions.end": "Baigti šią sesiją",
  "account.sessions.signOut": "Atsijungti šiame įrenginyje",
  "account.sessions.signOutForget": "Atsijungti ir pamiršti šį įrenginį",
  "account.sessions.ended": "Sesija baigta. Ja naudojęsis asmuo turės prisijungti iš naujo.",
  "account.sessions.gone": "Ši sesija jau buvo pasibaigusi. Sąrašas atnaujintas.",
  "account.devices.heading": "Įsiminti įrenginiai",
  "account.devices.intro":
    "Įsimintame įrenginyje prisijungimo kodą galėsite gauti, " +
    "net jei kas nors kitas prašytų daug kodų jūsų el.\u00a0pašto adresu.",
  "account.devices.none": "Neįsiminėme nė vieno jūsų įrenginio.",
  "account.devices.unknown": "Nežinoma naršyklė",
  "account.devices.browser": "{browser}, {system}",
  "account.devices.current": "Šis įrenginys",
  "account.devices.firstUsed": "Pirmą kartą naudotas",
  "account.devices.lastUsed": "Paskutinį kartą naudotas",
  "account.devices.forget": "Pamiršti",
  "account.devices.forgotten": "Įrenginys pamirštas.",
  "account.devices.gone": "Šis įrenginys jau buvo pamirštas. Sąrašas atnaujintas.",
  "account.activity.heading": "Veikla jūsų paskyroje",
  "account.activity.intro": "Prisijungimai, pakeitimai ir ką padarė migracijos darbuotojai, su jų nurodytomis priežastimis; naujausi viršuje. Jei matote ką nors, ko nedarėte, atsijunkite visur ir kreipkitės į Migracijos departamentą.",
  "account.activity.loading": "Įkeliama paskyros veikla…",
  "account.activity.failed": "Paskyros veiklos įkelti nepavyko.",
  "account.activity.retry": "Bandyti dar kartą",
  "account.activity.more": "Rodyti ankstesnę veiklą",
  "account.activity.none": "Jūsų paskyroje dar nieko neįvyko.",
  "account.activity.when": "Kada",
  "account.activity.by": "Kas",
  "account.activity.how": "Kaip",
  "account.activity.browser": "Naršyklė",
  "account.activity.network": "Tinklas",
  "account.activity.reason": "Darbuotojo nurodyta priežastis",
  "account.activity.reference": "Pranešimo numeris",
  "account.activity.change": "iš {before} į {after}",
  "account.activity.nothing": "—",
  "account.activity.actor.you": "Jūs",
  "account.activity.actor.viisp": "Jūs, per VIISP",
  "account.activity.actor.staff": "Migracijos darbuotojas",
  "account.activity.actor.system": "Sistema",
  "account.activity.method.email": "El.\u00a0paštas ir laikinas kodas",
  "account.activity.method.viisp": "Per VIISP",
  "account.activity.method.eidas": "Per eIDAS (VIISP)",
  "account.activity.method.passkey": "Prieigos raktas",
  "account.activity.field.given_name": "Vardas (-ai)",
  "account.activity.field.family_name": "Pavardė (-ės)",
  "account.activity.field.phone_number": "Telefono numeris",
  "account.activity.field.email": "El.\u00a0pašto adresas",
  "account.activity.field.level": "Lygis",
  "account.activity.field.identity": "Patvirtinta tapatybė",
  "account.activity.field.sessions": "Prisijungimai",
  "account.activity.field.passkeys": "Prieigos raktai",
  "account.activity.level.1": "1 (tapatybė nepatvirtinta)",
  "account.activity.level.2": "2 (tapatybę patvirtino darbuotojas)",
  "account.activity.level.3": "3 (tapatybė patvirtinta per VIISP)",
  "account.activity.kind.signed_in": "Prisijungta",
  "account.activity.kind.profile_completed": "Užpildyti kontaktiniai duomenys",
  "account.activity.kind.contact_changed": "Pakeisti kontaktiniai duomenys",
  "account.activity.kind.email_change_requested": "Paprašyta pakeisti el.\u00a0pašto adresą (laukiama kodo)",
  "account.activity.kind.passkey_added": "Sukurtas prieigos raktas",
  "account.activity.kind.passkey_removed": "Pašalintas prieigos raktas",
  "account.activity.kind.identity_linked": "Susieta su VIISP",
  "account.activity.kind.identity_unlinked": "Darbuotojas panaikino susiejimą su VIISP",
  "account.activity.kind.session_ended": "Baigtas prisijungimas",
  "account.activity.kind.device_forgotten": "Pamirštas įrenginys",
  "account.activity.kind.sessions_ended": "Darbuotojas baigė visus prisijungimus",
  "account.activity.kind.not_me_reported": "Pranešta, kad tai buvote ne jūs: visi prisijungimai baigti",
  "account.activity.kind.staff_changed": "Pakeitė migracijos darbuotojas",
  "account.activity.kind.recovery_started": "Darbuotojas pradėjo perkelti paskyrą į naują el.\u00a0pašto adresą",
  "account.activity.kind.recovery_confirmed": "Naujas el.\u00a0pašto adresas patvirtintas",
  "account.activity.kind.recovery_cancelled": "Perkėlimas į naują el.\u00a0pašto adresą atšauktas",
  "account.activity.kind.recovery_completed": "Paskyra perkelta į naują el.\u00a0pašto adresą",
  "account.activity.kind.other": "Kitas pakeitimas",
  "account.passkeys.heading": "Prieigos raktai",
  "account.passkeys.intro":
    "Su prieigos raktu prisijungsite veidu, piršto atspaudu arba įrenginio atrakinimo kodu – nelaukdami " +
    "kodo el.\u00a0paštu.",
  "account.passkeys.shared":
    "Nekurkite prieigos rakto bendro naudojimo įrenginyje. Kiekvienas, galintis atrakinti įrenginį, " +
    "galėtų prisijungti prie jūsų paskyros.",
  "account.passkeys.create": "Sukurti prieigos raktą",
  "account.passkeys.createdAt": "Sukurtas",
  "account.passkeys.lastUsed": "Paskutinį kartą naudotas",
  "account.passkeys.notUsed": "Dar nenaudotas",
  "account.passkeys.rename": "Pervadinti",
  "account.passkeys.remove": "Pašalinti",
  "account.passkeys.nameLabel": "Prieigos rakto pavadinimas",
  "account.passkeys.nameHint": "Pavyzdžiui, Mano telefonas.",
  "account.passkeys.save": "Išsaugoti",
  "account.passkeys.cancel": "Atšaukti",
  "account.passkeys.loadFailed": "Nepavyko įkelti prieigos raktų sąrašo.",
  "account.passkeys.signInAgain": "Prisijungti iš naujo",
  "account.passkeys.created":
    "Prieigos raktas sukurtas. Kitą kartą prisijunkite veidu, piršto atspaudu arba įrenginio atrakinimo " +
    "kodu.",
  "account.passkeys.renamed": "Prieigos raktas pervadintas.",
  "account.passkeys.removed": "Prieigos raktas „{name}“ pašalintas. Juo prisijungti nebegalima.",
  "account.passkeys.gone": "Šis prieigos raktas jau buvo pašalintas. Sąrašas atnaujintas.",
  "account.passkeys.fresh":
    "Jūsų saugumui prieigos raktą sukurti ar pašalinti galima tik per 10\u00a0minučių nuo prisijungimo. " +
    "Prisijunkite iš naujo ir bandykite dar kartą.",
  "account.passkeys.tooMany":
    "Turite tiek prieigos raktų, kiek leidžiama vienai paskyrai. Pirmiausia pašalinkite nebenaudojamą.",
  "account.passkeys.invalid": "Prieigos rakto sukurti nepavyko. Bandykite dar kartą.",
  "account.passkeys.cancelled": "Prieigos raktas nesukurtas. Bandykite dar kartą, kai būsite pasiruošę.",
  "account.passkeys.exists": "Šiame įrenginyje jau yra jūsų paskyros prieigos raktas. Juo galite prisijungti.",
  "account.passkeys.failed": "Ši naršyklė negali sukurti prieigos rakto.",
  "account.passkeys.defaultName": "Prieigos raktas ({device})",
  "account.passkeys.defaultNameBare": "Prieigos raktas",
  "account.data.heading": "Jūsų duomenys",
  "account.data.intro": "Atsisiųskite vieną failą su viskuo, ką ši prisijungimo paslauga saugo apie jus: paskyra, kur esate prisijungę, įsiminti įrenginiai, prieigos raktai, paskyros veikla ir migracijos darbuotojų atlikti pakeitimai su jų priežastimis.",
  "account.data.introNoPasskeys": "Atsisiųskite vieną failą su viskuo, ką ši prisijungimo paslauga saugo apie jus: paskyra, kur esate prisijungę, įsiminti įrenginiai, paskyros veikla ir migracijos darbuotojų atlikti pakeitimai su jų priežastimis.",
  "account.data.download": "Atsisiųsti mano duomenis",
  "account.data.saved": "Jūsų duomenys įrašyti į failą atsisiuntimų aplanke.",
  "account.data.fresh": "Saugumo sumetimais duomenis atsisiųsti galima tik per 10\u00a0minučių nuo prisijungimo. Prisijunkite iš naujo ir bandykite dar kartą.",
  "account.erase.heading": "Paskyros ištrynimas",
  "account.erase.intro": "Ištrynus paskyrą, būsite atjungti visur, o jūsų kontaktiniai duomenys, prisijungimai, įsiminti įrenginiai, prieigos raktai ir paskyros veikla bus pašalinti. Vėliau galėsite vėl prisijungti tuo pačiu adresu – tada bus sukurta nauja, tuščia paskyra.",
  "account.erase.introNoPasskeys": "Ištrynus paskyrą, būsite atjungti visur, o jūsų kontaktiniai duomenys, prisijungimai, įsiminti įrenginiai ir paskyros veikla bus pašalinti. Vėliau galėsite vėl prisijungti tuo pačiu adresu – tada bus sukurta nauja, tuščia paskyra.",
  "account.erase.kept": "Migracijos darbuotojų atliktų paskyros pakeitimų įrašai saugomi, kaip reikalauja įstatymai, tačiau be jūsų vardo ir adreso.",
  "account.erase.start": "Ištrinti mano paskyrą",
  "account.erase.confirmText": "Ar tikrai norite ištrinti savo paskyrą? Šio veiksmo atšaukti negalima.",
  "account.erase.confirm": "Taip, ištrinti mano paskyrą",
  "account.erase.fresh": "Saugumo sumetimais paskyrą ištrinti galima tik per 10\u00a0minučių nuo prisijungimo. Prisijunkite iš naujo ir bandykite dar kartą.",
  "account.erase.recoveryPending": "Paskyros ištrinti negalima, kol atkuriamas jos el.\u00a0pašto adresas.",
  "account.erase.done": "Jūsų paskyra ištrinta, o jūs atjungti. Patvirtinimą išsiuntėme jūsų el.\u00a0pašto adresu.",

  "viispError.title": "Nepavyko prisijungti per VIISP",
  "viispError.invalid_ticket":
    "Prisijungimo per VIISP nepavyko užbaigti: jis nebegalioja, jau panaudotas arba pradėtas kitoje naršyklėje. " +
    "Pradėkite prisijungimą iš naujo.",
  "viispError.invalid_ticket.lithuanian_eid":
    "Ši elektroninė atpažinties priemonė išduota Lietuvoje, todėl ja negalima prisijungti per eIDAS. Prisijunkite " +
    "per VIISP lietuviška priemone: elektronine bankininkyste, Smart\u2011ID, mobiliuoju elektroniniu parašu arba " +
    "asmens tapatybės kortele. Paskyra nesukurta.",
  "viispError.viisp_unavailable":
    "Valstybės informacinių išteklių sąveikumo platforma (VIISP) šiuo metu neatsako. Bandykite dar kartą po kelių minučių.",
  "viispError.origin_mismatch":
    "Prisijungimo užklausa atėjo ne iš MIGRIS ar VIISP puslapio. Pradėkite prisijungimą iš naujo.",
  "viispError.edit_conflict": "Paskyra tuo pat metu buvo keičiama, todėl nieko nepadaryta. Bandykite dar kartą.",
  "viispError.unknown": "Prisijungimo per VIISP nepavyko užbaigti. Pradėkite prisijungimą iš naujo.",
  "viispError.retry": "Bandyti prisijungti per VIISP dar kartą",
  "viispError.back": "Grįžti į prisijungimo puslapį",
  "viispError.linkTitle": "Nepavyko susieti su VIISP",
  "viispError.identity_in_use":
    "Per VIISP patvirtinta tapatybė jau turi savo MIGRIS paskyrą, todėl su šia paskyra ji nesusieta. Niekas " +
    "nesujungta: abi paskyros liko tokios, kokios buvo.",
  "viispError.identity_in_use.next":
    "Norėdami naudotis ta paskyra, prisijunkite per VIISP. Jei abi paskyros jūsų ir norite jas sujungti, kreipkitės " +
    "į migracijos tarnybos darbuotojus.",
  "viispError.already_linked":
    "Šiai paskyrai jau priskirta patvirtinta tapatybė, todėl paskyros dar kartą susieti su " +
    "VIISP negalima. Niekas nepakeista.",
  "viispError.unauthenticated":
    "Jūsų sesija buvo pasibaigusi, todėl paskyra su VIISP nesusieta. Prisijunkite iš naujo ir " +
    "susiekite ją savo paskyros puslapyje.",
  "viispError.profile_incomplete":
    "Pirmiausia nurodykite savo kontaktinius duomenis. Tada paskyrą su VIISP galėsite " +
    "susieti savo paskyros puslapyje.",
  "viispError.fresh_sign_in_required":
    "Jūsų saugumui susieti su VIISP galima tik per 10\u00a0minučių nuo prisijungimo, todėl paskyra nesusieta.",
  "viispError.fresh_sign_in_required.next": "Prisijunkite iš naujo ir paskyros puslapyje susiekite ją su VIISP.",
  "viispError.account": "Grįžti į paskyrą",
  "viispError.signInViisp": "Prisijungti per VIISP",
  "viispError.signInAgain": "Prisijungti iš naujo",

  "notMe.ready.title": "Apsaugokite savo paskyrą",
  "notMe.ready.text":
    "Jei to, apie ką pranešta laiške, nedarėte jūs, paspauskite mygtuką: atjungsime visus įrenginius nuo jūsų paskyros, pašalinsime nuo tada sukurtus prieigos raktus ir atšauksime el.\u00a0pašto adreso keitimą, jei jis pradėtas.",
  "notMe.ready.submit": "Tai ne aš – apsaugoti mano paskyrą",
  "notMe.done.title": "Jūsų paskyra apsaugota",
  "notMe.done.text":
    "Atjungėme visus įrenginius nuo jūsų paskyros, pašalinome nuo tada sukurtus prieigos raktus ir atšaukėme el.\u00a0pašto adreso keitimą, jei jis buvo pradėtas.",
  "notMe.done.reference": "Jei kreipsitės į Migracijos departamentą, nurodykite šio pranešimo numerį: {reference}",
  "notMe.done.signIn": "Prisijungti iš naujo",
  "notMe.refused.title": "Ši nuoroda neveikia",
  "notMe.refused.text": "Ši nuoroda jau panaudota arba baigėsi jos galiojimo laikas (7 dienos).",
  "notMe.refused.contact": "Jei to, apie ką pranešta laiške, nedarėte jūs, kreipkitės į Migracijos departamentą:",
  "notMe.refused.signIn": "Prisijungti",

  "recoveryConfirm.ready.title": "Patvirtinkite naują el.\u00a0pašto adresą",
  "recoveryConfirm.ready.text":
    "Migracijos departamento darbuotojas pradėjo jūsų paskyros perkėlimą į šį el.\u00a0pašto adresą. Paspauskite " +
    "mygtuką, kad jį patvirtintumėte: po laukimo laiko prie paskyros jungsitės šiuo adresu, o visi ankstesni " +
    "prisijungimai bus baigti.",
  "recoveryConfirm.ready.submit": "Patvirtinti šį adresą",
  "recoveryConfirm.done.title": "Naujas adresas patvirtintas",
  "recoveryConfirm.done.text":
    "Laukimo laikas prasidėjo ir baigsis {until}. Tada atsiųsime jums laišką šiuo adresu, ir nuo tada prisijungsite juo.",
  "recoveryConfirm.done.signIn": "Eiti prisijungti",
  "recoveryConfirm.refused.title": "Ši nuoroda neveikia",
  "recoveryConfirm.refused.text": "Nuoroda jau panaudota, per sena, arba keitimas atšauktas.",
  "recoveryConfirm.refused.signIn": "Prisijungti",
  "recoveryCancel.ready.title": "Sustabdykite el.\u00a0pašto adreso keitimą",
  "recoveryCancel.ready.text":
    "Migracijos departamento darbuotojas pradėjo jūsų paskyros perkėlimą į kitą el.\u00a0pašto adresą. Jei to " +
    "neprašėte, paspauskite mygtuką: keitimas bus atšauktas, o paskyra liks su šiuo adresu.",
  "recoveryCancel.ready.submit": "Atšaukti keitimą",
  "recoveryCancel.done.title": "Keitimas atšauktas",
  "recoveryCancel.done.text": "Jūsų paskyra lieka su šiuo el.\u00a0pašto adresu. Niekas kita nepakeista.",
  "recoveryCancel.done.signIn": "Prisijungti",
  "recoveryCancel.refused.title": "Ši nuoroda neveikia",
  "recoveryCancel.refused.text":
    "Keitimas jau atšauktas arba jau baigtas. Jei jo neprašėte, kreipkitės į Migracijos departamentą.",
  "recoveryCancel.refused.signIn": "Prisijungti",

  "error.network": "Nepavyko susisiekti su serveriu. Patikrinkite interneto ryšį ir bandykite dar kartą.",
  "error.server": "Įvyko klaida. Bandykite dar kartą vėliau.",
  "error.mailUnavailable": "Šiuo metu kodo išsiųsti nepavyko. Niekas neužskaityta – bandykite dar kartą po minutės.",
  "error.check": "Patikrinkite įvestus duomenis.",
  "error.origin": "Užklausa atėjo ne iš MIGRIS puslapio. Atnaujinkite puslapį ir bandykite dar kartą.",
  "error.conflict": "Paskyra tuo pačiu metu buvo pakeista kitur. Bandykite dar kartą.",
  "error.namesLocked": "Vardą ir pavardę pakeisti gali tik migracijos tarnybos darbuotojai.",
  "error.emailTaken": "Šis el.\u00a0pašto adresas jau naudojamas kitoje paskyroje. Keitimas atšauktas.",
  "error.recoveryPending":
    "Migracijos departamentas šiuo metu keičia šios paskyros el.\u00a0pašto adresą. Bandykite vėl, kai keitimas " +
    "bus baigtas arba atšauktas.",
  "error.invalidCode": "Neteisingas arba nebegaliojantis kodas. Patikrinkite kodą arba paprašykite naujo.",
  "error.codeUsedUp": "Neteisingas kodas įvestas per daug kartų, todėl šis kodas nebegalioja. Žemiau paprašykite naujo kodo.",
  "error.codeExpired": "Šio kodo galiojimo laikas baigėsi. Žemiau paprašykite naujo kodo.",
  "error.locked":
    "Neteisingas kodas įvestas per daug kartų. Prisijungimas šiuo el.\u00a0pašto adresu laikinai užrakintas. " +
    "Bandykite vėl po {time} (apie {clock}).",
  "error.lockedChange": "Neteisingas kodas įvestas per daug kartų. Bandykite vėl po {time} (apie {clock}).",
  "error.cooldown": "Kodas šiuo adresu ką tik išsiųstas. Po {time} galėsite gauti naują kodą.",
  "error.cooldownChange": "Šiuo adresu ką tik išsiųstas naujo el.\u00a0pašto adreso patvirtinimo kodas. Prisijungimo kodo galėsite paprašyti po {time}.",
  "error.edge": "Iš jūsų tinklo per daug prisijungimų. Po {time} bandykite vėl.",
  "error.tooMany":
    "Šiuo el.\u00a0pašto adresu išsiųsta per daug kodų. Naują kodą galėsite gauti po {time} (apie {clock}).",

  "field.required.email": "Įveskite el.\u00a0pašto adresą.",
  "field.invalid.email": "Įveskite teisingą el.\u00a0pašto adresą, pvz., vardas@pastas.lt.",
  "field.notAscii.email":
    "Adreso dalyje iki @ naudokite tik lotyniškas raides be diakritinių ženklų (a–z), skaitmenis ir simbolius . _ - +. Laiško adresu su kitais simboliais išsiųsti negalime.",
  "field.noMail.email":
    "Šis domenas (adreso dalis po @ ženklo) negali gauti el.\u00a0laiškų. Patikrinkite, ar jis parašytas be klaidų.",
  "field.same.email": "Tai jūsų dabartinis el.\u00a0pašto adresas. Įveskite naują adresą.",
  "field.tooLong": "Per ilgas tekstas: leidžiama ne daugiau kaip {max} simb.",
  "field.required.given_name": "Įveskite vardą (-us).",
  "field.required.family_name": "Įveskite pavardę (-es).",
  "field.invalid.name":
    "Naudokite tik raides, tarpus, brūkšnelius ir apostrofus; vardas ir pavardė turi prasidėti raide.",
  "field.invisible.name": "Pašalinkite nematomus ženklus: vardą ir pavardę turi sudaryti matomos raidės.",
  "field.styled.name": "Naudokite įprastas raides, ne stilizuotas raides, ligatūras ar simbolius.",
  "field.marks.name": "Prie vienos raidės gali būti ne daugiau kaip {max} diakritiniai ženklai.",
  "field.required.phone_number": "Įveskite telefono numerį.",
  "field.invalid.phone_number": "Įveskite teisingą telefono numerį su šalies kodu, pvz., +370\u00a0612\u00a034567.",
  "field.required.code": "Įveskite kodą iš laiško.",
  "field.invalid.code": "Kodą sudaro tik skaitmenys.",
  "field.invalid.other": "Patikrinkite šį lauką.",
  "field.required.passkeyName": "Įveskite prieigos rakto pavadinimą.",
  "field.invalid.passkeyName": "Pavadinime gali būti ne daugiau kaip 64 simboliai, visi jie – matomi.",
};

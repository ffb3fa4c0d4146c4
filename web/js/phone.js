// A phone number as people read it: the stored E.164 number ("+37061234567") in groups ("+370 612 34567"). No
// library: the country code is found by the ITU's plan (1 and 7 are one digit, a known set two, the rest three),
// the national number is grouped by the country's habit where we know it (Lithuania, Ukraine, Belarus, Poland,
// Russia and Kazakhstan, Latvia, Estonia, Germany), else in threes with the last group never a single digit.

const TWO_DIGIT_CODES = new Set(
  "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98".split(
    " ",
  ),
);

// How the national number of a country code is grouped: group lengths, the last taking the rest.
const GROUPS = {
  370: [3, 5], // +370 612 34567
  380: [2, 3, 2, 2], // +380 67 123 45 67
  375: [2, 3, 2, 2], // +375 29 123 45 67
  7: [3, 3, 2, 2], // +7 912 345 67 89
  48: [3, 3, 3], // +48 512 345 678
  371: [4, 4], // +371 2123 4567
  372: [4, 4], // +372 5123 4567
  49: [3, 8], // +49 151 23456789
};

function countryCode(digits) {
  if (digits[0] === "1" || digits[0] === "7") return digits[0];
  if (TWO_DIGIT_CODES.has(digits.slice(0, 2))) return digits.slice(0, 2);
  return digits.slice(0, 3);
}

function cut(national, lengths) {
  const parts = [];
  let rest = national;
  for (const length of lengths.slice(0, -1)) {
    if (rest.length <= length) break;
    parts.push(rest.slice(0, length));
    rest = rest.slice(length);
  }
  if (rest) parts.push(rest);
  return parts;
}

/** Threes, with a last group of two to four digits (never one alone): "123 456 78", "123 4567". */
function threes(national) {
  const parts = [];
  let rest = national;
  while (rest.length > 4) {
    parts.push(rest.slice(0, 3));
    rest = rest.slice(3);
  }
  if (rest) parts.push(rest);
  return parts;
}

/** "+370 612 34567" for "+37061234567"; anything that is not an E.164 number is given back as it is. */
export function phoneWords(value) {
  const number = String(value ?? "");
  if (!/^\+[1-9]\d{6,14}$/.test(number)) return number;
  const digits = number.slice(1);
  const code = countryCode(digits);
  const national = digits.slice(code.length);
  const known = GROUPS[code];
  const parts = known && national.length === known.reduce((a, b) => a + b, 0) ? cut(national, known) : threes(national);
  return `+${code} ${parts.join(" ")}`;
}

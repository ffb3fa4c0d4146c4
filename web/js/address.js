// An address as the API keeps it (its domain in ASCII, as SES delivers: ona@xn--bcher-kva.lt) and as the person
// wrote it (ona@bücher.lt), shown side by side. Browsers turn a host into ASCII (new URL) but not back, so the
// xn-- labels are decoded here: Punycode, RFC 3492 section 6.2.
import { h } from "./dom.js";

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 0x80;
const MAX_INT = 0x7fffffff;
const ACE_PREFIX = "xn--";

function adapt(delta, points, first) {
  let d = first ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

/** The value of a Punycode digit: a-z (either case) 0-25, 0-9 26-35; BASE for anything else. */
function digitValue(code) {
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 26;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41;
  if (code >= 0x61 && code <= 0x7a) return code - 0x61;
  return BASE;
}

/** Punycode to Unicode ("bcher-kva" to "bücher"); a RangeError for anything that is not Punycode. */
export function decodePunycode(input) {
  const output = [];
  const delimiter = input.lastIndexOf("-");
  for (let j = 0; j < Math.max(delimiter, 0); j += 1) {
    const code = input.charCodeAt(j);
    if (code >= 0x80) throw new RangeError("not basic");
    output.push(code);
  }
  let n = INITIAL_N;
  let bias = INITIAL_BIAS;
  let i = 0;
  for (let at = delimiter > 0 ? delimiter + 1 : 0; at < input.length; ) {
    const before = i;
    for (let weight = 1, k = BASE; ; k += BASE) {
      if (at >= input.length) throw new RangeError("cut short");
      const digit = digitValue(input.charCodeAt(at++));
      if (digit >= BASE || digit > Math.floor((MAX_INT - i) / weight)) throw new RangeError("bad digit");
      i += digit * weight;
      const threshold = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (digit < threshold) break;
      if (weight > Math.floor(MAX_INT / (BASE - threshold))) throw new RangeError("overflow");
      weight *= BASE - threshold;
    }
    const length = output.length + 1;
    bias = adapt(i - before, length, before === 0);
    n += Math.floor(i / length);
    i %= length;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) throw new RangeError("not a character");
    output.splice(i, 0, n);
    i += 1;
  }
  return String.fromCodePoint(...output);
}

/** The address with each xn-- label of its domain in Unicode; a label that is not Punycode stays as it is. */
export function unicodeAddress(address) {
  const at = address.lastIndexOf("@");
  if (at < 0) return address;
  const labels = address
    .slice(at + 1)
    .split(".")
    .map((label) => {
      if (!label.toLowerCase().startsWith(ACE_PREFIX)) return label;
      try {
        const decoded = decodePunycode(label.slice(ACE_PREFIX.length));
        // An A-label always stands for letters outside ASCII; anything else is not one.
        return /[^\0-\x7f]/.test(decoded) ? decoded : label;
      } catch {
        return label;
      }
    });
  return `${address.slice(0, at + 1)}${labels.join(".")}`;
}

/** The address as text: "ona@xn--bcher-kva.lt (ona@bücher.lt)", or just the address when it is all ASCII. */
export function addressText(address) {
  const written = unicodeAddress(address);
  // The Unicode form in an isolate (FSI … PDI): a right-to-left domain does not reorder the sentence around it.
  return written === address ? address : `${address} (\u2068${written}\u2069)`;
}

/** The address in bold, and its Unicode form beside it when that differs (isolated, so a right-to-left domain
 * does not reorder the sentence around it). */
export function addressNodes(address) {
  const kept = h("strong", { class: "address__value" }, address);
  const written = unicodeAddress(address);
  if (written === address) return kept;
  return h("span", {}, kept, " ", h("span", { class: "address__unicode" }, "(", h("bdi", {}, written), ")"));
}

/** Pure text helpers shared by the widget and the counsellors' inbox: links, dates, money, distances, escaping. */

const HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe to put into markup (where textContent cannot be used, e.g. a title attribute built as a string). */
export function escapeHtml(text) {
  return String(text == null ? "" : text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** The address when it is an absolute http(s) URL, else null: javascript:, data: and relative links never become links. */
export function safeUrl(url) {
  if (typeof url !== "string" || !/^https?:\/\//i.test(url.trim())) return null;
  try {
    const u = new URL(url.trim());
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

/** Pieces of a text: [{text}] and [{url, text}] for each http(s) address in it (trailing punctuation stays text). */
export function linkify(text) {
  const parts = [];
  const source = String(text == null ? "" : text);
  const re = /https?:\/\/[^\s<>"'„“]+[^\s<>"'„“.,;:!?)\]]/gi;
  let last = 0;
  let m;
  while ((m = re.exec(source))) {
    const href = safeUrl(m[0]);
    if (!href) continue;
    if (m.index > last) parts.push({ text: source.slice(last, m.index) });
    parts.push({ url: href, text: m[0] });
    last = m.index + m[0].length;
  }
  if (last < source.length) parts.push({ text: source.slice(last) });
  return parts;
}

/** "2027-01-11" (or a longer ISO time) -> "11.01.2027"; null for anything else. */
export function germanDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(typeof iso === "string" ? iso : "");
  return m ? `${m[3]}.${m[2]}.${m[1]}` : null;
}

/** A Date from an ISO time; a time without zone is UTC (SQLite returns naive UTC times). */
export function parseDate(value) {
  if (!value) return null;
  let iso = String(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(iso) && !/(Z|[+-]\d\d:?\d\d)$/i.test(iso)) iso += "Z";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "14:05" in Osnabrück's time zone for an ISO time; "" when there is none. */
export function clockTime(value, locale = "de-DE") {
  const date = parseDate(value);
  if (!date) return "";
  return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Berlin" }).format(date);
}

const EURO = new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" });

/** A price in German notation ("45,50 €"); null when there is no number. Zero is a number: the caller says "free". */
export function euro(value) {
  if (value == null || value === "" || Number.isNaN(Number(value))) return null;
  return EURO.format(Number(value));
}

/** A distance: one decimal below 10 km ("2,4 km"), whole kilometres above ("12 km"). */
export function km(value) {
  const n = Number(value);
  return (n < 10 ? n.toFixed(1) : String(Math.round(n))).replace(".", ",") + " km";
}

/** `{name}` fields of a template filled in; an unknown field stays as written (so a missing value shows). */
export function fill(template, fields) {
  return String(template).replace(/\{(\w+)\}/g, (all, name) =>
    fields && Object.prototype.hasOwnProperty.call(fields, name) ? String(fields[name]) : all,
  );
}

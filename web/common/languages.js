/**
 * The languages the citizens may write in (#12): own name (what a citizen looks for in a language menu), the German
 * name (what a counsellor reads) and the writing direction. Which of them are offered is the gateway's setting
 * BILDUNGSLOTSE_LANGUAGES; this table only knows how to show a code.
 */
export const LANGUAGES = Object.freeze({
  de: { native: "Deutsch", german: "Deutsch", dir: "ltr" },
  en: { native: "English", german: "Englisch", dir: "ltr" },
  tr: { native: "Türkçe", german: "Türkisch", dir: "ltr" },
  ar: { native: "العربية", german: "Arabisch", dir: "rtl" },
  uk: { native: "Українська", german: "Ukrainisch", dir: "ltr" },
  ru: { native: "Русский", german: "Russisch", dir: "ltr" },
  pl: { native: "Polski", german: "Polnisch", dir: "ltr" },
  fa: { native: "فارسی", german: "Farsi", dir: "rtl" },
  ku: { native: "Kurdî", german: "Kurdisch", dir: "ltr" },
  ti: { native: "ትግርኛ", german: "Tigrinya", dir: "ltr" },
  fr: { native: "Français", german: "Französisch", dir: "ltr" },
  es: { native: "Español", german: "Spanisch", dir: "ltr" },
  he: { native: "עברית", german: "Hebräisch", dir: "rtl" },
  ur: { native: "اردو", german: "Urdu", dir: "rtl" },
});

/** The primary subtag, lower case: "tr-TR" -> "tr", " AR " -> "ar"; "" for anything that is not a language tag. */
export function baseLanguage(tag) {
  const m = /^\s*([a-z]{2,3})(?:[-_][a-z0-9_-]*)?\s*$/i.exec(typeof tag === "string" ? tag : "");
  return m ? m[1].toLowerCase() : "";
}

/** "rtl" for scripts written right to left (Arabic, Farsi, Hebrew, Urdu), else "ltr". */
export function direction(tag) {
  const entry = LANGUAGES[baseLanguage(tag)];
  return entry ? entry.dir : "ltr";
}

export function isRtl(tag) {
  return direction(tag) === "rtl";
}

/** The language's own name ("Türkçe"), or the code when the table does not know it. */
export function nativeName(tag) {
  const code = baseLanguage(tag);
  return LANGUAGES[code] ? LANGUAGES[code].native : code || String(tag || "");
}

/** The German name ("Türkisch") for the counsellors' screens, or the code. */
export function germanName(tag) {
  const code = baseLanguage(tag);
  return LANGUAGES[code] ? LANGUAGES[code].german : code || String(tag || "");
}

/**
 * The first of the browser's languages (navigator.languages, most preferred first) that is offered, or null.
 * Only the primary subtag counts: "de-AT" asks for "de". German is the default, so an offered "de" also wins.
 */
export function pickLanguage(preferred, offered) {
  const allowed = new Set((offered || []).map(baseLanguage).filter(Boolean));
  for (const tag of preferred || []) {
    const code = baseLanguage(tag);
    if (code && allowed.has(code)) return code;
  }
  return null;
}

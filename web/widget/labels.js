/**
 * The widget's own texts. German is built in (labels.json, the catalogues' message ids), so the widget speaks at
 * once; GET /api/v1/labels brings them in the citizen's language (#12), and every labelled element follows.
 */
import { direction } from "../common/languages.js";
import { fill } from "../common/format.js";
import GERMAN from "./labels.json" with { type: "json" };

export { GERMAN };

export function createLabels() {
  let texts = { ...GERMAN };
  let language = "de";
  const listeners = [];

  /** The text of `key` with its {fields}; a key the server did not send stays German. */
  function t(key, fields) {
    const text = Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : GERMAN[key];
    return fill(text == null ? key : text, fields || {});
  }

  /** Switch to the server's texts of one language (unknown keys and non-strings are ignored). */
  function set(lang, translated) {
    const next = { ...GERMAN };
    for (const key of Object.keys(translated || {})) {
      if (Object.prototype.hasOwnProperty.call(GERMAN, key) && typeof translated[key] === "string" && translated[key]) {
        next[key] = translated[key];
      }
    }
    texts = next;
    language = typeof lang === "string" && lang ? lang : "de";
    for (const fn of listeners) fn();
  }

  /** Run `fn` now and again after each switch (an element's text or attribute). */
  function bind(fn) {
    listeners.push(fn);
    fn();
  }

  function unread(n) {
    return n === 1 ? t("unreadOne") : t("unreadMany", { count: n });
  }

  return {
    t,
    set,
    bind,
    unread,
    get language() { return language; },
    get dir() { return direction(language); },
  };
}

/** Where the widget talks to and how it looks: read from its own <script> tag. */
import { accessibleColor } from "../common/color.js";

/** The API lives where the script came from: https://HOST/widget.js -> https://HOST (a path prefix is kept). */
export function apiBase(src, baseURI) {
  const url = new URL(src || "widget.js", baseURI);
  return url.origin + url.pathname.replace(/\/[^/]*$/, "");
}

/** The title of data-title (at most 60 characters), or "Bildungslotse". */
export function titleOf(value) {
  return (value || "").trim().slice(0, 60) || "Bildungslotse";
}

/** The settings of one embedded widget; `script` is its <script> element. */
export function readConfig(script, baseURI) {
  const base = apiBase(script.getAttribute("src"), baseURI);
  return {
    base,
    api: base + "/api/v1",
    title: titleOf(script.getAttribute("data-title")),
    color: accessibleColor(script.getAttribute("data-color")),
    storeKey: "bildungslotse:" + base + ":conversation",
    openKey: "bildungslotse:" + base + ":open",
  };
}

/** The <script> that loaded the widget: document.currentScript, or the last one whose src ends in widget.js. */
export function findScript(doc) {
  if (doc.currentScript) return doc.currentScript;
  const all = doc.querySelectorAll("script[src]");
  for (let i = all.length - 1; i >= 0; i--) {
    if (/\/widget\.js(\?|#|$)/.test(all[i].getAttribute("src"))) return all[i];
  }
  return null;
}

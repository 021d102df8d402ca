/** Colour contrast after WCAG 2.x (relative luminance), for accent colours that a host page may choose. */

/** [r, g, b] (0–255) from "#rgb" or "#rrggbb"; null for anything else (nothing else reaches the CSS). */
export function parseHex(value) {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(typeof value === "string" ? value.trim() : "");
  if (!m) return null;
  const hex = m[1].length === 3 ? m[1].replace(/(.)/g, "$1$1") : m[1];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

export function toHex(rgb) {
  return "#" + rgb.map((c) => Math.max(0, Math.min(255, Math.round(c))).toString(16).padStart(2, "0")).join("");
}

export function luminance(rgb) {
  const [r, g, b] = rgb.map((c) => {
    const x = c / 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a, b) {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

export function contrastWithWhite(rgb) {
  return contrastRatio(rgb, [255, 255, 255]);
}

/**
 * The colour as "#rrggbb", darkened step by step until white text on it has at least 4.5:1 (with a margin:
 * 5.1, so that rounding in a browser never drops below); `fallback` for a value that is not a hex colour.
 */
export function accessibleColor(value, fallback = "#005a9c") {
  let rgb = parseHex(value);
  if (!rgb) return fallback;
  for (let step = 0; step < 60 && contrastWithWhite(rgb) < 5.1; step++) {
    rgb = rgb.map((c) => Math.floor(c * 0.93));
  }
  return toHex(rgb);
}

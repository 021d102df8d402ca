/** Building DOM without markup: every text goes in as textContent, so nothing a server sends can become HTML. */

/**
 * An element with attributes and children. `text` sets textContent, `class` the class name, `on<event>` adds a
 * listener, `true` is an empty attribute; null, undefined and false are left out (so are null children).
 */
export function h(tag, attrs, children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const k of Object.keys(attrs)) {
      const v = attrs[k];
      if (v == null || v === false) continue;
      if (k === "text") el.textContent = v;
      else if (k === "class") el.className = v;
      else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    }
  }
  for (const c of children || []) if (c) el.appendChild(c);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An inline SVG icon from one path (hidden from screen readers: the button it sits in carries the name). */
export function svgIcon(name, d) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon icon-" + name);
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", d);
  svg.appendChild(path);
  return svg;
}

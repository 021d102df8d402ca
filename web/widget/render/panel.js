/** The launcher and the chat panel, built once; every label follows the language (labels.bind). */
import { h } from "../../common/dom.js";
import { icon } from "./icons.js";
import { css } from "./styles.js";

/** Attach the style sheet: a constructed one passes a host page's strict CSP (style-src without 'unsafe-inline'). */
function style(shadow, text) {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    shadow.adoptedStyleSheets = [sheet];
  } catch {
    shadow.appendChild(h("style", { text }));
  }
}

/**
 * Build the widget into `doc.body`. `on` holds the handlers (toggle, close, menu, clear, restart, plain,
 * confirmYes, confirmNo, submit, inputKey, autosize, panelKey, outside).
 */
export function buildUi(doc, config, labels, on) {
  const { t, bind } = labels;
  const ui = {};
  ui.host = doc.createElement("bildungslotse-widget");
  ui.host.setAttribute("lang", "de");
  ui.shadow = ui.host.attachShadow({ mode: "open" });
  style(ui.shadow, css(config.color));

  ui.badge = h("span", { class: "badge", hidden: true, "aria-hidden": "true" });
  ui.launcherText = h("span", { class: "launcher-text", text: config.title });
  ui.launcher = h("button", {
    type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "bl-panel",
    onclick: on.toggle, onkeydown: on.launcherKey,
  }, [icon("chat"), ui.launcherText, ui.badge]);

  ui.menuBtn = h("button", {
    type: "button", class: "icon-btn", "aria-expanded": "false", "aria-controls": "bl-menu", onclick: on.menu,
  }, [icon("menu")]);
  ui.closeBtn = h("button", { type: "button", class: "icon-btn", onclick: on.close }, [icon("close")]);
  ui.clearBtn = h("button", { type: "button", onclick: on.clear });
  ui.restartBtn = h("button", { type: "button", onclick: on.restart });
  ui.plainBtn = h("button", { type: "button", "aria-pressed": "false", onclick: on.plain });
  ui.plainItem = h("li", { hidden: true }, [ui.plainBtn]);
  ui.menu = h("ul", { id: "bl-menu", class: "menu", hidden: true }, [
    h("li", null, [ui.clearBtn]), h("li", null, [ui.restartBtn]), ui.plainItem,
  ]);

  ui.confirmYes = h("button", { type: "button", class: "btn btn-danger", onclick: on.confirmYes });
  ui.confirmNo = h("button", { type: "button", class: "btn", onclick: on.confirmNo });
  ui.confirmQ = h("p", { id: "bl-confirm-q", class: "confirm-q" });
  ui.confirmText = h("p", { id: "bl-confirm-text" });
  ui.confirm = h("div", {
    class: "confirm", role: "alertdialog", "aria-labelledby": "bl-confirm-q",
    "aria-describedby": "bl-confirm-text", hidden: true,
  }, [ui.confirmQ, ui.confirmText, h("div", { class: "row" }, [ui.confirmYes, ui.confirmNo])]);

  ui.banner = h("p", { class: "banner", role: "status", hidden: true });
  ui.introText = h("p");
  ui.introStarting = h("p");
  ui.intro = h("div", { class: "intro" }, [ui.introText, ui.introStarting]);
  ui.log = h("div", {
    class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", id: "bl-log",
  });
  ui.typingText = h("span");
  ui.typing = h("div", { class: "typing", hidden: true, "aria-hidden": "true" }, [
    h("span", { class: "dots", "aria-hidden": "true" }, [h("span"), h("span"), h("span")]),
    ui.typingText,
  ]);
  ui.typingStatus = h("div", { class: "sr", role: "status" });
  ui.scroll = h("div", { class: "scroll" }, [ui.intro, ui.log, ui.typing]);

  ui.input = h("textarea", {
    id: "bl-input", rows: "1", maxlength: "2000", autocomplete: "off",
    "aria-describedby": "bl-hint", enterkeyhint: "send",
  });
  ui.input.addEventListener("keydown", on.inputKey);
  ui.input.addEventListener("input", on.autosize);
  ui.inputLabel = h("label", { for: "bl-input", class: "sr" });
  ui.hint = h("span", { id: "bl-hint", class: "sr" });
  ui.sendText = h("span");
  ui.form = h("form", { class: "form", novalidate: true, onsubmit: on.submit }, [
    ui.inputLabel, ui.hint, ui.input,
    h("button", { type: "submit", class: "send" }, [icon("send"), ui.sendText]),
  ]);

  ui.title = h("h2", { id: "bl-title", class: "title", text: config.title });
  ui.subtitle = h("p", { class: "subtitle" });
  ui.foot = h("p", { class: "foot" });
  ui.panel = h("div", {
    id: "bl-panel", class: "panel", role: "dialog", "aria-labelledby": "bl-title", "aria-modal": "false",
    hidden: true,
  }, [
    h("div", { class: "head" }, [h("div", { class: "head-text" }, [ui.title, ui.subtitle]), ui.menuBtn, ui.closeBtn]),
    ui.menu, ui.confirm, ui.banner, ui.scroll, ui.typingStatus, ui.form, ui.foot,
  ]);
  ui.panel.addEventListener("keydown", on.panelKey);
  ui.shadow.addEventListener("pointerdown", on.outside);

  ui.root = h("div", { class: "root", lang: "de" }, [ui.panel, ui.launcher]);
  ui.shadow.appendChild(ui.root);

  // Texts and attributes in the current language; again whenever it changes.
  const text = (el, key) => bind(() => { el.textContent = t(key); });
  const attr = (el, name, key) => bind(() => { el.setAttribute(name, t(key)); });
  text(ui.clearBtn, "clear");
  text(ui.restartBtn, "restart");
  text(ui.plainBtn, "plain");
  text(ui.confirmYes, "confirmYes");
  text(ui.confirmNo, "confirmNo");
  text(ui.confirmQ, "confirmQ");
  text(ui.confirmText, "confirmText");
  text(ui.introText, "intro");
  text(ui.introStarting, "starting");
  text(ui.typingText, "typing");
  text(ui.inputLabel, "input");
  text(ui.hint, "hint");
  text(ui.sendText, "send");
  text(ui.subtitle, "subtitle");
  text(ui.foot, "privacy");
  attr(ui.menuBtn, "aria-label", "menu");
  attr(ui.menu, "aria-label", "menu");
  attr(ui.closeBtn, "aria-label", "close");
  attr(ui.log, "aria-label", "log");
  attr(ui.input, "placeholder", "placeholder");
  bind(() => {
    const lang = labels.language;
    const dir = labels.dir;
    ui.host.setAttribute("lang", lang);
    ui.root.setAttribute("lang", lang);
    // The panel mirrors for Arabic (#12); each message still finds its own direction (dir=auto).
    ui.panel.setAttribute("dir", dir);
    ui.launcher.setAttribute("dir", dir);
  });

  doc.body.appendChild(ui.host);
  return ui;
}

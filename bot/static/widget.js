/*!
 * Bildungslotse – Chat-Widget des Landkreises Osnabrück.
 *
 * Einbinden mit einer Zeile:
 *   <script src="https://HOST/widget.js" defer></script>
 * Optional: data-title="…" (Überschrift, Standard „Bildungslotse“) und data-color="#005a9c" (Akzentfarbe;
 * zu helle Farben werden abgedunkelt, bis weißer Text darauf 4,5:1 Kontrast hat).
 *
 * Built from web/widget/ (ES modules) with esbuild: `npm run build`; edit the sources, not this file.
 * No framework, no requests to anyone but the gateway this file was loaded from.
 * Everything lives in a Shadow DOM (no CSS leaks in or out); all data is rendered with textContent.
 */
(() => {
  // web/widget/main.js
  (function() {
    "use strict";
    if (window.BildungslotseWidget) return;
    const SCRIPT = document.currentScript || findScript();
    if (!SCRIPT) return;
    const SRC = new URL(SCRIPT.getAttribute("src") || "widget.js", document.baseURI);
    const BASE = SRC.origin + SRC.pathname.replace(/\/[^/]*$/, "");
    const API = BASE + "/api/v1/conversations";
    const TITLE = (SCRIPT.getAttribute("data-title") || "").trim().slice(0, 60) || "Bildungslotse";
    const COLOR = accessibleColor(SCRIPT.getAttribute("data-color"));
    const STORE_KEY = "bildungslotse:" + BASE + ":conversation";
    const OPEN_KEY = "bildungslotse:" + BASE + ":open";
    const REQUEST_TIMEOUT_MS = 45e3;
    const T = {
      launcher: TITLE,
      launcherLabel: TITLE + " – Chat",
      unread: function(n) {
        return n === 1 ? "1 neue Nachricht" : n + " neue Nachrichten";
      },
      subtitle: "Bildung & Familie · Landkreis Osnabrück",
      menu: "Menü",
      close: "Chat schließen",
      clear: "Verlauf löschen",
      restart: "Neu beginnen",
      confirmQ: "Verlauf wirklich löschen?",
      confirmText: "Der gesamte Chatverlauf wird sofort und endgültig gelöscht – bei uns und beim Assistenten.",
      confirmYes: "Ja, löschen",
      confirmNo: "Abbrechen",
      log: "Chatverlauf",
      input: "Ihre Nachricht",
      placeholder: "Ihre Frage …",
      send: "Senden",
      hint: "Enter sendet, Umschalt+Enter für neue Zeile.",
      privacy: "Datenschutz: Gespeichert wird nur dieser Chatverlauf, höchstens 30 Tage, ohne Namen. Löschen jederzeit über „Menü“ → „Verlauf löschen“.",
      intro: "Ich helfe Ihnen, Bildungs- und Familienangebote im Landkreis Osnabrück zu finden – von der Krabbelgruppe bis zur Weiterbildung – und verbinde Sie auf Wunsch mit einer Beratung.",
      starting: "Der Chat wird gestartet …",
      typing: "Der Bildungslotse schreibt …",
      you: "Sie",
      bot: "Bildungslotse",
      counsellor: "Beraterin/Berater",
      system: "Hinweis",
      quick: "Antwortvorschläge",
      offers: "Gefundene Angebote",
      online: "online",
      free: "kostenlos",
      costUnknown: "Kosten auf Anfrage",
      start: "Beginn: ",
      more: "Mehr erfahren",
      newTab: " (öffnet in neuem Tab)",
      waiting: function(office) {
        return "Wir verbinden Sie mit dem " + office + " …";
      },
      active: function(office) {
        return "Sie schreiben jetzt mit dem " + office;
      },
      cleared: "Ihr Verlauf wurde gelöscht. Sie können neu beginnen.",
      restarted: "Neues Gespräch begonnen.",
      expired: "Das bisherige Gespräch gibt es nicht mehr. Ein neues Gespräch wurde begonnen.",
      offline: "Keine Verbindung zum Server. Bitte prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.",
      failed: "Das hat leider nicht geklappt. Bitte versuchen Sie es später noch einmal.",
      startFailed: "Der Chat ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal.",
      retry: "Erneut versuchen"
    };
    function findScript() {
      const all = document.querySelectorAll("script[src]");
      for (let i = all.length - 1; i >= 0; i--) {
        if (/\/widget\.js(\?|#|$)/.test(all[i].getAttribute("src"))) return all[i];
      }
      return null;
    }
    function accessibleColor(value) {
      const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec((value || "").trim());
      if (!m) return "#005a9c";
      const hex = m[1].length === 3 ? m[1].replace(/(.)/g, "$1$1") : m[1];
      let rgb = [0, 2, 4].map(function(i) {
        return parseInt(hex.substr(i, 2), 16);
      });
      for (let step = 0; step < 60 && contrastWithWhite(rgb) < 5.1; step++) {
        rgb = rgb.map(function(c) {
          return Math.floor(c * 0.93);
        });
      }
      return "#" + rgb.map(function(c) {
        return (c < 16 ? "0" : "") + c.toString(16);
      }).join("");
    }
    function contrastWithWhite(rgb) {
      const l = rgb.map(function(c) {
        c /= 255;
        return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
      });
      const lum = 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
      return 1.05 / (lum + 0.05);
    }
    function h(tag, attrs, children) {
      const el = document.createElement(tag);
      if (attrs) {
        for (const k in attrs) {
          if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] == null || attrs[k] === false) continue;
          if (k === "text") el.textContent = attrs[k];
          else if (k === "class") el.className = attrs[k];
          else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), attrs[k]);
          else el.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
        }
      }
      (children || []).forEach(function(c) {
        if (c) el.appendChild(c);
      });
      return el;
    }
    const SVG_NS = "http://www.w3.org/2000/svg";
    const ICONS = {
      chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
      close: "M6 6l12 12M18 6L6 18",
      menu: "M12 5.5v.01M12 12v.01M12 18.5v.01",
      send: "M3 20l18-8L3 4v6l12 2-12 2z"
    };
    function icon(name) {
      const svg = document.createElementNS(SVG_NS, "svg");
      svg.setAttribute("viewBox", "0 0 24 24");
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("focusable", "false");
      svg.setAttribute("class", "icon icon-" + name);
      const path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", ICONS[name]);
      svg.appendChild(path);
      return svg;
    }
    function safeUrl(url) {
      if (typeof url !== "string" || !/^https?:\/\//i.test(url.trim())) return null;
      try {
        const u = new URL(url.trim());
        return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
      } catch (e) {
        return null;
      }
    }
    function germanDate(iso) {
      const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
      return m ? m[3] + "." + m[2] + "." + m[1] : null;
    }
    const EURO = (function() {
      try {
        return new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" });
      } catch (e) {
        return null;
      }
    })();
    function cost(value) {
      if (value == null || isNaN(Number(value))) return T.costUnknown;
      const n = Number(value);
      if (n === 0) return T.free;
      return EURO ? EURO.format(n) : n.toFixed(2).replace(".", ",") + " €";
    }
    function km(value) {
      const n = Number(value);
      return (n < 10 ? n.toFixed(1) : String(Math.round(n))).replace(".", ",") + " km";
    }
    const storage = /* @__PURE__ */ (function() {
      const mem = {};
      function get(area, key) {
        try {
          return window[area].getItem(key);
        } catch (e) {
          return mem[area + key] || null;
        }
      }
      function set(area, key, value) {
        try {
          if (value == null) window[area].removeItem(key);
          else window[area].setItem(key, value);
        } catch (e) {
          if (value == null) delete mem[area + key];
          else mem[area + key] = value;
        }
      }
      return { get, set };
    })();
    const CSS = [
      ":host{all:initial;display:block}",
      "*,*::before,*::after{box-sizing:border-box}",
      "[hidden]{display:none!important}",
      ".root{--accent:" + COLOR + ";--ink:#1a1a1a;--muted:#4d4d4d;--line:#8a8a8a;--soft:#f2f4f7;--counsel:#0b6e3d;",
      "  font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--ink);",
      "  text-align:left;letter-spacing:normal;word-spacing:normal;text-transform:none;-webkit-text-size-adjust:100%}",
      ".sr{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);",
      "  white-space:nowrap;border:0}",
      "button,textarea{font:inherit;color:inherit;margin:0}",
      "button{cursor:pointer}",
      ":focus{outline:none}",
      ":focus-visible,.force-focus:focus{outline:3px solid var(--ink);outline-offset:2px;box-shadow:0 0 0 2px #fff}",
      "textarea:focus{outline:3px solid var(--ink);outline-offset:1px}",
      ".icon{width:24px;height:24px;fill:none;stroke:currentColor;stroke-width:2.2;stroke-linecap:round;",
      "  stroke-linejoin:round;flex:none}",
      ".icon-menu{stroke-width:3.2}",
      ".icon-send{fill:currentColor;stroke:none}",
      /* launcher */
      ".launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;display:flex;align-items:center;gap:8px;",
      "  min-height:52px;padding:10px 18px 10px 14px;border:2px solid #fff;border-radius:26px;background:var(--accent);",
      "  color:#fff;font-weight:600;box-shadow:0 4px 14px rgba(0,0,0,.28);max-width:calc(100vw - 32px)}",
      ".launcher:hover{filter:brightness(.92)}",
      ".launcher-text{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}",
      ".badge{min-width:24px;height:24px;padding:0 6px;border-radius:12px;background:#fff;color:var(--ink);",
      "  font-size:14px;line-height:24px;text-align:center;font-weight:700}",
      /* panel */
      ".panel{position:fixed;right:16px;bottom:84px;z-index:2147483001;width:390px;height:min(640px,calc(100vh - 104px));",
      "  display:flex;flex-direction:column;background:#fff;border:1px solid var(--line);border-radius:12px;",
      "  box-shadow:0 10px 34px rgba(0,0,0,.3);overflow:hidden;animation:bl-in .18s ease-out}",
      "@keyframes bl-in{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}",
      ".head{display:flex;align-items:center;gap:4px;padding:8px 8px 8px 16px;background:var(--accent);color:#fff;flex:none}",
      ".head-text{flex:1;min-width:0}",
      ".title{margin:0;font-size:18px;line-height:1.25;font-weight:700;overflow-wrap:anywhere}",
      ".subtitle{margin:0;font-size:13px;line-height:1.3}",
      ".icon-btn{display:inline-flex;align-items:center;justify-content:center;width:44px;height:44px;flex:none;",
      "  border:0;border-radius:8px;background:transparent;color:#fff}",
      ".icon-btn:hover{background:rgba(0,0,0,.2)}",
      ".head :focus-visible{outline-color:#fff;box-shadow:0 0 0 2px var(--ink)}",
      ".menu{position:absolute;top:56px;right:8px;z-index:2;min-width:200px;margin:0;padding:6px;list-style:none;",
      "  background:#fff;border:1px solid var(--line);border-radius:8px;box-shadow:0 6px 20px rgba(0,0,0,.25)}",
      ".menu button{display:block;width:100%;min-height:44px;padding:8px 12px;border:0;border-radius:6px;",
      "  background:#fff;text-align:left}",
      ".menu button:hover{background:var(--soft)}",
      ".confirm{flex:none;margin:8px;padding:12px;border:2px solid #a4000f;border-radius:8px;background:#fff5f5}",
      ".confirm-q{margin:0 0 4px;font-weight:700;font-size:16px}",
      ".confirm p{margin:0 0 10px}",
      ".row{display:flex;flex-wrap:wrap;gap:8px}",
      ".btn{min-height:44px;padding:8px 14px;border-radius:8px;border:2px solid var(--accent);background:#fff;",
      "  color:var(--accent);font-weight:600}",
      ".btn:hover{background:var(--soft)}",
      ".btn-danger{background:#a4000f;border-color:#a4000f;color:#fff}",
      ".btn-danger:hover{background:#7d000b}",
      ".banner{flex:none;margin:0;padding:10px 16px;background:#e6f2ea;color:#0a4d2b;border-bottom:1px solid #0b6e3d;",
      "  font-weight:600}",
      ".banner.waiting{background:#fff4d6;color:#5c4200;border-bottom-color:#8a6300}",
      ".scroll{position:relative;flex:1;min-height:0;overflow-y:auto;padding:12px 12px 4px;overscroll-behavior:contain}",
      ".intro{margin:0 0 12px;padding:10px 12px;border-radius:8px;background:var(--soft);font-size:15px}",
      ".intro p{margin:0}",
      ".intro p+p{margin-top:6px}",
      ".log{display:flex;flex-direction:column;gap:10px}",
      ".msg{position:relative;display:flex;flex-direction:column;align-items:flex-start;max-width:100%}",
      ".bubble{max-width:88%;padding:8px 12px;border-radius:14px 14px 14px 4px;background:var(--soft);",
      "  white-space:pre-wrap;overflow-wrap:anywhere}",
      ".bubble a{color:var(--accent);text-decoration:underline}",
      ".user{align-items:flex-end}",
      ".user .bubble{background:var(--accent);color:#fff;border-radius:14px 14px 4px 14px}",
      ".user .bubble a{color:#fff}",
      ".pending .bubble{opacity:.85}",
      ".counsellor .bubble{background:#fff;border:2px solid var(--counsel);border-left-width:6px}",
      ".who{margin:0 0 2px 4px;font-size:13px;font-weight:700;color:var(--counsel)}",
      ".system{align-items:center}",
      ".system .bubble{background:#fff;border:1px dashed var(--line);border-radius:8px;font-size:15px;color:var(--muted);",
      "  text-align:center}",
      ".system.error .bubble{border:2px solid #a4000f;color:#7d000b;background:#fff5f5}",
      ".offers{display:flex;flex-direction:column;gap:8px;width:100%;margin:8px 0 0;padding:0;list-style:none}",
      ".offer{padding:10px 12px;border:1px solid var(--line);border-radius:10px;background:#fff}",
      ".offer-title{margin:0 0 4px;font-size:16px;line-height:1.3;overflow-wrap:anywhere}",
      ".offer-meta{margin:0;font-size:15px;color:var(--muted);overflow-wrap:anywhere}",
      ".offer-cost{margin:4px 0 0;font-weight:600}",
      ".offer a{display:inline-block;margin-top:6px;padding:4px 0;color:var(--accent);font-weight:600}",
      ".quick{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}",
      ".quick .btn{border-radius:22px;text-align:left}",
      ".typing{display:flex;align-items:center;gap:8px;padding:4px 4px 8px;color:var(--muted);font-size:15px}",
      ".dots{display:inline-flex;gap:4px}",
      ".dots span{width:8px;height:8px;border-radius:50%;background:var(--muted);animation:bl-dot 1s infinite ease-in-out}",
      ".dots span:nth-child(2){animation-delay:.15s}.dots span:nth-child(3){animation-delay:.3s}",
      "@keyframes bl-dot{0%,80%,100%{opacity:.3;transform:none}40%{opacity:1;transform:translateY(-3px)}}",
      ".form{flex:none;display:flex;align-items:flex-end;gap:8px;padding:8px 12px 4px;border-top:1px solid var(--line)}",
      ".form textarea{flex:1;min-width:0;min-height:44px;max-height:140px;padding:10px 12px;resize:none;",
      "  border:1px solid #6b6b6b;border-radius:8px;background:#fff;line-height:1.4}",
      ".form textarea::placeholder{color:#6b6b6b;opacity:1}",
      ".send{display:inline-flex;align-items:center;gap:6px;min-height:44px;padding:8px 14px;border:0;",
      "  border-radius:8px;background:var(--accent);color:#fff;font-weight:600}",
      ".send:hover{filter:brightness(.9)}",
      ".foot{flex:none;margin:0;padding:2px 12px 8px;font-size:12.5px;line-height:1.35;color:var(--muted)}",
      /* small screens, 200 % zoom, landscape phones: the panel takes the whole window */
      "@media (max-width:479.98px),(max-height:559.98px){",
      "  .panel{inset:0;width:auto;height:auto;max-height:none;border:0;border-radius:0;box-shadow:none}",
      "  .launcher{right:12px;bottom:12px}",
      "  .bubble{max-width:94%}",
      "}",
      "@media (max-height:559.98px){.subtitle,.foot{display:none}.head{padding-top:2px;padding-bottom:2px}}",
      "@media (prefers-reduced-motion:reduce){*,*::before,*::after{animation:none!important;transition:none!important;",
      "  scroll-behavior:auto!important}}",
      "@media (forced-colors:active){.launcher,.send,.btn,.bubble,.offer,.panel{border:1px solid CanvasText}}"
    ].join("\n");
    const state = {
      id: null,
      lastSeq: 0,
      lastUserSeq: 0,
      seen: {},
      // seq -> element
      pending: [],
      // optimistic user messages not yet confirmed by the server: {text, el}
      source: null,
      queue: Promise.resolve(),
      busy: 0,
      starting: null,
      open: false,
      unread: 0,
      loadingHistory: false,
      retryTimer: null,
      revealEl: null,
      handoverSeq: 0,
      generation: 0
      // bumps on every new/forgotten conversation; late answers of an old one are dropped
    };
    let host, shadow;
    const ui = {};
    function build() {
      host = document.createElement("bildungslotse-widget");
      host.setAttribute("lang", "de");
      shadow = host.attachShadow({ mode: "open" });
      try {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        shadow.adoptedStyleSheets = [sheet];
      } catch (e) {
        const style = document.createElement("style");
        style.textContent = CSS;
        shadow.appendChild(style);
      }
      ui.badge = h("span", { class: "badge", hidden: true, "aria-hidden": "true" });
      ui.launcher = h("button", {
        onkeydown: function(e) {
          if ((e.key === "Escape" || e.key === "Esc") && state.open) close(true);
        },
        type: "button",
        class: "launcher",
        "aria-expanded": "false",
        "aria-controls": "bl-panel",
        "aria-label": T.launcherLabel,
        onclick: function() {
          state.open ? close(true) : open(true);
        }
      }, [icon("chat"), h("span", { class: "launcher-text", text: T.launcher }), ui.badge]);
      ui.menuBtn = h("button", {
        type: "button",
        class: "icon-btn",
        "aria-label": T.menu,
        "aria-expanded": "false",
        "aria-controls": "bl-menu",
        onclick: toggleMenu
      }, [icon("menu")]);
      ui.closeBtn = h("button", {
        type: "button",
        class: "icon-btn",
        "aria-label": T.close,
        onclick: function() {
          close(true);
        }
      }, [icon("close")]);
      ui.clearBtn = h("button", { type: "button", text: T.clear, onclick: askClear });
      ui.restartBtn = h("button", { type: "button", text: T.restart, onclick: restart });
      ui.menu = h("ul", { id: "bl-menu", class: "menu", hidden: true, "aria-label": T.menu }, [
        h("li", null, [ui.clearBtn]),
        h("li", null, [ui.restartBtn])
      ]);
      ui.confirmYes = h("button", { type: "button", class: "btn btn-danger", text: T.confirmYes, onclick: doClear });
      ui.confirmNo = h("button", { type: "button", class: "btn", text: T.confirmNo, onclick: cancelClear });
      ui.confirm = h("div", {
        class: "confirm",
        role: "alertdialog",
        "aria-labelledby": "bl-confirm-q",
        "aria-describedby": "bl-confirm-text",
        hidden: true
      }, [
        h("p", { id: "bl-confirm-q", class: "confirm-q", text: T.confirmQ }),
        h("p", { id: "bl-confirm-text", text: T.confirmText }),
        h("div", { class: "row" }, [ui.confirmYes, ui.confirmNo])
      ]);
      ui.banner = h("p", { class: "banner", role: "status", hidden: true });
      ui.intro = h("div", { class: "intro" }, [h("p", { text: T.intro }), h("p", { text: T.starting })]);
      ui.log = h("div", {
        class: "log",
        role: "log",
        "aria-live": "polite",
        "aria-relevant": "additions",
        "aria-label": T.log,
        id: "bl-log"
      });
      ui.typing = h("div", { class: "typing", hidden: true, "aria-hidden": "true" }, [
        h("span", { class: "dots", "aria-hidden": "true" }, [h("span"), h("span"), h("span")]),
        h("span", { text: T.typing })
      ]);
      ui.typingStatus = h("div", { class: "sr", role: "status" });
      ui.scroll = h("div", { class: "scroll" }, [ui.intro, ui.log, ui.typing]);
      ui.input = h("textarea", {
        id: "bl-input",
        rows: "1",
        maxlength: "2000",
        autocomplete: "off",
        placeholder: T.placeholder,
        "aria-describedby": "bl-hint",
        enterkeyhint: "send"
      });
      ui.input.addEventListener("keydown", onInputKey);
      ui.input.addEventListener("input", autosize);
      ui.form = h("form", { class: "form", novalidate: true, onsubmit: onSubmit }, [
        h("label", { for: "bl-input", class: "sr", text: T.input }),
        h("span", { id: "bl-hint", class: "sr", text: T.hint }),
        ui.input,
        h("button", { type: "submit", class: "send" }, [icon("send"), h("span", { text: T.send })])
      ]);
      ui.title = h("h2", { id: "bl-title", class: "title", text: TITLE });
      ui.panel = h("div", {
        id: "bl-panel",
        class: "panel",
        role: "dialog",
        "aria-labelledby": "bl-title",
        "aria-modal": "false",
        hidden: true
      }, [
        h("div", { class: "head" }, [
          h("div", { class: "head-text" }, [ui.title, h("p", { class: "subtitle", text: T.subtitle })]),
          ui.menuBtn,
          ui.closeBtn
        ]),
        ui.menu,
        ui.confirm,
        ui.banner,
        ui.scroll,
        ui.typingStatus,
        ui.form,
        h("p", { class: "foot", text: T.privacy })
      ]);
      ui.panel.addEventListener("keydown", onPanelKey);
      shadow.addEventListener("pointerdown", function(e) {
        if (!ui.menu.hidden && !ui.menu.contains(e.target) && e.target !== ui.menuBtn && !ui.menuBtn.contains(e.target)) {
          hideMenu(false);
        }
      });
      ui.root = h("div", { class: "root", lang: "de" }, [ui.panel, ui.launcher]);
      shadow.appendChild(ui.root);
      document.body.appendChild(host);
    }
    function open(moveFocus) {
      state.open = true;
      storage.set("sessionStorage", OPEN_KEY, "1");
      ui.panel.hidden = false;
      ui.launcher.setAttribute("aria-expanded", "true");
      setUnread(0);
      ensureConversation();
      scrollToEnd();
      if (moveFocus) ui.input.focus();
    }
    function close(returnFocus) {
      state.open = false;
      storage.set("sessionStorage", OPEN_KEY, null);
      hideMenu(false);
      ui.panel.hidden = true;
      ui.launcher.setAttribute("aria-expanded", "false");
      if (returnFocus) ui.launcher.focus();
    }
    function toggleMenu() {
      if (ui.menu.hidden) {
        ui.menu.hidden = false;
        ui.menuBtn.setAttribute("aria-expanded", "true");
        ui.clearBtn.focus();
      } else {
        hideMenu(true);
      }
    }
    function hideMenu(returnFocus) {
      if (ui.menu.hidden) return;
      ui.menu.hidden = true;
      ui.menuBtn.setAttribute("aria-expanded", "false");
      if (returnFocus) ui.menuBtn.focus();
    }
    function focusables() {
      return Array.prototype.filter.call(
        ui.panel.querySelectorAll("button, textarea, a[href], [tabindex]:not([tabindex='-1'])"),
        function(el) {
          return !el.disabled && el.getClientRects().length > 0;
        }
      );
    }
    function onPanelKey(e) {
      if (e.key === "Escape" || e.key === "Esc") {
        e.stopPropagation();
        e.preventDefault();
        if (!ui.menu.hidden) hideMenu(true);
        else if (!ui.confirm.hidden) cancelClear();
        else close(true);
        return;
      }
      if (!ui.menu.hidden && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
        e.preventDefault();
        (shadow.activeElement === ui.clearBtn ? ui.restartBtn : ui.clearBtn).focus();
        return;
      }
      if (e.key === "Tab" && ui.panel.getBoundingClientRect().width >= window.innerWidth - 1) {
        const list = focusables();
        if (!list.length) return;
        const first = list[0], last = list[list.length - 1], active = shadow.activeElement;
        if (e.shiftKey && active === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && active === last) {
          e.preventDefault();
          first.focus();
        }
      }
    }
    function setUnread(n) {
      state.unread = n;
      ui.badge.hidden = n === 0;
      ui.badge.textContent = n > 9 ? "9+" : String(n);
      ui.launcher.setAttribute("aria-label", n ? T.launcherLabel + ", " + T.unread(n) : T.launcherLabel);
    }
    function scrollToEnd() {
      ui.scroll.scrollTop = ui.scroll.scrollHeight;
    }
    function nearEnd() {
      return ui.scroll.scrollHeight - ui.scroll.scrollTop - ui.scroll.clientHeight < 80;
    }
    function richText(text) {
      const frag = document.createDocumentFragment();
      const re = /https?:\/\/[^\s<>"'„“]+[^\s<>"'„“.,;:!?)\]]/gi;
      let last = 0, m;
      while (m = re.exec(text)) {
        const href = safeUrl(m[0]);
        if (!href) continue;
        if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
        frag.appendChild(h("a", { href, target: "_blank", rel: "noopener noreferrer" }, [
          document.createTextNode(m[0]),
          h("span", { class: "sr", text: T.newTab })
        ]));
        last = m.index + m[0].length;
      }
      if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
      return frag;
    }
    function offerCard(o) {
      const title = String(o.title || "Angebot");
      const place = o.online ? T.online : [o.municipality, o.distance_km != null && !isNaN(Number(o.distance_km)) ? km(o.distance_km) : null].filter(Boolean).join(" · ");
      const start = germanDate(o.next_start);
      const href = safeUrl(o.url);
      const link = href ? h("a", { href, target: "_blank", rel: "noopener noreferrer" }, [
        document.createTextNode(T.more),
        h("span", { class: "sr", text: ": " + title + T.newTab })
      ]) : null;
      return h("li", { class: "offer" }, [
        h("h3", { class: "offer-title", text: title }),
        o.provider ? h("p", { class: "offer-meta", text: String(o.provider) }) : null,
        place ? h("p", { class: "offer-meta", text: place }) : null,
        start ? h("p", { class: "offer-meta", text: T.start + start }) : null,
        h("p", { class: "offer-cost", text: cost(o.cost_eur) }),
        link
      ]);
    }
    function setLanguage(el, language) {
      if (typeof language !== "string" || !language) return;
      el.setAttribute("lang", language);
      if (["ar", "fa", "he", "ur"].indexOf(language) >= 0) el.setAttribute("dir", "rtl");
    }
    function renderMessage(m) {
      const sender = ["user", "bot", "counsellor", "system"].indexOf(m.sender) >= 0 ? m.sender : "bot";
      const el = h("div", { class: "msg " + sender + (m.error ? " error" : "") });
      if (m.seq != null) el.setAttribute("data-seq", String(m.seq));
      setLanguage(el, m.language);
      if (sender === "counsellor") {
        el.appendChild(h("p", { class: "who", text: T.counsellor }));
      }
      const text = typeof m.text === "string" ? m.text : "";
      if (text || sender !== "counsellor") {
        const bubble = h("div", { class: "bubble" });
        if (sender !== "counsellor") {
          bubble.appendChild(h("span", { class: "sr", text: { user: T.you, bot: T.bot, system: T.system }[sender] + ": " }));
        }
        bubble.appendChild(richText(text));
        if (text) el.appendChild(bubble);
      }
      const offers = Array.isArray(m.offers) ? m.offers : [];
      if (offers.length) {
        el.appendChild(h("ul", { class: "offers", "aria-label": T.offers }, offers.map(offerCard)));
      }
      const buttons = Array.isArray(m.buttons) ? m.buttons : [];
      if (buttons.length) {
        el.appendChild(h("div", { class: "quick", role: "group", "aria-label": T.quick }, buttons.map(function(b) {
          const title = String(b.title || b.payload || "");
          return h("button", {
            type: "button",
            class: "btn",
            text: title,
            onclick: function() {
              quickReply(String(b.payload || ""), title);
            }
          });
        })));
      }
      return el;
    }
    function addMessage(m, fromStream) {
      if (!m || typeof m.seq !== "number" || state.seen[m.seq]) return;
      const stick = nearEnd();
      if (m.sender === "user") {
        const text = (m.text || "").trim();
        for (let i = 0; i < state.pending.length; i++) {
          if (state.pending[i].text === text) {
            const mine = state.pending.splice(i, 1)[0].el;
            mine.classList.remove("pending");
            mine.setAttribute("data-seq", String(m.seq));
            setLanguage(mine, m.language);
            state.seen[m.seq] = mine;
            noteSeq(m);
            return;
          }
        }
      }
      const el = renderMessage(m);
      state.seen[m.seq] = el;
      let next = firstUnsent();
      if (m.seq < state.lastSeq) {
        next = null;
        const rendered = ui.log.querySelectorAll("[data-seq]");
        for (let j = 0; j < rendered.length; j++) {
          if (Number(rendered[j].getAttribute("data-seq")) > m.seq) {
            next = rendered[j];
            break;
          }
        }
      }
      ui.log.insertBefore(el, next);
      noteSeq(m);
      if (m.handover && m.seq >= state.handoverSeq) {
        state.handoverSeq = m.seq;
        showHandover(m.handover);
      }
      if (fromStream && !state.open && m.sender !== "user" && !state.loadingHistory) setUnread(state.unread + 1);
      updateQuickReplies();
      ui.intro.hidden = true;
      if (m.sender === "user") scrollToEnd();
      else if (stick && !state.loadingHistory) reveal(el);
    }
    function reveal(el) {
      if (state.revealEl) return;
      state.revealEl = el;
      setTimeout(function() {
        const first = state.revealEl;
        state.revealEl = null;
        if (first && first.isConnected) ui.scroll.scrollTop = Math.max(0, first.offsetTop - 8);
      }, 0);
    }
    function noteSeq(m) {
      if (m.seq > state.lastSeq) state.lastSeq = m.seq;
      if (m.sender === "user" && m.seq > state.lastUserSeq) state.lastUserSeq = m.seq;
      if (state.id) storage.set("localStorage", STORE_KEY, JSON.stringify({ id: state.id, seq: state.lastSeq }));
    }
    function updateQuickReplies() {
      const groups = ui.log.querySelectorAll(".quick");
      for (let i = 0; i < groups.length; i++) {
        const msg = groups[i].parentNode;
        const seq = Number(msg.getAttribute("data-seq"));
        groups[i].hidden = seq < state.lastUserSeq || firstUnsent() !== null;
      }
    }
    function firstUnsent() {
      for (let i = 0; i < state.pending.length; i++) if (!state.pending[i].sent) return state.pending[i].el;
      return null;
    }
    function addLocal(text, error) {
      const el = renderMessage({ sender: "system", text, error: !!error });
      ui.log.appendChild(el);
      ui.intro.hidden = true;
      scrollToEnd();
      return el;
    }
    function showHandover(hv) {
      const office = hv && hv.office && hv.office.name ? String(hv.office.name) : "Bildungsbüro";
      if (hv && hv.status === "waiting") {
        ui.banner.textContent = T.waiting(office);
        ui.banner.className = "banner waiting";
        ui.banner.hidden = false;
      } else if (hv && hv.status === "active") {
        ui.banner.textContent = T.active(office);
        ui.banner.className = "banner";
        ui.banner.hidden = false;
      } else {
        ui.banner.hidden = true;
        ui.banner.textContent = "";
      }
    }
    function setBusy(delta) {
      state.busy = Math.max(0, state.busy + delta);
      const on = state.busy > 0;
      if (ui.typing.hidden === !on) return;
      ui.typing.hidden = !on;
      ui.typingStatus.textContent = on ? T.typing : "";
      if (on) scrollToEnd();
    }
    function resetView() {
      ui.log.textContent = "";
      ui.banner.hidden = true;
      ui.intro.hidden = false;
      state.seen = {};
      state.pending = [];
      state.lastSeq = 0;
      state.lastUserSeq = 0;
      state.handoverSeq = 0;
      setUnread(0);
    }
    function request(method, path, body) {
      const ctrl = typeof AbortController === "function" ? new AbortController() : null;
      const timer = ctrl ? setTimeout(function() {
        ctrl.abort();
      }, REQUEST_TIMEOUT_MS) : null;
      const init2 = { method, credentials: "omit", cache: "no-store", headers: { Accept: "application/json" } };
      if (ctrl) init2.signal = ctrl.signal;
      if (body !== void 0) {
        init2.headers["Content-Type"] = "application/json";
        init2.body = JSON.stringify(body);
      }
      return fetch(API + path, init2).then(function(r) {
        if (timer) clearTimeout(timer);
        if (r.status === 204) return { status: 204, ok: true, data: null };
        return r.json().catch(function() {
          return null;
        }).then(function(data) {
          return { status: r.status, ok: r.ok, data };
        });
      }, function(err) {
        if (timer) clearTimeout(timer);
        return { status: 0, ok: false, data: null, error: err };
      });
    }
    function detail(res, fallback) {
      const d = res && res.data && res.data.detail;
      if (typeof d === "string" && d) return d;
      return res && res.status === 0 ? T.offline : fallback || T.failed;
    }
    function forget() {
      state.generation++;
      closeStream();
      state.id = null;
      state.starting = null;
      storage.set("localStorage", STORE_KEY, null);
      resetView();
    }
    function ensureConversation() {
      if (state.id) return Promise.resolve(state.id);
      if (state.starting) return state.starting;
      const gen = state.generation;
      ui.intro.hidden = false;
      state.starting = request("POST", "").then(function(res) {
        if (gen !== state.generation) return state.starting || ensureConversation();
        state.starting = null;
        if (res.status !== 201 || !res.data || typeof res.data.conversation_id !== "string") {
          const failed = addLocal(detail(res, T.startFailed), true);
          failed.appendChild(h("div", { class: "row" }, [h("button", {
            type: "button",
            class: "btn",
            text: T.retry,
            onclick: function() {
              failed.remove();
              ensureConversation();
            }
          })]));
          return null;
        }
        state.id = res.data.conversation_id;
        (res.data.messages || []).forEach(function(m) {
          addMessage(m, false);
        });
        noteSeq({ seq: state.lastSeq });
        openStream();
        return state.id;
      });
      return state.starting;
    }
    function resume(id) {
      state.id = id;
      const gen = state.generation;
      state.loadingHistory = true;
      ui.log.setAttribute("aria-busy", "true");
      return request("GET", "/" + encodeURIComponent(id) + "/messages?after=0").then(function(res) {
        if (gen !== state.generation) return;
        state.loadingHistory = false;
        ui.log.removeAttribute("aria-busy");
        if (res.status === 404) {
          forget();
          if (state.open) ensureConversation();
          return;
        }
        if (res.ok && res.data) (res.data.messages || []).forEach(function(m) {
          addMessage(m, false);
        });
        scrollToEnd();
        openStream();
      });
    }
    function catchUp() {
      if (!state.id) return Promise.resolve();
      const id = state.id, gen = state.generation;
      return request("GET", "/" + encodeURIComponent(id) + "/messages?after=" + state.lastSeq).then(function(res) {
        if (gen !== state.generation) return;
        if (res.status === 404) {
          forget();
          addLocal(T.expired);
          if (state.open) ensureConversation();
          return;
        }
        if (res.ok && res.data) (res.data.messages || []).forEach(function(m) {
          addMessage(m, true);
        });
        if (!state.source || state.source.readyState === 2) openStream();
      });
    }
    function openStream() {
      if (!state.id || typeof EventSource !== "function") return;
      closeStream();
      const gen = state.generation;
      const url = API + "/" + encodeURIComponent(state.id) + "/stream?after=" + state.lastSeq;
      const es = new EventSource(url);
      let hadError = false;
      state.source = es;
      es.onmessage = function(e) {
        if (gen !== state.generation) return;
        try {
          addMessage(JSON.parse(e.data), true);
        } catch (err) {
        }
      };
      es.addEventListener("deleted", function() {
        if (gen !== state.generation) return;
        forget();
        addLocal(T.cleared);
        if (state.open) ensureConversation();
      });
      es.onopen = function() {
        if (hadError) {
          hadError = false;
          catchUp();
        }
      };
      es.onerror = function() {
        hadError = true;
        if (es.readyState === 2 && gen === state.generation) {
          clearTimeout(state.retryTimer);
          state.retryTimer = setTimeout(function() {
            if (gen === state.generation) catchUp();
          }, 5e3);
        }
      };
    }
    function closeStream() {
      clearTimeout(state.retryTimer);
      if (state.source) state.source.close();
      state.source = null;
    }
    function onInputKey(e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        submitInput();
      }
    }
    function onSubmit(e) {
      e.preventDefault();
      submitInput();
    }
    function autosize() {
      ui.input.style.height = "auto";
      ui.input.style.height = Math.min(ui.input.scrollHeight + 2, 140) + "px";
    }
    function submitInput() {
      const text = ui.input.value.trim();
      if (!text) {
        ui.input.focus();
        return;
      }
      ui.input.value = "";
      autosize();
      send({ text }, text);
    }
    function quickReply(payload, title) {
      ui.input.focus();
      send({ payload }, title);
    }
    function send(body, shown) {
      const mine = renderMessage({ sender: "user", text: shown });
      mine.classList.add("pending");
      const item = { text: shown.trim(), el: mine, sent: false };
      state.pending.push(item);
      ui.log.appendChild(mine);
      ui.intro.hidden = true;
      updateQuickReplies();
      scrollToEnd();
      setBusy(1);
      state.queue = state.queue.then(function() {
        return deliver(body, item, true);
      }).then(function() {
        setBusy(-1);
      }, function() {
        setBusy(-1);
      });
    }
    function dropPending(item, restoreText) {
      const i = state.pending.indexOf(item);
      if (i >= 0) state.pending.splice(i, 1);
      item.el.remove();
      if (restoreText && "text" in restoreText && !ui.input.value) ui.input.value = restoreText.text;
      updateQuickReplies();
    }
    function deliver(body, item, mayRetry) {
      return ensureConversation().then(function(id) {
        if (!id) {
          dropPending(item, body);
          return;
        }
        const gen = state.generation;
        return request("POST", "/" + encodeURIComponent(id) + "/messages", body).then(function(res) {
          if (gen !== state.generation) return;
          if (res.ok && res.data) {
            const replies = res.data.messages || [];
            item.sent = true;
            item.el.classList.remove("pending");
            if (replies.length && typeof replies[0].seq === "number") {
              state.lastUserSeq = Math.max(state.lastUserSeq, replies[0].seq - 1);
            }
            replies.forEach(function(m) {
              addMessage(m, false);
            });
            updateQuickReplies();
            return;
          }
          if (res.status === 404 && mayRetry) {
            forget();
            addLocal(T.expired);
            state.pending.push(item);
            ui.log.appendChild(item.el);
            return deliver(body, item, false);
          }
          dropPending(item, body);
          addLocal(detail(res), true);
        });
      });
    }
    function askClear() {
      hideMenu(false);
      ui.confirm.hidden = false;
      ui.confirmNo.focus();
    }
    function cancelClear() {
      ui.confirm.hidden = true;
      ui.menuBtn.focus();
    }
    function doClear() {
      ui.confirm.hidden = true;
      const id = state.id;
      const done = id ? request("DELETE", "/" + encodeURIComponent(id)) : Promise.resolve({ status: 204 });
      closeStream();
      return done.then(function(res) {
        if (res.status !== 204 && res.status !== 404) {
          addLocal(detail(res), true);
          openStream();
          ui.input.focus();
          return;
        }
        forget();
        addLocal(T.cleared);
        ui.input.focus();
        return ensureConversation();
      });
    }
    function restart() {
      hideMenu(false);
      forget();
      addLocal(T.restarted);
      ui.input.focus();
      return ensureConversation();
    }
    function init() {
      build();
      let saved;
      try {
        saved = JSON.parse(storage.get("localStorage", STORE_KEY) || "null");
      } catch (e) {
        saved = null;
      }
      if (saved && typeof saved.id === "string" && saved.id) resume(saved.id);
      if (storage.get("sessionStorage", OPEN_KEY)) open(false);
      window.addEventListener("online", function() {
        catchUp();
      });
      document.addEventListener("visibilitychange", function() {
        if (document.visibilityState === "visible" && state.id && (!state.source || state.source.readyState === 2)) {
          catchUp();
        }
      });
    }
    window.BildungslotseWidget = {
      open: function() {
        if (host) open(true);
      },
      close: function() {
        if (host) close(false);
      }
    };
    if (document.body) init();
    else document.addEventListener("DOMContentLoaded", init);
  })();
})();

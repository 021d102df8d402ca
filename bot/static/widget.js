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
 * Texts in the citizen's language (GET /api/v1/labels), German built in.
 */
(() => {
  // web/common/color.js
  function parseHex(value) {
    const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(typeof value === "string" ? value.trim() : "");
    if (!m) return null;
    const hex = m[1].length === 3 ? m[1].replace(/(.)/g, "$1$1") : m[1];
    return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  }
  function toHex(rgb) {
    return "#" + rgb.map((c) => Math.max(0, Math.min(255, Math.round(c))).toString(16).padStart(2, "0")).join("");
  }
  function luminance(rgb) {
    const [r, g, b] = rgb.map((c) => {
      const x = c / 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function contrastRatio(a, b) {
    const la = luminance(a);
    const lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function contrastWithWhite(rgb) {
    return contrastRatio(rgb, [255, 255, 255]);
  }
  function accessibleColor(value, fallback = "#005a9c") {
    let rgb = parseHex(value);
    if (!rgb) return fallback;
    for (let step = 0; step < 60 && contrastWithWhite(rgb) < 5.1; step++) {
      rgb = rgb.map((c) => Math.floor(c * 0.93));
    }
    return toHex(rgb);
  }

  // web/widget/config.js
  function apiBase(src, baseURI) {
    const url = new URL(src || "widget.js", baseURI);
    return url.origin + url.pathname.replace(/\/[^/]*$/, "");
  }
  function titleOf(value) {
    return (value || "").trim().slice(0, 60) || "Bildungslotse";
  }
  function readConfig(script, baseURI) {
    const base = apiBase(script.getAttribute("src"), baseURI);
    return {
      base,
      api: base + "/api/v1",
      title: titleOf(script.getAttribute("data-title")),
      color: accessibleColor(script.getAttribute("data-color")),
      storeKey: "bildungslotse:" + base + ":conversation",
      openKey: "bildungslotse:" + base + ":open"
    };
  }
  function findScript(doc) {
    if (doc.currentScript) return doc.currentScript;
    const all = doc.querySelectorAll("script[src]");
    for (let i = all.length - 1; i >= 0; i--) {
      if (/\/widget\.js(\?|#|$)/.test(all[i].getAttribute("src"))) return all[i];
    }
    return null;
  }

  // web/common/dom.js
  function h(tag, attrs, children) {
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
  var SVG_NS = "http://www.w3.org/2000/svg";
  function svgIcon(name, d) {
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

  // web/common/languages.js
  var LANGUAGES = Object.freeze({
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
    ur: { native: "اردو", german: "Urdu", dir: "rtl" }
  });
  function baseLanguage(tag) {
    const m = /^\s*([a-z]{2,3})(?:[-_][a-z0-9_-]*)?\s*$/i.exec(typeof tag === "string" ? tag : "");
    return m ? m[1].toLowerCase() : "";
  }
  function direction(tag) {
    const entry = LANGUAGES[baseLanguage(tag)];
    return entry ? entry.dir : "ltr";
  }
  function pickLanguage(preferred, offered) {
    const allowed = new Set((offered || []).map(baseLanguage).filter(Boolean));
    for (const tag of preferred || []) {
      const code = baseLanguage(tag);
      if (code && allowed.has(code)) return code;
    }
    return null;
  }

  // web/widget/api.js
  var REQUEST_TIMEOUT_MS = 45e3;
  function createApi(api, fetchImpl = (...args) => fetch(...args)) {
    const conversations = api + "/conversations";
    function request(method, url, body) {
      const ctrl = typeof AbortController === "function" ? new AbortController() : null;
      const timer = ctrl ? setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS) : null;
      const init = { method, credentials: "omit", cache: "no-store", headers: { Accept: "application/json" } };
      if (ctrl) init.signal = ctrl.signal;
      if (body !== void 0) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      return fetchImpl(url, init).then(
        (r) => {
          if (timer) clearTimeout(timer);
          if (r.status === 204) return { status: 204, ok: true, data: null };
          return r.json().catch(() => null).then((data) => ({ status: r.status, ok: r.ok, data }));
        },
        (error) => {
          if (timer) clearTimeout(timer);
          return { status: 0, ok: false, data: null, error };
        }
      );
    }
    const one = (id) => conversations + "/" + encodeURIComponent(id);
    return {
      /** The widget's texts in the first offered of `preferences` (codes, most wanted first). */
      labels(preferences) {
        const lang = (preferences || []).filter((p) => /^[A-Za-z0-9_-]{1,35}$/.test(p)).slice(0, 8).join(",");
        const init = { method: "GET", credentials: "omit", headers: { Accept: "application/json" } };
        return fetchImpl(api + "/labels?lang=" + encodeURIComponent(lang), init).then(
          (r) => r.json().catch(() => null).then((data) => ({ status: r.status, ok: r.ok, data })),
          (error) => ({ status: 0, ok: false, data: null, error })
        );
      },
      /** A new conversation; `language` only when the citizen's browser asks for an offered one. */
      create(language) {
        return request("POST", conversations, language ? { language } : void 0);
      },
      messages(id, after) {
        return request("GET", one(id) + "/messages?after=" + (after || 0));
      },
      send(id, body) {
        return request("POST", one(id) + "/messages", body);
      },
      remove(id) {
        return request("DELETE", one(id));
      },
      /** 👍/👎 on an answer with offers (#13); a second vote on the same answer replaces the first. */
      feedback(id, seq, helpful) {
        return request("POST", one(id) + "/feedback", { seq, helpful });
      },
      /** The rating 1–5 after a closed handover, with an optional comment for the office (#13). */
      rating(id, body) {
        return request("POST", one(id) + "/feedback", body);
      },
      /** Switch the reply language or Einfache Sprache: {language} or {plain}. */
      update(id, body) {
        return request("PATCH", one(id), body);
      },
      streamUrl(id, after) {
        return one(id) + "/stream?after=" + (after || 0);
      }
    };
  }
  function reason(res, t, fallbackKey) {
    const d = res && res.data && res.data.detail;
    if (typeof d === "string" && d) return d;
    return res && res.status === 0 ? t("offline") : t(fallbackKey || "failed");
  }

  // web/common/format.js
  function safeUrl(url) {
    if (typeof url !== "string" || !/^https?:\/\//i.test(url.trim())) return null;
    try {
      const u = new URL(url.trim());
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch {
      return null;
    }
  }
  function linkify(text) {
    const parts = [];
    const source = String(text == null ? "" : text);
    const re = /https?:\/\/[^\s<>"'„“]+[^\s<>"'„“.,;:!?)\]]/gi;
    let last = 0;
    let m;
    while (m = re.exec(source)) {
      const href = safeUrl(m[0]);
      if (!href) continue;
      if (m.index > last) parts.push({ text: source.slice(last, m.index) });
      parts.push({ url: href, text: m[0] });
      last = m.index + m[0].length;
    }
    if (last < source.length) parts.push({ text: source.slice(last) });
    return parts;
  }
  function germanDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(typeof iso === "string" ? iso : "");
    return m ? `${m[3]}.${m[2]}.${m[1]}` : null;
  }
  var EURO = new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" });
  function euro(value) {
    if (value == null || value === "" || Number.isNaN(Number(value))) return null;
    return EURO.format(Number(value));
  }
  function km(value) {
    const n = Number(value);
    return (n < 10 ? n.toFixed(1) : String(Math.round(n))).replace(".", ",") + " km";
  }
  function fill(template, fields) {
    return String(template).replace(
      /\{(\w+)\}/g,
      (all, name) => fields && Object.prototype.hasOwnProperty.call(fields, name) ? String(fields[name]) : all
    );
  }

  // web/widget/labels.json
  var labels_default = {
    launcherLabel: "{title} – Chat",
    unreadOne: "1 neue Nachricht",
    unreadMany: "{count} neue Nachrichten",
    subtitle: "Bildung & Familie · Landkreis Osnabrück",
    menu: "Menü",
    close: "Chat schließen",
    clear: "Verlauf löschen",
    restart: "Neu beginnen",
    plain: "Einfache Sprache",
    plainOn: "Einfache Sprache ist jetzt an.",
    plainOff: "Einfache Sprache ist jetzt aus.",
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
    counsellor: "Beraterin/Berater",
    system: "Hinweis",
    quick: "Antwortvorschläge",
    offers: "Gefundene Angebote",
    offer: "Angebot",
    online: "online",
    free: "kostenlos",
    costUnknown: "Kosten auf Anfrage",
    start: "Beginn: {date}",
    more: "Mehr erfahren",
    newTab: "(öffnet in neuem Tab)",
    waiting: "Wir verbinden Sie mit dem {office} …",
    active: "Sie schreiben jetzt mit dem {office}",
    helpfulQ: "Hat das geholfen?",
    helpfulYes: "Ja, das hat geholfen",
    helpfulNo: "Nein, das hat nicht geholfen",
    thanks: "Danke für Ihre Rückmeldung.",
    rateQ: "Wie zufrieden waren Sie mit der Beratung?",
    rateHint: "1 = gar nicht, 5 = sehr",
    rateN: "{number} von 5",
    commentQ: "Möchten Sie noch etwas dazu schreiben? (freiwillig)",
    commentSend: "Absenden",
    commentSkip: "Nein danke",
    cleared: "Ihr Verlauf wurde gelöscht. Sie können neu beginnen.",
    restarted: "Neues Gespräch begonnen.",
    expired: "Das bisherige Gespräch gibt es nicht mehr. Ein neues Gespräch wurde begonnen.",
    offline: "Keine Verbindung zum Server. Bitte prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.",
    failed: "Das hat leider nicht geklappt. Bitte versuchen Sie es später noch einmal.",
    startFailed: "Der Chat ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal.",
    retry: "Erneut versuchen"
  };

  // web/widget/labels.js
  function createLabels() {
    let texts = { ...labels_default };
    let language = "de";
    const listeners = [];
    function t(key, fields) {
      const text = Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : labels_default[key];
      return fill(text == null ? key : text, fields || {});
    }
    function set(lang, translated) {
      const next = { ...labels_default };
      for (const key of Object.keys(translated || {})) {
        if (Object.prototype.hasOwnProperty.call(labels_default, key) && typeof translated[key] === "string" && translated[key]) {
          next[key] = translated[key];
        }
      }
      texts = next;
      language = typeof lang === "string" && lang ? lang : "de";
      for (const fn of listeners) fn();
    }
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
      get language() {
        return language;
      },
      get dir() {
        return direction(language);
      }
    };
  }

  // web/widget/rating.js
  var MAX_COMMENT = 1e3;
  function noteHandover(claimed, hv) {
    if (!hv || typeof hv.ticket_id !== "string" || !hv.ticket_id) return false;
    if (hv.status === "active") claimed[hv.ticket_id] = true;
    return hv.status === "closed" && claimed[hv.ticket_id] === true;
  }
  function ratingBody(rating, comment) {
    const n = Number(rating);
    if (!Number.isInteger(n) || n < 1 || n > 5) return null;
    const text = typeof comment === "string" ? comment.trim().slice(0, MAX_COMMENT) : "";
    return { rating: n, comment: text || null };
  }

  // web/widget/offer.js
  function offerFacts(o, t) {
    const distance = o.distance_km != null && !Number.isNaN(Number(o.distance_km)) ? km(o.distance_km) : null;
    const place = o.online ? t("online") : [o.municipality, distance].filter(Boolean).join(" · ");
    const start = germanDate(o.next_start);
    const price = euro(o.cost_eur);
    return {
      title: String(o.title || t("offer")),
      provider: o.provider ? String(o.provider) : null,
      place: place || null,
      start: start ? t("start", { date: start }) : null,
      cost: price == null ? t("costUnknown") : Number(o.cost_eur) === 0 ? t("free") : price,
      price: price != null && Number(o.cost_eur) !== 0,
      // cost is a number in euros (not a word)
      href: safeUrl(o.url)
    };
  }

  // web/widget/render/icons.js
  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    close: "M6 6l12 12M18 6L6 18",
    menu: "M12 5.5v.01M12 12v.01M12 18.5v.01",
    send: "M3 20l18-8L3 4v6l12 2-12 2z",
    up: "M7 11v10H4a1 1 0 0 1-1-1v-8a1 1 0 0 1 1-1h3zm0 0l4-8a2.5 2.5 0 0 1 2.5 2.5V9h5.3a2 2 0 0 1 2 2.3l-1.2 7.6a2.5 2.5 0 0 1-2.5 2.1H7",
    down: "M17 13V3h3a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1h-3zm0 0l-4 8a2.5 2.5 0 0 1-2.5-2.5V15H5.2a2 2 0 0 1-2-2.3l1.2-7.6A2.5 2.5 0 0 1 6.9 3H17"
  };
  function icon(name) {
    return svgIcon(name, ICONS[name]);
  }

  // web/widget/render/message.js
  var ids = 0;
  var SENDERS = ["user", "bot", "counsellor", "system"];
  function richText(text, t) {
    const frag = document.createDocumentFragment();
    for (const part of linkify(text)) {
      if (!part.url) {
        frag.appendChild(document.createTextNode(part.text));
        continue;
      }
      frag.appendChild(h("a", { href: part.url, target: "_blank", rel: "noopener noreferrer" }, [
        document.createTextNode(part.text),
        h("span", { class: "sr", text: " " + t("newTab") })
      ]));
    }
    return frag;
  }
  function offerCard(o, t) {
    const f = offerFacts(o, t);
    const link = f.href ? h("a", { href: f.href, target: "_blank", rel: "noopener noreferrer" }, [
      document.createTextNode(t("more")),
      h("span", { class: "sr", text: ": " + f.title + " " + t("newTab") })
    ]) : null;
    return h("li", { class: "offer" }, [
      h("h3", { class: "offer-title", text: f.title }),
      f.provider ? h("p", { class: "offer-meta", text: f.provider }) : null,
      f.place ? h("p", { class: "offer-meta", text: f.place }) : null,
      f.start ? h("p", { class: "offer-meta", text: f.start }) : null,
      // A price is written left to right in every panel ("45,50 €", not "€ 45,50" in Arabic).
      h("p", { class: "offer-cost" }, [h("span", { dir: f.price ? "ltr" : null, text: f.cost })]),
      link
    ]);
  }
  function setLanguage(el, language) {
    if (typeof language === "string" && language) el.setAttribute("lang", language);
  }
  function feedbackGroup(t, onVote) {
    const question = h("p", { class: "feedback-q", text: t("helpfulQ") });
    const group = h("div", { class: "feedback", role: "group", "aria-label": t("helpfulQ") });
    const vote = (helpful) => {
      for (const b of group.querySelectorAll("button")) b.disabled = true;
      onVote(helpful).then((counted) => {
        if (counted) thank(group, t);
        else for (const b of group.querySelectorAll("button")) b.disabled = false;
      });
    };
    const button = (helpful, name, key) => h("button", {
      type: "button",
      class: "vote",
      "aria-label": t(key),
      title: t(key),
      onclick: () => vote(helpful)
    }, [icon(name)]);
    group.append(question, button(true, "up", "helpfulYes"), button(false, "down", "helpfulNo"));
    return group;
  }
  function thank(group, t) {
    const thanks = h("p", { class: "thanks", text: t("thanks"), tabindex: "-1" });
    group.replaceWith(thanks);
    return thanks;
  }
  function ratingGroup(t, onRate, onDone) {
    const n = ++ids;
    const group = h("div", {
      class: "rating",
      role: "group",
      "aria-labelledby": "bl-rq" + n,
      "aria-describedby": "bl-rh" + n
    });
    const done = () => {
      const thanks = thank(group, t);
      if (onDone) onDone(thanks);
    };
    const scale = h("div", { class: "scale" });
    const rate = (value) => {
      for (const b of scale.querySelectorAll("button")) b.disabled = true;
      onRate(ratingBody(value, null)).then((stored) => {
        if (stored) askComment(value);
        else for (const b of scale.querySelectorAll("button")) b.disabled = false;
      });
    };
    for (let value = 1; value <= 5; value++) {
      scale.appendChild(h("button", {
        type: "button",
        class: "vote",
        text: String(value),
        "aria-label": t("rateN", { number: value }),
        onclick: () => rate(value)
      }));
    }
    group.append(
      h("p", { class: "feedback-q", id: "bl-rq" + n, text: t("rateQ") }),
      h("p", { class: "rating-hint", id: "bl-rh" + n, text: t("rateHint") }),
      scale
    );
    function askComment(value) {
      const box = h("textarea", { id: "bl-rc" + n, class: "comment", rows: "3", maxlength: "1000" });
      const send = h("button", { type: "button", class: "btn", text: t("commentSend") });
      const skip = h("button", { type: "button", class: "btn", text: t("commentSkip"), onclick: done });
      send.addEventListener("click", () => {
        const body = ratingBody(value, box.value);
        if (!body.comment) return done();
        send.disabled = skip.disabled = true;
        onRate(body).then((stored) => {
          if (stored) done();
          else send.disabled = skip.disabled = false;
        });
      });
      group.removeAttribute("aria-describedby");
      group.setAttribute("aria-labelledby", "bl-rl" + n);
      group.replaceChildren(
        h("label", { class: "feedback-q", id: "bl-rl" + n, for: "bl-rc" + n, text: t("commentQ") }),
        box,
        h("div", { class: "row" }, [send, skip])
      );
      box.focus();
      if (group.scrollIntoView) group.scrollIntoView({ block: "nearest" });
    }
    return group;
  }
  function renderMessage(m, t, on) {
    const sender = SENDERS.indexOf(m.sender) >= 0 ? m.sender : "bot";
    const el = h("div", { class: "msg " + sender + (m.error ? " error" : "") });
    if (m.seq != null) el.setAttribute("data-seq", String(m.seq));
    setLanguage(el, m.language);
    if (sender === "counsellor") el.appendChild(h("p", { class: "who", text: t("counsellor") }));
    const text = typeof m.text === "string" ? m.text : "";
    if (text) {
      const bubble = h("div", { class: "bubble", dir: "auto" });
      const who = { user: t("you"), bot: on && on.botName, system: t("system") }[sender];
      if (who) bubble.appendChild(h("span", { class: "sr", dir: on && on.dir && on.dir() || "ltr", text: who + ": " }));
      bubble.appendChild(richText(text, t));
      el.appendChild(bubble);
    }
    const offers = Array.isArray(m.offers) ? m.offers : [];
    if (offers.length) {
      el.appendChild(h("ul", { class: "offers", "aria-label": t("offers") }, offers.map((o) => offerCard(o, t))));
      if (sender === "bot" && typeof m.seq === "number" && on && on.vote) {
        const seq = m.seq;
        const group = feedbackGroup(t, (helpful) => on.vote(seq, helpful));
        el.appendChild(group);
        if (on.voted && on.voted(seq)) thank(group, t);
      }
    }
    if (sender === "system" && m.handover && on && on.rateable && on.rateable(m.handover)) {
      const ticket = m.handover.ticket_id;
      if (on.rated(ticket)) {
        el.appendChild(h("p", { class: "thanks", text: t("thanks"), tabindex: "-1" }));
      } else {
        el.appendChild(ratingGroup(t, (body) => on.rate(ticket, body), on.rateDone));
      }
    }
    const buttons = Array.isArray(m.buttons) ? m.buttons : [];
    if (buttons.length) {
      el.appendChild(h("div", { class: "quick", role: "group", "aria-label": t("quick") }, buttons.map((b) => {
        const title = String(b.title || b.payload || "");
        return h("button", {
          type: "button",
          class: "btn",
          text: title,
          onclick: () => on && on.quickReply && on.quickReply(String(b.payload || ""), title)
        });
      })));
    }
    return el;
  }

  // web/widget/render/styles.js
  function css(color) {
    return [
      ":host{all:initial;display:block}",
      "*,*::before,*::after{box-sizing:border-box}",
      "[hidden]{display:none!important}",
      ".root{--accent:" + color + ";--ink:#1a1a1a;--muted:#4d4d4d;--line:#8a8a8a;--soft:#f2f4f7;--counsel:#0b6e3d;",
      "  font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--ink);",
      "  text-align:start;letter-spacing:normal;word-spacing:normal;text-transform:none;-webkit-text-size-adjust:100%}",
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
      "  min-height:52px;padding:10px;padding-inline:14px 18px;border:2px solid #fff;border-radius:26px;background:var(--accent);",
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
      ".head{display:flex;align-items:center;gap:4px;padding:8px;padding-inline-start:16px;background:var(--accent);color:#fff;flex:none}",
      ".head-text{flex:1;min-width:0}",
      ".title{margin:0;font-size:18px;line-height:1.25;font-weight:700;overflow-wrap:anywhere}",
      ".subtitle{margin:0;font-size:13px;line-height:1.3}",
      ".icon-btn{display:inline-flex;align-items:center;justify-content:center;width:44px;height:44px;flex:none;",
      "  border:0;border-radius:8px;background:transparent;color:#fff}",
      ".icon-btn:hover{background:rgba(0,0,0,.2)}",
      ".head :focus-visible{outline-color:#fff;box-shadow:0 0 0 2px var(--ink)}",
      ".menu{position:absolute;top:56px;inset-inline-end:8px;z-index:2;min-width:200px;margin:0;padding:6px;list-style:none;",
      "  background:#fff;border:1px solid var(--line);border-radius:8px;box-shadow:0 6px 20px rgba(0,0,0,.25)}",
      ".menu button{display:block;width:100%;min-height:44px;padding:8px 12px;border:0;border-radius:6px;",
      "  background:#fff;text-align:start}",
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
      ".bubble{max-width:88%;padding:8px 12px;border-radius:14px;border-end-start-radius:4px;background:var(--soft);",
      "  white-space:pre-wrap;overflow-wrap:anywhere}",
      ".bubble a{color:var(--accent);text-decoration:underline}",
      ".user{align-items:flex-end}",
      ".user .bubble{background:var(--accent);color:#fff;border-radius:14px;border-end-end-radius:4px}",
      ".user .bubble a{color:#fff}",
      ".pending .bubble{opacity:.85}",
      ".counsellor .bubble{background:#fff;border:2px solid var(--counsel);border-inline-start-width:6px}",
      ".who{margin:0 0 2px;margin-inline-start:4px;font-size:13px;font-weight:700;color:var(--counsel)}",
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
      ".quick .btn{border-radius:22px;text-align:start}",
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
      /* 👍/👎 after an answer with offers (#13) */
      ".feedback{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin-top:8px;font-size:15px;color:var(--muted)}",
      ".feedback-q{margin:0}",
      ".vote{display:inline-flex;align-items:center;justify-content:center;min-width:48px;min-height:44px;padding:4px 12px;",
      "  border:2px solid var(--accent);border-radius:22px;background:#fff;color:var(--accent)}",
      ".vote .icon{stroke-width:2}",
      "[dir=rtl] .icon-send{transform:scaleX(-1)}",
      ".vote:hover{background:var(--soft)}",
      ".thanks{margin:8px 0 0;font-size:15px;font-weight:600;color:var(--counsel)}",
      /* the rating 1–5 after a closed handover (#13) */
      ".rating{display:flex;flex-direction:column;align-items:center;gap:8px;width:100%;margin-top:8px;font-size:15px;",
      "  color:var(--muted);text-align:center}",
      ".rating-hint{margin:0;font-size:14px}",
      ".scale{display:flex;flex-wrap:wrap;justify-content:center;gap:8px}",
      ".rating .comment{align-self:stretch;min-height:66px;padding:8px 10px;text-align:start;border:1px solid #6b6b6b;border-radius:8px;resize:vertical;",
      "  background:#fff;color:var(--ink)}",
      '.menu [aria-pressed=true]::after{content:" ✓";font-weight:700}',
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
  }

  // web/widget/render/panel.js
  function style(shadow, text) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      shadow.adoptedStyleSheets = [sheet];
    } catch {
      shadow.appendChild(h("style", { text }));
    }
  }
  function buildUi(doc, config, labels, on) {
    const { t, bind } = labels;
    const ui = {};
    ui.host = doc.createElement("bildungslotse-widget");
    ui.host.setAttribute("lang", "de");
    ui.shadow = ui.host.attachShadow({ mode: "open" });
    style(ui.shadow, css(config.color));
    ui.badge = h("span", { class: "badge", hidden: true, "aria-hidden": "true" });
    ui.launcherText = h("span", { class: "launcher-text", text: config.title });
    ui.launcher = h("button", {
      type: "button",
      class: "launcher",
      "aria-expanded": "false",
      "aria-controls": "bl-panel",
      onclick: on.toggle,
      onkeydown: on.launcherKey
    }, [icon("chat"), ui.launcherText, ui.badge]);
    ui.menuBtn = h("button", {
      type: "button",
      class: "icon-btn",
      "aria-expanded": "false",
      "aria-controls": "bl-menu",
      onclick: on.menu
    }, [icon("menu")]);
    ui.closeBtn = h("button", { type: "button", class: "icon-btn", onclick: on.close }, [icon("close")]);
    ui.clearBtn = h("button", { type: "button", onclick: on.clear });
    ui.restartBtn = h("button", { type: "button", onclick: on.restart });
    ui.plainBtn = h("button", { type: "button", "aria-pressed": "false", onclick: on.plain });
    ui.plainItem = h("li", { hidden: true }, [ui.plainBtn]);
    ui.menu = h("ul", { id: "bl-menu", class: "menu", hidden: true }, [
      h("li", null, [ui.clearBtn]),
      h("li", null, [ui.restartBtn]),
      ui.plainItem
    ]);
    ui.confirmYes = h("button", { type: "button", class: "btn btn-danger", onclick: on.confirmYes });
    ui.confirmNo = h("button", { type: "button", class: "btn", onclick: on.confirmNo });
    ui.confirmQ = h("p", { id: "bl-confirm-q", class: "confirm-q" });
    ui.confirmText = h("p", { id: "bl-confirm-text" });
    ui.confirm = h("div", {
      class: "confirm",
      role: "alertdialog",
      "aria-labelledby": "bl-confirm-q",
      "aria-describedby": "bl-confirm-text",
      hidden: true
    }, [ui.confirmQ, ui.confirmText, h("div", { class: "row" }, [ui.confirmYes, ui.confirmNo])]);
    ui.banner = h("p", { class: "banner", role: "status", hidden: true });
    ui.introText = h("p");
    ui.introStarting = h("p");
    ui.intro = h("div", { class: "intro" }, [ui.introText, ui.introStarting]);
    ui.log = h("div", {
      class: "log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      id: "bl-log"
    });
    ui.typingText = h("span");
    ui.typing = h("div", { class: "typing", hidden: true, "aria-hidden": "true" }, [
      h("span", { class: "dots", "aria-hidden": "true" }, [h("span"), h("span"), h("span")]),
      ui.typingText
    ]);
    ui.typingStatus = h("div", { class: "sr", role: "status" });
    ui.scroll = h("div", { class: "scroll" }, [ui.intro, ui.log, ui.typing]);
    ui.input = h("textarea", {
      id: "bl-input",
      rows: "1",
      maxlength: "2000",
      autocomplete: "off",
      "aria-describedby": "bl-hint",
      enterkeyhint: "send"
    });
    ui.input.addEventListener("keydown", on.inputKey);
    ui.input.addEventListener("input", on.autosize);
    ui.inputLabel = h("label", { for: "bl-input", class: "sr" });
    ui.hint = h("span", { id: "bl-hint", class: "sr" });
    ui.sendText = h("span");
    ui.form = h("form", { class: "form", novalidate: true, onsubmit: on.submit }, [
      ui.inputLabel,
      ui.hint,
      ui.input,
      h("button", { type: "submit", class: "send" }, [icon("send"), ui.sendText])
    ]);
    ui.title = h("h2", { id: "bl-title", class: "title", text: config.title });
    ui.subtitle = h("p", { class: "subtitle" });
    ui.foot = h("p", { class: "foot" });
    ui.panel = h("div", {
      id: "bl-panel",
      class: "panel",
      role: "dialog",
      "aria-labelledby": "bl-title",
      "aria-modal": "false",
      hidden: true
    }, [
      h("div", { class: "head" }, [h("div", { class: "head-text" }, [ui.title, ui.subtitle]), ui.menuBtn, ui.closeBtn]),
      ui.menu,
      ui.confirm,
      ui.banner,
      ui.scroll,
      ui.typingStatus,
      ui.form,
      ui.foot
    ]);
    ui.panel.addEventListener("keydown", on.panelKey);
    ui.shadow.addEventListener("pointerdown", on.outside);
    ui.root = h("div", { class: "root", lang: "de" }, [ui.panel, ui.launcher]);
    ui.shadow.appendChild(ui.root);
    const text = (el, key) => bind(() => {
      el.textContent = t(key);
    });
    const attr = (el, name, key) => bind(() => {
      el.setAttribute(name, t(key));
    });
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
      ui.panel.setAttribute("dir", dir);
      ui.launcher.setAttribute("dir", dir);
    });
    doc.body.appendChild(ui.host);
    return ui;
  }

  // web/widget/storage.js
  function createStorage(win) {
    const mem = {};
    function get(area, key) {
      try {
        return win[area].getItem(key);
      } catch {
        return mem[area + key] || null;
      }
    }
    function set(area, key, value) {
      try {
        if (value == null) win[area].removeItem(key);
        else win[area].setItem(key, value);
      } catch {
        if (value == null) delete mem[area + key];
        else mem[area + key] = value;
      }
    }
    return { get, set };
  }
  function parseSaved(raw) {
    let saved;
    try {
      saved = JSON.parse(raw || "null");
    } catch {
      return null;
    }
    if (!saved || typeof saved.id !== "string" || !saved.id) return null;
    return {
      id: saved.id,
      seq: Number.isInteger(saved.seq) ? saved.seq : 0,
      language: typeof saved.language === "string" ? saved.language : null,
      voted: Array.isArray(saved.voted) ? saved.voted.filter(Number.isInteger) : [],
      rated: Array.isArray(saved.rated) ? saved.rated.filter((v) => typeof v === "string" && v) : [],
      plain: saved.plain === true
    };
  }

  // web/widget/widget.js
  function createWidget(win, doc, config) {
    const storage = createStorage(win);
    const api = createApi(config.api);
    const labels = createLabels();
    const { t } = labels;
    const state = {
      id: null,
      lastSeq: 0,
      lastUserSeq: 0,
      seen: {},
      // seq -> element
      pending: [],
      // the citizen's messages not yet confirmed by the server: {text, el, sent}
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
      handover: null,
      generation: 0,
      // bumps on every new/forgotten conversation; late answers of an old one are dropped
      offered: ["de"],
      // the reply languages of the gateway (from /labels)
      language: null,
      // the conversation's language, as far as the widget knows
      voted: [],
      // seqs of answers the citizen rated
      rated: [],
      // tickets whose handover the citizen rated
      claimed: {},
      // tickets seen with a counsellor (their close notice asks for the rating)
      plain: false,
      // Einfache Sprache, as the gateway last confirmed it
      labelsReady: Promise.resolve(),
      wantLabels: null
      // the language of the labels last asked for
    };
    const on = {
      toggle: () => state.open ? close(true) : open(true),
      launcherKey: (e) => {
        if ((e.key === "Escape" || e.key === "Esc") && state.open) close(true);
      },
      menu: toggleMenu,
      close: () => close(true),
      clear: askClear,
      restart,
      plain: togglePlain,
      confirmYes: doClear,
      confirmNo: cancelClear,
      submit: (e) => {
        e.preventDefault();
        submitInput();
      },
      inputKey: onInputKey,
      autosize,
      panelKey: onPanelKey,
      outside: (e) => {
        if (!ui.menu.hidden && !ui.menu.contains(e.target) && !ui.menuBtn.contains(e.target)) hideMenu(false);
      }
    };
    const ui = buildUi(doc, config, labels, on);
    labels.bind(() => {
      setUnread(state.unread);
      showHandover(state.handover);
      showPlain();
    });
    const messageHandlers = {
      botName: config.title,
      dir: () => labels.dir,
      quickReply,
      vote,
      voted: (seq) => state.voted.indexOf(seq) >= 0,
      rateable: (hv) => noteHandover(state.claimed, hv),
      rated: (ticket) => state.rated.indexOf(ticket) >= 0,
      rate,
      rateDone: () => ui.input.focus()
    };
    let labelsRequest = 0;
    function loadLabels(preferences) {
      const mine = ++labelsRequest;
      state.wantLabels = preferences.length === 1 ? preferences[0] : null;
      return api.labels(preferences).then((res) => {
        if (mine !== labelsRequest) return;
        const d = res.ok && res.data;
        if (!d || typeof d.language !== "string" || !d.labels) return;
        if (Array.isArray(d.offered)) state.offered = d.offered.filter((c) => typeof c === "string");
        state.wantLabels = d.language;
        if (d.language !== labels.language) labels.set(d.language, d.labels);
      });
    }
    function followLanguage(m) {
      if (m.sender !== "bot" || typeof m.language !== "string") return;
      if (m.language === (state.wantLabels || labels.language) || state.offered.indexOf(m.language) < 0) return;
      state.language = m.language;
      save();
      state.labelsReady = loadLabels([m.language]);
    }
    function browserLanguages() {
      const nav = win.navigator || {};
      return Array.isArray(nav.languages) && nav.languages.length ? nav.languages.slice() : [nav.language || ""];
    }
    function open(moveFocus) {
      state.open = true;
      storage.set("sessionStorage", config.openKey, "1");
      ui.panel.hidden = false;
      ui.launcher.setAttribute("aria-expanded", "true");
      setUnread(0);
      ensureConversation();
      scrollToEnd();
      if (moveFocus) ui.input.focus();
    }
    function close(returnFocus) {
      state.open = false;
      storage.set("sessionStorage", config.openKey, null);
      hideMenu(false);
      ui.panel.hidden = true;
      ui.launcher.setAttribute("aria-expanded", "false");
      if (returnFocus) ui.launcher.focus();
    }
    function menuItems() {
      return Array.prototype.filter.call(ui.menu.querySelectorAll("button"), (b) => b.getClientRects().length > 0);
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
        (el) => !el.disabled && el.getClientRects().length > 0
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
        const items = menuItems();
        const i = items.indexOf(ui.shadow.activeElement);
        const step = e.key === "ArrowDown" ? 1 : -1;
        items[(i + step + items.length) % items.length].focus();
        return;
      }
      if (e.key === "Tab" && ui.panel.getBoundingClientRect().width >= win.innerWidth - 1) {
        const list = focusables();
        if (!list.length) return;
        const first = list[0];
        const last = list[list.length - 1];
        const active = ui.shadow.activeElement;
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
      const name = t("launcherLabel", { title: config.title });
      ui.launcher.setAttribute("aria-label", n ? name + ", " + labels.unread(n) : name);
    }
    function scrollToEnd() {
      ui.scroll.scrollTop = ui.scroll.scrollHeight;
    }
    function nearEnd() {
      return ui.scroll.scrollHeight - ui.scroll.scrollTop - ui.scroll.clientHeight < 80;
    }
    function render(m) {
      return renderMessage(m, t, messageHandlers);
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
      noteHandover(state.claimed, m.handover);
      const el = render(m);
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
      if (m.seq >= state.lastSeq) followLanguage(m);
      if (fromStream && !state.open && m.sender !== "user" && !state.loadingHistory) setUnread(state.unread + 1);
      updateQuickReplies();
      ui.intro.hidden = true;
      if (m.sender === "user") scrollToEnd();
      else if (stick && !state.loadingHistory) reveal(el);
    }
    function reveal(el) {
      if (state.revealEl) return;
      state.revealEl = el;
      setTimeout(() => {
        const first = state.revealEl;
        state.revealEl = null;
        if (first && first.isConnected) ui.scroll.scrollTop = Math.max(0, first.offsetTop - 8);
      }, 0);
    }
    function save() {
      if (!state.id) return;
      const record = {
        id: state.id,
        seq: state.lastSeq,
        language: state.language,
        voted: state.voted.slice(-50),
        rated: state.rated.slice(-20),
        plain: state.plain
      };
      storage.set("localStorage", config.storeKey, JSON.stringify(record));
    }
    function noteSeq(m) {
      if (m.seq > state.lastSeq) state.lastSeq = m.seq;
      if (m.sender === "user" && m.seq > state.lastUserSeq) state.lastUserSeq = m.seq;
      save();
    }
    function updateQuickReplies() {
      const groups = ui.log.querySelectorAll(".quick");
      for (let i = 0; i < groups.length; i++) {
        const seq = Number(groups[i].parentNode.getAttribute("data-seq"));
        groups[i].hidden = seq < state.lastUserSeq || firstUnsent() !== null;
      }
    }
    function firstUnsent() {
      for (let i = 0; i < state.pending.length; i++) if (!state.pending[i].sent) return state.pending[i].el;
      return null;
    }
    function addLocal(text, error) {
      const el = render({ sender: "system", text, error: !!error });
      ui.log.appendChild(el);
      ui.intro.hidden = true;
      scrollToEnd();
      return el;
    }
    function showHandover(hv) {
      state.handover = hv || null;
      const office = hv && hv.office && hv.office.name ? String(hv.office.name) : "Bildungsbüro";
      if (hv && hv.status === "waiting") {
        ui.banner.textContent = t("waiting", { office });
        ui.banner.className = "banner waiting";
        ui.banner.hidden = false;
      } else if (hv && hv.status === "active") {
        ui.banner.textContent = t("active", { office });
        ui.banner.className = "banner";
        ui.banner.hidden = false;
      } else {
        ui.banner.hidden = true;
        ui.banner.textContent = "";
      }
    }
    function setBusy(delta) {
      state.busy = Math.max(0, state.busy + delta);
      const busy = state.busy > 0;
      if (ui.typing.hidden === !busy) return;
      ui.typing.hidden = !busy;
      ui.typingStatus.textContent = busy ? t("typing") : "";
      if (busy) scrollToEnd();
    }
    function resetView() {
      ui.log.textContent = "";
      ui.intro.hidden = false;
      state.seen = {};
      state.pending = [];
      state.lastSeq = 0;
      state.lastUserSeq = 0;
      state.handoverSeq = 0;
      state.voted = [];
      state.rated = [];
      state.claimed = {};
      showHandover(null);
      setUnread(0);
    }
    function forget() {
      state.generation++;
      closeStream();
      state.id = null;
      state.starting = null;
      state.language = null;
      state.plain = false;
      showPlain();
      storage.set("localStorage", config.storeKey, null);
      resetView();
    }
    function ensureConversation() {
      if (state.id) return Promise.resolve(state.id);
      if (state.starting) return state.starting;
      const gen = state.generation;
      ui.intro.hidden = false;
      state.starting = state.labelsReady.then(() => {
        const wanted = pickLanguage(browserLanguages(), state.offered);
        return api.create(wanted && wanted !== "de" ? wanted : null);
      }).then((res) => {
        if (gen !== state.generation) return state.starting || ensureConversation();
        state.starting = null;
        if (res.status !== 201 || !res.data || typeof res.data.conversation_id !== "string") {
          const failed = addLocal(reason(res, t, "startFailed"), true);
          failed.appendChild(h("div", { class: "row" }, [h("button", {
            type: "button",
            class: "btn",
            text: t("retry"),
            onclick: () => {
              failed.remove();
              ensureConversation();
            }
          })]));
          return null;
        }
        state.id = res.data.conversation_id;
        (res.data.messages || []).forEach((m) => addMessage(m, false));
        save();
        openStream();
        return state.id;
      });
      return state.starting;
    }
    function resume(saved) {
      state.id = saved.id;
      state.language = saved.language;
      state.voted = saved.voted;
      state.rated = saved.rated;
      state.plain = saved.plain;
      showPlain();
      const gen = state.generation;
      state.loadingHistory = true;
      ui.log.setAttribute("aria-busy", "true");
      return Promise.all([api.messages(saved.id, 0), state.labelsReady]).then(([res]) => {
        if (gen !== state.generation) return;
        state.loadingHistory = false;
        ui.log.removeAttribute("aria-busy");
        if (res.status === 404) {
          forget();
          if (state.open) ensureConversation();
          return;
        }
        if (res.ok && res.data) (res.data.messages || []).forEach((m) => addMessage(m, false));
        scrollToEnd();
        openStream();
      });
    }
    function catchUp() {
      if (!state.id) return Promise.resolve();
      const id = state.id;
      const gen = state.generation;
      return api.messages(id, state.lastSeq).then((res) => {
        if (gen !== state.generation) return;
        if (res.status === 404) {
          forget();
          addLocal(t("expired"));
          if (state.open) ensureConversation();
          return;
        }
        if (res.ok && res.data) (res.data.messages || []).forEach((m) => addMessage(m, true));
        if (!state.source || state.source.readyState === 2) openStream();
      });
    }
    function openStream() {
      if (!state.id || typeof win.EventSource !== "function") return;
      closeStream();
      const gen = state.generation;
      const es = new win.EventSource(api.streamUrl(state.id, state.lastSeq));
      let hadError = false;
      state.source = es;
      es.onmessage = (e) => {
        if (gen !== state.generation) return;
        let m;
        try {
          m = JSON.parse(e.data);
        } catch {
          return;
        }
        addMessage(m, true);
      };
      es.addEventListener("deleted", () => {
        if (gen !== state.generation) return;
        forget();
        addLocal(t("cleared"));
        if (state.open) ensureConversation();
      });
      es.onopen = () => {
        if (hadError) {
          hadError = false;
          catchUp();
        }
      };
      es.onerror = () => {
        hadError = true;
        if (es.readyState === 2 && gen === state.generation) {
          clearTimeout(state.retryTimer);
          state.retryTimer = setTimeout(() => {
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
      const mine = render({ sender: "user", text: shown });
      mine.classList.add("pending");
      const item = { text: shown.trim(), el: mine, sent: false };
      state.pending.push(item);
      ui.log.appendChild(mine);
      ui.intro.hidden = true;
      updateQuickReplies();
      scrollToEnd();
      setBusy(1);
      state.queue = state.queue.then(() => deliver(body, item, true)).then(() => setBusy(-1), () => setBusy(-1));
    }
    function dropPending(item, restore) {
      const i = state.pending.indexOf(item);
      if (i >= 0) state.pending.splice(i, 1);
      item.el.remove();
      if (restore && "text" in restore && !ui.input.value) ui.input.value = restore.text;
      updateQuickReplies();
    }
    function deliver(body, item, mayRetry) {
      return ensureConversation().then((id) => {
        if (!id) {
          dropPending(item, body);
          return;
        }
        const gen = state.generation;
        return api.send(id, body).then((res) => {
          if (gen !== state.generation) return;
          if (res.ok && res.data) {
            const replies = res.data.messages || [];
            item.sent = true;
            item.el.classList.remove("pending");
            if (replies.length && typeof replies[0].seq === "number") {
              state.lastUserSeq = Math.max(state.lastUserSeq, replies[0].seq - 1);
            }
            replies.forEach((m) => addMessage(m, false));
            updateQuickReplies();
            return;
          }
          if (res.status === 404 && mayRetry) {
            forget();
            addLocal(t("expired"));
            state.pending.push(item);
            ui.log.appendChild(item.el);
            return deliver(body, item, false);
          }
          dropPending(item, body);
          addLocal(reason(res, t), true);
        });
      });
    }
    function vote(seq, helpful) {
      const id = state.id;
      if (!id) return Promise.resolve(false);
      return api.feedback(id, seq, helpful).then((res) => {
        if (res.status === 204) {
          if (state.voted.indexOf(seq) < 0) state.voted.push(seq);
          save();
          ui.input.focus();
          return true;
        }
        addLocal(reason(res, t), true);
        return false;
      });
    }
    function rate(ticket, body) {
      const id = state.id;
      if (!id || !body) return Promise.resolve(false);
      return api.rating(id, body).then((res) => {
        if (res.status === 204) {
          if (state.rated.indexOf(ticket) < 0) state.rated.push(ticket);
          save();
          return true;
        }
        addLocal(reason(res, t), true);
        return false;
      });
    }
    function showPlain() {
      ui.plainItem.hidden = labels.language !== "de";
      ui.plainBtn.setAttribute("aria-pressed", state.plain ? "true" : "false");
    }
    function togglePlain() {
      hideMenu(true);
      return ensureConversation().then((id) => {
        if (!id) return;
        const gen = state.generation;
        return api.update(id, { plain: !state.plain }).then((res) => {
          if (gen !== state.generation) return;
          if (res.ok && res.data && typeof res.data.plain === "boolean") {
            state.plain = res.data.plain;
            save();
            showPlain();
            addLocal(t(state.plain ? "plainOn" : "plainOff"));
          } else {
            addLocal(reason(res, t), true);
          }
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
      const done = id ? api.remove(id) : Promise.resolve({ status: 204 });
      closeStream();
      return done.then((res) => {
        if (res.status !== 204 && res.status !== 404) {
          addLocal(reason(res, t), true);
          openStream();
          ui.input.focus();
          return;
        }
        forget();
        addLocal(t("cleared"));
        ui.input.focus();
        return ensureConversation();
      });
    }
    function restart() {
      hideMenu(false);
      forget();
      addLocal(t("restarted"));
      ui.input.focus();
      return ensureConversation();
    }
    function start() {
      const saved = parseSaved(storage.get("localStorage", config.storeKey));
      const preferences = (saved && saved.language ? [saved.language] : []).concat(browserLanguages());
      state.labelsReady = loadLabels(preferences);
      if (saved) resume(saved);
      if (storage.get("sessionStorage", config.openKey)) open(false);
      win.addEventListener("online", () => {
        catchUp();
      });
      doc.addEventListener("visibilitychange", () => {
        if (doc.visibilityState === "visible" && state.id && (!state.source || state.source.readyState === 2)) {
          catchUp();
        }
      });
    }
    return {
      start,
      open: () => open(true),
      close: () => close(false)
    };
  }

  // web/widget/main.js
  function boot() {
    if (window.BildungslotseWidget) return;
    const script = findScript(document);
    if (!script) return;
    const config = readConfig(script, document.baseURI);
    let widget = null;
    window.BildungslotseWidget = {
      open: () => {
        if (widget) widget.open();
      },
      close: () => {
        if (widget) widget.close();
      }
    };
    const init = () => {
      widget = createWidget(window, document, config);
      widget.start();
    };
    if (document.body) init();
    else document.addEventListener("DOMContentLoaded", init);
  }
  boot();
})();

/*! Posteingang der Bildungsbüros: Beraterinnen und Berater sehen und beantworten die Anfragen, die der
 * Bildungslotse an ihr Büro weitergegeben hat.
 *
 * Built from web/inbox/ (ES modules) by `npm run build`; do not edit bot/static/beratung/inbox.js by hand.
 * No framework, no third-party requests. Every piece of data from the API is rendered with textContent (never
 * innerHTML). Changes arrive as server-sent events (GET tickets/stream, read with fetch so that the bearer token
 * goes in a header, never in a URL); a slow poll (30 s) is only the safety net. Updates change the DOM in place,
 * so focus, scroll position and the reply being typed stay where they are.
 */
(() => {
  // web/inbox/config.js
  var API = typeof location === "undefined" ? "/api/v1/" : new URL("../api/v1/", location.href).href;
  var TOKEN_KEY = "bildungslotse.beratung.token";
  var USER_KEY = "bildungslotse.beratung.user";
  var SELECTED_KEY = "bildungslotse.beratung.selected";
  var SETTINGS_KEY = "bildungslotse.beratung.settings";
  var LIST_MS = 3e4;
  var DETAIL_MS = 3e4;
  var STREAM_RETRY_MS = 2e3;
  var FIGURES_MS = 3e4;
  var CLOSED_SHOWN = 50;
  var MAX_REPLY = 4e3;
  var MAX_NOTE = 2e3;
  var BASE_TITLE = "Posteingang – Bildungslotse";
  var OFFLINE = "Keine Verbindung zum Server. Die Ansicht wird automatisch weiter aktualisiert.";

  // web/inbox/state.js
  var state = {
    token: null,
    username: "",
    officeId: null,
    session: 0,
    // bumped at every log-in/log-out: late answers of an old session are dropped
    stream: null,
    // AbortController of the open live-event stream
    tickets: /* @__PURE__ */ new Map(),
    // id -> TicketOut
    items: /* @__PURE__ */ new Map(),
    // id -> {li, button, topic, wait, unread, flags, preview, meta}
    known: null,
    // ids seen so far (null until the first list arrived)
    reads: /* @__PURE__ */ new Map(),
    // id -> {seq, unread}: this page's last read of a ticket (unread.mergeReads)
    reading: /* @__PURE__ */ new Map(),
    // id -> seq being sent
    filter: "all",
    channel: "",
    // '' all, 'web', 'telegram'
    snippets: [],
    // Textbausteine of the own office, placeholders filled by the server
    callbackOnly: false,
    callbackDone: false,
    selected: null,
    detailGen: 0,
    // bumped around every action: an older poll answer must not overwrite a newer state
    lastSeq: 0,
    staticSig: "",
    drafts: /* @__PURE__ */ new Map(),
    notes: /* @__PURE__ */ new Map(),
    draftOwner: null,
    offices: /* @__PURE__ */ new Map(),
    isAdmin: false,
    figures: null,
    offline: false,
    timers: {},
    busy: /* @__PURE__ */ new Set(),
    settings: { sound: false, titleBadge: true }
  };
  function officeName(id) {
    return state.offices.get(id) || id || "";
  }
  function viewer() {
    return { username: state.username, isAdmin: state.isAdmin, officeName };
  }

  // web/inbox/api.js
  var ApiError = class extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
      this.quiet = false;
    }
  };
  var onUnauthorized = () => {
  };
  function setUnauthorizedHandler(fn) {
    onUnauthorized = fn;
  }
  async function api(path, { method = "GET", json, form, auth = true } = {}) {
    const session = state.session;
    const headers = { Accept: "application/json" };
    let body;
    if (json !== void 0) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (form) {
      body = new URLSearchParams(form);
    }
    if (auth) headers.Authorization = "Bearer " + state.token;
    let response;
    try {
      response = await fetch(API + path, { method, headers, body, cache: "no-store", credentials: "same-origin" });
    } catch {
      throw new ApiError(0, OFFLINE);
    }
    let data;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (session !== state.session) {
      const stale = new ApiError(-1, "veraltet");
      stale.quiet = true;
      throw stale;
    }
    if (!response.ok) {
      const detail = data && typeof data.detail === "string" ? data.detail : `Der Server meldet einen Fehler (${response.status}). Bitte versuchen Sie es erneut.`;
      const err = new ApiError(response.status, detail);
      if (response.status === 401 && auth) {
        err.quiet = true;
        onUnauthorized(detail);
      }
      throw err;
    }
    return data;
  }

  // web/inbox/dom.js
  var $ = (id) => document.getElementById(id);
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== void 0 && text !== null) node.textContent = String(text);
    return node;
  }
  function setText(node, text) {
    const value = text === void 0 || text === null ? "" : String(text);
    if (node.textContent !== value) node.textContent = value;
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
  function isRtl(tag) {
    return direction(tag) === "rtl";
  }
  function germanName(tag) {
    const code = baseLanguage(tag);
    return LANGUAGES[code] ? LANGUAGES[code].german : code || String(tag || "");
  }

  // web/inbox/labels.js
  var STATUS = { waiting: "Wartend", active: "In Bearbeitung", closed: "Abgeschlossen" };
  var CHANNELS = { web: "Website-Chat", telegram: "Telegram" };
  var SENDERS = {
    user: "Bürgerin/Bürger",
    bot: "Assistent (Bildungslotse)",
    counsellor: "Beratung (Bildungsbüro)",
    system: "Systemhinweis"
  };
  var GENDERS = { w: "Wunsch: Beraterin", m: "Wunsch: Berater", d: "Wunsch: divers" };
  var HISTORY = {
    created: "Anfrage eingegangen",
    claimed: "übernommen",
    assigned: "zugewiesen",
    transferred: "weitergegeben",
    closed: "abgeschlossen",
    withdrawn: "von der Bürgerin / dem Bürger zurückgezogen",
    deleted: "Gespräch von der Bürgerin / dem Bürger gelöscht",
    replied: "geantwortet",
    released: "zurück in die Warteschlange",
    callback_requested: "Rückruf gewünscht",
    callback_done: "Rückruf erledigt",
    callback_reopened: "Rückruf wieder offen"
  };
  var WEEKDAY_NAMES = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"];
  var FIELD_NAMES = { email: "E-Mail", phone: "Telefon", address: "Anschrift", hours: "Öffnungszeiten", closures: "Schließtage" };
  function languageName(code) {
    return germanName(code);
  }
  function languageLabel(code) {
    return code ? "Sprache: " + languageName(code) : "";
  }

  // web/inbox/sound.js
  var TONES = Object.freeze([[784, 0, 0.14], [1047, 0.12, 0.2]]);
  var VOLUME = 0.06;
  var context = null;
  function audioContext() {
    const Context = typeof window !== "undefined" && (window.AudioContext || window.webkitAudioContext);
    if (!Context) return null;
    if (!context) context = new Context();
    return context;
  }
  function unlockAudio() {
    const ctx = audioContext();
    if (ctx && ctx.state === "suspended") ctx.resume().catch(() => {
    });
  }
  function chime() {
    const ctx = audioContext();
    if (!ctx) return false;
    if (ctx.state === "suspended") ctx.resume().catch(() => {
    });
    const start = ctx.currentTime + 0.02;
    for (const [frequency, offset, length] of TONES) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(1e-4, start + offset);
      gain.gain.exponentialRampToValueAtTime(VOLUME, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(1e-4, start + offset + length);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + offset);
      osc.stop(start + offset + length + 0.02);
    }
    return true;
  }

  // web/inbox/ui.js
  var ui = {
    skip: $("skip"),
    who: $("who"),
    logout: $("logout"),
    alert: $("alert"),
    live: $("live"),
    loginView: $("login-view"),
    loginForm: $("login-form"),
    username: $("username"),
    password: $("password"),
    loginButton: $("login-button"),
    inboxView: $("inbox-view"),
    figures: $("figures"),
    figuresBody: $("figures-body"),
    tickets: $("tickets"),
    ticketsHeading: $("tickets-h"),
    detailEmpty: $("detail-empty"),
    detailBody: $("detail-body"),
    detailHeading: $("detail-h"),
    detailMeta: $("detail-meta"),
    deletedNotice: $("deleted-notice"),
    summary: $("summary"),
    callback: $("callback"),
    consent: $("consent"),
    claim: $("claim"),
    transcript: $("transcript"),
    replyForm: $("reply-form"),
    reply: $("reply"),
    replyHint: $("reply-hint"),
    send: $("send"),
    closeForm: $("close-form"),
    closeNote: $("close-note"),
    close: $("close"),
    closedInfo: $("closed-info"),
    transferInfo: $("transfer-info"),
    history: $("history"),
    assignOpen: $("assign-open"),
    assignForm: $("assign-form"),
    assignee: $("assignee"),
    assign: $("assign"),
    transferOpen: $("transfer-open"),
    transferForm: $("transfer-form"),
    transferOffice: $("transfer-office"),
    transferReason: $("transfer-reason"),
    transfer: $("transfer"),
    channelFilter: $("channel-filter"),
    callbackFilter: $("callback-filter"),
    snippetOpen: $("snippet-open"),
    snippetPicker: $("snippet-picker"),
    snippetSearch: $("snippet-search"),
    snippetList: $("snippet-list"),
    snippetEmpty: $("snippet-empty"),
    callbackList: $("callback-list"),
    callbacksCount: $("callbacks-count"),
    callbacksEmpty: $("callbacks-empty"),
    callbackContact: $("callback-contact"),
    callbackState: $("callback-state"),
    callbackForm: $("callback-form"),
    callbackNote: $("callback-note"),
    callbackDone: $("callback-done"),
    officePanel: $("office-panel"),
    officeForm: $("office-form"),
    officeSelect: $("office-select"),
    officeClosures: $("office-closures"),
    officePhone: $("office-phone"),
    officeEmail: $("office-email"),
    officeAddress: $("office-address"),
    officeSave: $("office-save"),
    officeStatus: $("office-status"),
    officeChanges: $("office-changes"),
    accountsPanel: $("accounts-panel"),
    accountsBody: $("accounts-body"),
    settingsSound: $("setting-sound"),
    settingsTitle: $("setting-title"),
    unreadCount: $("unread-count")
  };
  var hoursInputs = Array.from(document.querySelectorAll("input[data-weekday]"));
  var filterButtons = Array.from(document.querySelectorAll("[data-filter]"));
  var groups = {};
  for (const section of document.querySelectorAll(".group[data-status]")) {
    groups[section.dataset.status] = {
      section,
      list: section.querySelector(".ticket-list"),
      count: section.querySelector(".count"),
      empty: section.querySelector(".empty")
    };
  }

  // web/inbox/notify.js
  function showError(message) {
    setText(ui.alert, message);
  }
  function clearError() {
    setText(ui.alert, "");
  }
  var livePending = [];
  var liveTimer = null;
  function announce(message) {
    if (!message) return;
    livePending.push(message);
    clearTimeout(liveTimer);
    liveTimer = setTimeout(() => {
      ui.live.textContent = "";
      const text = livePending.join(" ");
      livePending = [];
      setTimeout(() => {
        ui.live.textContent = text;
      }, 50);
    }, 150);
  }
  var lastChime = 0;
  function ding() {
    if (!state.settings.sound) return;
    const now = Date.now();
    if (now - lastChime < 1500) return;
    lastChime = now;
    chime();
  }
  function report(err) {
    if (err && err.quiet) return;
    showError(err && err.message ? err.message : "Unbekannter Fehler.");
  }
  function pollFailed(err) {
    if (err.quiet) return;
    if (err.status === 0 || err.status >= 500) {
      if (!state.offline) {
        state.offline = true;
        showError(err.status === 0 ? OFFLINE : err.message);
      }
      return;
    }
    showError(err.message);
  }
  function pollOk() {
    if (!state.offline) return;
    state.offline = false;
    if (ui.alert.textContent === OFFLINE || ui.alert.textContent.startsWith("Der Server meldet")) clearError();
    announce("Verbindung wiederhergestellt.");
  }

  // web/common/format.js
  function parseDate(value) {
    if (!value) return null;
    let iso = String(value);
    if (/^\d{4}-\d{2}-\d{2}T/.test(iso) && !/(Z|[+-]\d\d:?\d\d)$/i.test(iso)) iso += "Z";
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  var EURO = new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" });

  // web/inbox/format.js
  var timeFmt = new Intl.DateTimeFormat("de-DE", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Berlin" });
  var dayFmt = new Intl.DateTimeFormat("de-DE", { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "Europe/Berlin" });
  function fmtTime(value, now = /* @__PURE__ */ new Date()) {
    const date = parseDate(value);
    if (!date) return "";
    const day = dayFmt.format(date);
    return (day === dayFmt.format(now) ? "heute" : day) + ", " + timeFmt.format(date) + " Uhr";
  }
  function fmtMinutes(value) {
    const minutes = Math.max(0, Number(value) || 0);
    if (minutes < 1) return "weniger als 1 Min.";
    if (minutes < 60) return Math.floor(minutes) + " Min.";
    if (minutes < 1440) {
      const h = Math.floor(minutes / 60);
      const m = Math.floor(minutes % 60);
      return h + " Std." + (m ? " " + m + " Min." : "");
    }
    const d = Math.floor(minutes / 1440);
    return d === 1 ? "1 Tag" : d + " Tagen";
  }
  function fmtMedian(value) {
    if (value === null || value === void 0) return "noch keine";
    const minutes = Number(value);
    if (minutes < 60) return minutes.toLocaleString("de-DE", { maximumFractionDigits: 1 }) + " Min.";
    return fmtMinutes(minutes);
  }
  function decodeClaims(token) {
    try {
      const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
      return JSON.parse(new TextDecoder().decode(bytes)) || {};
    } catch {
      return {};
    }
  }

  // web/inbox/tickets.js
  var noName = (id) => id || "";
  function topicOf(ticket) {
    if (ticket.title) return String(ticket.title);
    const topic = ticket.summary && ticket.summary.topic;
    return topic ? String(topic) : "Persönliche Beratung";
  }
  function previewOf(ticket) {
    if (!ticket.preview) return "";
    const who = ticket.preview_sender === "counsellor" ? "Beratung: " : "Bürger/in: ";
    return who + ticket.preview;
  }
  function isMine(ticket, username) {
    return ticket.status === "active" && ticket.assignee === username;
  }
  function flagsOf(ticket, ctx) {
    const officeName2 = ctx && ctx.officeName || noName;
    const flags = [];
    if (ticket.callback_wished) flags.push(ticket.callback_done_at ? "Rückruf erledigt" : "Rückruf gewünscht");
    if (ticket.transferred_from && ticket.status === "waiting") flags.push("weitergegeben vom " + officeName2(ticket.transferred_from));
    if (ticket.status === "active" && ticket.assignee && ticket.assignee !== (ctx && ctx.username)) flags.push("bei " + ticket.assignee);
    return flags.join(" · ");
  }
  function waitText(ticket, now) {
    const minutes = fmtMinutes(ticket.waiting_minutes);
    if (ticket.status === "waiting") return "wartet seit " + minutes;
    if (ticket.status === "active") {
      return ticket.first_reply_at ? "erste Antwort nach " + minutes : "übernommen, wartet seit " + minutes + " auf Antwort";
    }
    return "abgeschlossen " + fmtTime(ticket.closed_at, now);
  }
  function metaParts(ticket, ctx) {
    const parts = [
      ticket.municipality || "Gemeinde unbekannt",
      CHANNELS[ticket.channel] || ticket.channel,
      languageLabel(ticket.language),
      GENDERS[ticket.gender] || ""
    ];
    if (ctx && ctx.isAdmin) parts.push((ctx && ctx.officeName || noName)(ticket.office_id));
    return parts.filter(Boolean);
  }
  function contactText(ticket) {
    const parts = [];
    if (ticket.callback_phone) parts.push("Telefon " + ticket.callback_phone);
    if (ticket.callback_email) parts.push("E-Mail " + ticket.callback_email);
    return parts.length ? parts.join(" · ") : "Rückruf gewünscht, noch ohne Nummer";
  }
  function byDate(field, direction2) {
    return (a, b) => {
      const x = parseDate(a[field]);
      const y = parseDate(b[field]);
      return direction2 * ((x ? x.getTime() : 0) - (y ? y.getTime() : 0));
    };
  }
  function passesFilters(ticket, filters) {
    if (filters.channel && ticket.channel !== filters.channel) return false;
    if (filters.callbackOnly && !ticket.callback_wished) return false;
    return true;
  }
  function groupVisible(filter, group) {
    if (filter === "all") return true;
    if (filter === "active") return group === "active" || group === "mine";
    return filter === group;
  }
  function groupTickets(tickets, { username, channel = "", callbackOnly = false } = {}) {
    const groups2 = { mine: [], waiting: [], active: [], closed: [] };
    for (const ticket of tickets) {
      if (!passesFilters(ticket, { channel, callbackOnly })) continue;
      const key = isMine(ticket, username) ? "mine" : ticket.status;
      if (groups2[key]) groups2[key].push(ticket);
    }
    groups2.mine.sort(byDate("created_at", 1));
    groups2.waiting.sort(byDate("created_at", 1));
    groups2.active.sort(byDate("created_at", 1));
    groups2.closed.sort(byDate("closed_at", -1));
    return groups2;
  }
  function openCallbacks(tickets, channel = "") {
    return tickets.filter((t) => t.callback_wished && !t.callback_done_at && !t.conversation_deleted).filter((t) => !channel || t.channel === channel).sort(byDate("created_at", 1));
  }
  function freshWaiting(list, known) {
    return known ? list.filter((t) => !known.has(t.id) && t.status === "waiting") : [];
  }
  function freshAnnouncement(fresh) {
    if (fresh.length === 1) {
      const t = fresh[0];
      return `Neue Anfrage: ${topicOf(t)}${t.municipality ? ", " + t.municipality : ""}.`;
    }
    return fresh.length > 1 ? `${fresh.length} neue Anfragen.` : "";
  }

  // web/inbox/timers.js
  function repeat(name, fn, ms) {
    stop(name);
    const loop = { timer: null };
    state.timers[name] = loop;
    const tick = async () => {
      try {
        await fn();
      } finally {
        if (state.timers[name] === loop) loop.timer = setTimeout(tick, ms);
      }
    };
    loop.timer = setTimeout(tick, ms);
  }
  function stop(name) {
    const loop = state.timers[name];
    if (loop) clearTimeout(loop.timer);
    delete state.timers[name];
  }
  function setBusy(button, key, on) {
    if (on) {
      state.busy.add(key);
      button.setAttribute("aria-disabled", "true");
    } else {
      state.busy.delete(key);
      button.removeAttribute("aria-disabled");
    }
  }

  // web/inbox/unread.js
  var OPEN = /* @__PURE__ */ new Set(["waiting", "active"]);
  function isUnread(ticket) {
    if (!OPEN.has(ticket.status) || ticket.conversation_deleted) return false;
    return Number(ticket.unread) > 0 || ticket.status === "waiting" && !Number(ticket.read_seq);
  }
  function unreadTickets(tickets) {
    return Array.from(tickets).filter(isUnread);
  }
  function unreadLabel(ticket) {
    if (!isUnread(ticket)) return "";
    const n = Number(ticket.unread) || 0;
    if (n === 0) return "neu";
    return n === 1 ? "1 neue Nachricht" : `${n} neue Nachrichten`;
  }
  function titleText(count, enabled = true) {
    return enabled && count > 0 ? `(${count}) ${BASE_TITLE}` : BASE_TITLE;
  }
  function mergeReads(list, reads) {
    return list.map((ticket) => {
      const local = reads.get(ticket.id);
      if (!local || Number(ticket.read_seq) >= local.seq) return ticket;
      return { ...ticket, read_seq: local.seq, unread: local.unread };
    });
  }
  function newCitizenMessages(before, list) {
    if (!before) return [];
    const ids = [];
    for (const ticket of list) {
      const old = before.get(ticket.id);
      if (!old || !OPEN.has(ticket.status) || ticket.preview_sender !== "user") continue;
      if (ticket.last_message_at && ticket.last_message_at !== old.last_message_at) ids.push(ticket.id);
    }
    return ids;
  }
  function writtenAnnouncement(tickets) {
    if (!tickets.length) return "";
    if (tickets.length > 1) return `Neue Nachrichten in ${tickets.length} Tickets.`;
    const t = tickets[0];
    return `Neue Nachricht zu „${t.title || t.summary && t.summary.topic || "Persönliche Beratung"}“.`;
  }
  function lastSeq(messages) {
    return messages.reduce((m, msg) => Math.max(m, Number(msg.seq) || 0), 0);
  }

  // web/inbox/render/list.js
  async function refreshList() {
    let list;
    try {
      list = await api("tickets");
    } catch (err) {
      pollFailed(err);
      return;
    }
    pollOk();
    applyTickets(list);
  }
  function applyTickets(answer) {
    const list = mergeReads(answer, state.reads);
    const fresh = freshWaiting(list, state.known);
    const before = state.known ? state.tickets : null;
    const written = newCitizenMessages(before, list);
    state.known = state.known || /* @__PURE__ */ new Set();
    for (const t of list) state.known.add(t.id);
    state.tickets = new Map(list.map((t) => [t.id, t]));
    renderList();
    announce(freshAnnouncement(fresh));
    announce(writtenAnnouncement(written.filter((id) => id !== state.selected).map((id) => state.tickets.get(id))));
    if (fresh.length || written.length) ding();
  }
  function updateTitle() {
    const count = unreadTickets(state.tickets.values()).length;
    document.title = titleText(count, state.settings.titleBadge);
    setText(ui.unreadCount, count ? count === 1 ? "1 ungelesen" : `${count} ungelesen` : "");
  }
  function renderList() {
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.ticketId : void 0;
    const sorted = groupTickets(state.tickets.values(), state);
    const shown = /* @__PURE__ */ new Set();
    for (const [status, group] of Object.entries(groups)) {
      const tickets = status === "closed" ? sorted.closed.slice(0, CLOSED_SHOWN) : sorted[status];
      setText(group.count, `(${sorted[status].length})`);
      group.empty.hidden = tickets.length > 0;
      group.section.hidden = !groupVisible(state.filter, status);
      tickets.forEach((ticket, index) => {
        shown.add(ticket.id);
        let item = state.items.get(ticket.id);
        if (!item) {
          item = ticketItem(ticket.id);
          state.items.set(ticket.id, item);
        }
        updateItem(item, ticket);
        if (group.list.children[index] !== item.li) group.list.insertBefore(item.li, group.list.children[index] || null);
      });
      while (group.list.children.length > tickets.length) group.list.lastElementChild.remove();
    }
    for (const [id, item] of state.items) {
      if (!shown.has(id)) {
        item.li.remove();
        state.items.delete(id);
      }
    }
    if (focused) {
      const item = state.items.get(focused);
      if (item && document.activeElement !== item.button) item.button.focus({ preventScroll: true });
    }
    renderCallbacks();
    updateTitle();
  }
  function renderCallbacks() {
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.callbackId : void 0;
    const open = openCallbacks(Array.from(state.tickets.values()), state.channel);
    const items = open.map((ticket) => {
      const li = el("li");
      const button = el("button", "ticket callback");
      button.type = "button";
      button.dataset.callbackId = ticket.id;
      if (ticket.id === state.selected) button.setAttribute("aria-current", "true");
      button.append(
        el("span", "t-topic", topicOf(ticket)),
        " ",
        el("span", "t-contact", contactText(ticket)),
        " ",
        el("span", "t-meta", ["seit " + fmtTime(ticket.created_at), STATUS[ticket.status]].join(" · "))
      );
      button.addEventListener("click", () => selectTicket(ticket.id, true));
      li.append(button);
      return li;
    });
    ui.callbackList.replaceChildren(...items);
    setText(ui.callbacksCount, `(${open.length})`);
    ui.callbacksEmpty.hidden = open.length > 0;
    if (focused) {
      const again = ui.callbackList.querySelector(`[data-callback-id="${CSS.escape(focused)}"]`);
      if (again) again.focus({ preventScroll: true });
    }
  }
  function ticketItem(id) {
    const li = el("li");
    const button = el("button", "ticket");
    button.type = "button";
    button.dataset.ticketId = id;
    const topic = el("span", "t-topic");
    const unread = el("span", "t-unread");
    const wait = el("span", "t-wait");
    const meta = el("span", "t-meta");
    const flags = el("span", "t-flags");
    const preview = el("span", "t-preview");
    button.append(topic, " ", unread, " ", wait, " ", flags, " ", preview, " ", meta);
    button.addEventListener("click", () => selectTicket(id, true));
    li.append(button);
    return { li, button, topic, unread, wait, flags, preview, meta };
  }
  function updateItem(item, ticket) {
    const who = viewer();
    setText(item.topic, topicOf(ticket));
    const unread = unreadLabel(ticket);
    setText(item.unread, unread);
    item.unread.hidden = !unread;
    setText(item.wait, waitText(ticket));
    const flags = flagsOf(ticket, who);
    setText(item.flags, flags);
    item.flags.hidden = !flags;
    const preview = previewOf(ticket);
    setText(item.preview, preview);
    item.preview.hidden = !preview;
    if (preview) item.preview.title = preview;
    setText(item.meta, metaParts(ticket, who).join(" · "));
    const className = "ticket " + ticket.status + (isUnread(ticket) ? " unread" : "");
    if (item.button.className !== className) item.button.className = className;
    if (ticket.id === state.selected) item.button.setAttribute("aria-current", "true");
    else item.button.removeAttribute("aria-current");
  }
  function onFilter(event) {
    state.filter = event.currentTarget.dataset.filter;
    for (const button of filterButtons) button.setAttribute("aria-pressed", String(button === event.currentTarget));
    renderList();
  }

  // web/inbox/snippetsearch.js
  function matchingSnippets(snippets, query) {
    const words = String(query || "").trim().toLowerCase().split(/\s+/).filter(Boolean);
    return snippets.filter((snippet) => {
      const haystack = (snippet.title + " " + snippet.text).toLowerCase();
      return words.every((word) => haystack.includes(word));
    });
  }

  // web/inbox/render/snippets.js
  async function loadSnippets() {
    try {
      state.snippets = await api("snippets");
    } catch (err) {
      if (!err.quiet) report(err);
    }
  }
  function renderSnippets() {
    const matching = matchingSnippets(state.snippets, ui.snippetSearch.value);
    const items = matching.map((snippet) => {
      const li = el("li");
      const button = el("button");
      button.type = "button";
      button.dataset.snippetId = String(snippet.id);
      button.append(el("span", "s-title", snippet.title), el("span", "s-text", snippet.text));
      button.addEventListener("click", () => insertSnippet(snippet));
      li.append(button);
      return li;
    });
    ui.snippetList.replaceChildren(...items);
    ui.snippetEmpty.hidden = matching.length > 0;
  }
  async function openSnippets() {
    if (ui.replyForm.hidden) return;
    ui.snippetPicker.hidden = false;
    ui.snippetOpen.setAttribute("aria-expanded", "true");
    ui.snippetSearch.value = "";
    renderSnippets();
    ui.snippetSearch.focus();
    await loadSnippets();
    if (!ui.snippetPicker.hidden) renderSnippets();
  }
  function closeSnippets(focusReply) {
    ui.snippetPicker.hidden = true;
    ui.snippetOpen.setAttribute("aria-expanded", "false");
    if (focusReply) ui.reply.focus();
  }
  function insertSnippet(snippet) {
    var _a, _b;
    const box = ui.reply;
    const start = (_a = box.selectionStart) != null ? _a : box.value.length;
    const end = (_b = box.selectionEnd) != null ? _b : start;
    box.setRangeText(snippet.text, start, end, "end");
    box.dispatchEvent(new Event("input"));
    closeSnippets(true);
    announce(`Textbaustein „${snippet.title}“ eingefügt.`);
  }

  // web/inbox/render/transcript.js
  function renderTranscript(messages, announceNew) {
    const box = ui.transcript;
    const maxSeq = messages.reduce((m, msg) => Math.max(m, msg.seq), 0);
    const first = state.lastSeq === 0;
    if (maxSeq < state.lastSeq || messages.length === 0 && box.children.length) {
      box.replaceChildren();
      state.lastSeq = 0;
    }
    for (const message of messages) {
      if (message.seq > state.lastSeq || !message.undelivered) continue;
      const li = box.querySelector(`li[data-seq="${Number(message.seq)}"]`);
      if (li && !li.querySelector(".undelivered")) li.append(undeliveredNote());
    }
    const fresh = messages.filter((m) => m.seq > state.lastSeq);
    if (!fresh.length) return;
    const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 48;
    for (const message of fresh) box.append(messageItem(message));
    state.lastSeq = Math.max(state.lastSeq, maxSeq);
    if (first || nearBottom) box.scrollTop = box.scrollHeight;
    if (announceNew && !first) {
      const fromCitizen = fresh.filter((m) => m.sender === "user");
      if (fromCitizen.length) {
        const text = String(fromCitizen[fromCitizen.length - 1].text || "");
        const short = text.length > 160 ? text.slice(0, 157) + "…" : text;
        announce(
          (fromCitizen.length === 1 ? "Neue Nachricht der Bürgerin oder des Bürgers: " : `${fromCitizen.length} neue Nachrichten, zuletzt: `) + short
        );
        ding();
      }
    }
  }
  function messageItem(message) {
    const sender = SENDERS[message.sender] ? message.sender : "system";
    const li = el("li", "msg " + sender);
    li.dataset.seq = String(message.seq);
    const who = el("span", "who", SENDERS[sender]);
    const when = fmtTime(message.created_at);
    if (when) who.append(el("span", "when", " · " + when));
    li.append(who);
    if (message.text) {
      const text = el("p", "text", message.text);
      if (message.language) text.lang = message.language;
      if (isRtl(message.language)) text.dir = "rtl";
      li.append(text);
    }
    const offers = Array.isArray(message.offers) ? message.offers : [];
    if (offers.length) {
      const box = el("div", "extra", "Gezeigte Angebote:");
      const ul = el("ul");
      for (const offer of offers) {
        const parts = [offer.title, offer.provider, offer.online ? "online" : offer.municipality].filter(Boolean);
        ul.append(el("li", "", parts.join(" – ")));
      }
      box.append(ul);
      li.append(box);
    }
    const buttons = Array.isArray(message.buttons) ? message.buttons : [];
    if (buttons.length) {
      li.append(el("p", "extra", "Auswahlknöpfe: " + buttons.map((b) => b.title).join(" · ")));
    }
    if (!message.text && !offers.length && !buttons.length) li.append(el("p", "text", "(ohne Text)"));
    if (message.undelivered) li.append(undeliveredNote());
    return li;
  }
  function undeliveredNote() {
    return el("p", "extra undelivered", "Nicht zugestellt: Diese Nachricht hat die Bürgerin oder den Bürger nicht erreicht.");
  }

  // web/inbox/render/detail.js
  function saveDrafts() {
    if (!state.selected) return;
    if (ui.reply.value) state.drafts.set(state.selected, ui.reply.value);
    else state.drafts.delete(state.selected);
    if (ui.closeNote.value) state.notes.set(state.selected, ui.closeNote.value);
    else state.notes.delete(state.selected);
  }
  function hideForm(form, opener) {
    form.hidden = true;
    opener.setAttribute("aria-expanded", "false");
  }
  async function selectTicket(id, moveFocus) {
    if (state.selected !== id) {
      saveDrafts();
      state.selected = id;
      state.detailGen += 1;
      state.lastSeq = 0;
      state.staticSig = "";
      ui.transcript.replaceChildren();
      ui.reply.value = state.drafts.get(id) || "";
      ui.closeNote.value = state.notes.get(id) || "";
      hideForm(ui.assignForm, ui.assignOpen);
      hideForm(ui.transferForm, ui.transferOpen);
      closeSnippets(false);
      ui.transferReason.value = "";
      sessionStorage.setItem(SELECTED_KEY, id);
      for (const [itemId, item] of state.items) {
        if (itemId === id) item.button.setAttribute("aria-current", "true");
        else item.button.removeAttribute("aria-current");
      }
      const known = state.tickets.get(id);
      if (known) renderHeader(known);
    }
    await loadDetail(false);
    if (state.selected !== id) return;
    if (moveFocus) ui.detailHeading.focus();
    repeat("detail", () => loadDetail(true), DETAIL_MS);
  }
  function closeDetail() {
    stop("detail");
    state.selected = null;
    state.detailGen += 1;
    state.lastSeq = 0;
    state.staticSig = "";
    ui.transcript.replaceChildren();
    ui.reply.value = "";
    ui.closeNote.value = "";
    hideForm(ui.assignForm, ui.assignOpen);
    hideForm(ui.transferForm, ui.transferOpen);
    ui.transferReason.value = "";
    ui.detailBody.hidden = true;
    ui.detailEmpty.hidden = false;
  }
  async function loadDetail(fromPoll) {
    const id = state.selected;
    const gen = state.detailGen;
    if (!id) return;
    let detail;
    try {
      detail = await api("tickets/" + encodeURIComponent(id));
    } catch (err) {
      if (err.quiet || state.selected !== id) return;
      if (err.status === 403 || err.status === 404) {
        showError(err.message);
        sessionStorage.removeItem(SELECTED_KEY);
        closeDetail();
        renderList();
        return;
      }
      pollFailed(err);
      return;
    }
    if (gen !== state.detailGen || state.selected !== id) return;
    pollOk();
    renderDetail(detail, fromPoll);
  }
  async function markRead(id, seq) {
    if (!id || !seq || document.visibilityState === "hidden") return;
    const known = state.reads.get(id);
    const ticket = state.tickets.get(id);
    const stored = Math.max(known ? known.seq : 0, ticket ? Number(ticket.read_seq) || 0 : 0);
    if (seq <= stored && !(ticket && ticket.unread)) return;
    if ((state.reading.get(id) || 0) >= seq) return;
    state.reading.set(id, seq);
    let answer;
    try {
      answer = await api("tickets/" + encodeURIComponent(id) + "/read", { method: "POST", json: { seq } });
    } catch {
      return;
    } finally {
      if (state.reading.get(id) === seq) state.reading.delete(id);
    }
    state.reads.set(id, { seq: answer.read_seq, unread: answer.unread });
    const current = state.tickets.get(id);
    if (current) state.tickets.set(id, { ...current, read_seq: answer.read_seq, unread: answer.unread });
    renderList();
  }
  function markShownRead() {
    if (state.selected && state.lastSeq) markRead(state.selected, state.lastSeq);
  }
  function renderHeader(ticket) {
    ui.detailEmpty.hidden = true;
    ui.detailBody.hidden = false;
    setText(ui.detailHeading, topicOf(ticket));
    const badge = ui.detailMeta.querySelector(".badge") || el("span");
    const className = "badge " + ticket.status;
    if (badge.className !== className) badge.className = className;
    setText(badge, STATUS[ticket.status] || ticket.status);
    let rest = ui.detailMeta.querySelector(".rest");
    if (!rest) {
      rest = el("span", "rest");
      ui.detailMeta.replaceChildren(badge, rest);
    }
    const parts = [
      ticket.municipality || "Gemeinde unbekannt",
      CHANNELS[ticket.channel] || ticket.channel,
      state.isAdmin ? officeName(ticket.office_id) : "",
      "eingegangen " + fmtTime(ticket.created_at),
      waitText(ticket)
    ].filter(Boolean);
    setText(rest, " · " + parts.join(" · "));
  }
  function renderDetail(detail, announceNew) {
    renderHeader(detail);
    const deleted = Boolean(detail.conversation_deleted);
    const open = detail.status !== "closed";
    const sig = JSON.stringify([
      detail.summary,
      detail.callback_phone,
      detail.callback_email,
      detail.consent,
      detail.status,
      deleted,
      detail.close_note,
      detail.closed_at,
      state.isAdmin,
      detail.history,
      detail.transfer_reason,
      detail.office_id,
      detail.callback_done_at,
      detail.callback_note,
      detail.callback_wished
    ]);
    if (sig !== state.staticSig) {
      state.staticSig = sig;
      renderSummary(detail);
      renderCallback(detail);
      setText(
        ui.consent,
        deleted ? "" : detail.consent ? "Verlauf mit Einverständnis: Sie sehen das ganze Gespräch, auch mit dem Assistenten." : "Nur Nachrichten seit der Weitergabe: Für den früheren Verlauf gibt es kein Einverständnis."
      );
      ui.consent.hidden = deleted;
      ui.deletedNotice.hidden = !deleted;
      renderClosedInfo(detail);
      renderTransferInfo(detail);
      renderHistory(detail.history || []);
    }
    const claimVisible = detail.status === "waiting" && !deleted;
    if (!claimVisible && document.activeElement === ui.claim && !ui.replyForm.hidden) ui.reply.focus();
    ui.claim.hidden = !claimVisible;
    const replyVisible = open && !deleted;
    ui.replyForm.hidden = !replyVisible;
    setText(
      ui.replyHint,
      "Strg+Enter sendet, Strg+Leertaste fügt einen Textbaustein ein. Höchstens 4000 Zeichen." + (detail.status === "waiting" ? " Mit der ersten Antwort übernehmen Sie das Ticket." : "")
    );
    ui.closeForm.hidden = !open;
    const passOn = open && !deleted;
    ui.assignOpen.hidden = !passOn;
    ui.transferOpen.hidden = !passOn;
    if (!passOn) {
      hideForm(ui.assignForm, ui.assignOpen);
      hideForm(ui.transferForm, ui.transferOpen);
    }
    const messages = detail.transcript || [];
    renderTranscript(messages, announceNew);
    markRead(detail.id, lastSeq(messages));
  }
  function renderTransferInfo(detail) {
    if (!detail.transferred_from || detail.conversation_deleted) {
      ui.transferInfo.hidden = true;
      ui.transferInfo.replaceChildren();
      return;
    }
    const p = el("p");
    p.append(el("strong", "", "Weitergegeben vom " + officeName(detail.transferred_from) + ": "));
    p.append(String(detail.transfer_reason || "ohne Begründung"));
    ui.transferInfo.replaceChildren(p);
    ui.transferInfo.hidden = false;
  }
  function renderHistory(entries) {
    const items = entries.map((entry) => {
      const parts = [fmtTime(entry.at), HISTORY[entry.kind] || entry.kind];
      if (entry.kind === "transferred") {
        parts[1] += " vom " + officeName(entry.from_office) + " an das " + officeName(entry.to_office);
      }
      if (entry.kind === "assigned" && entry.assignee) parts[1] += " an " + entry.assignee;
      if (entry.actor) parts.push("von " + entry.actor);
      const li = el("li", "", parts.join(" · "));
      if (entry.detail) li.textContent += " – " + entry.detail;
      if (entry.reason) li.append(el("span", "reason", " – Grund: " + entry.reason));
      return li;
    });
    ui.history.replaceChildren(...items);
  }
  function renderSummary(detail) {
    const summary = detail.summary || {};
    const rows = [];
    const add = (term, value) => {
      if (value === null || value === void 0 || value === "") return;
      const dd = el("dd");
      if (value instanceof Node) dd.append(value);
      else dd.textContent = String(value);
      rows.push(el("dt", "", term), dd);
    };
    add("Anliegen", summary.topic || "nicht angegeben");
    add("Gemeinde", summary.municipality || detail.municipality);
    add("Grund", summary.reason);
    const offers = Array.isArray(summary.offers_shown) ? summary.offers_shown : [];
    if (offers.length) {
      const ul = el("ul");
      for (const offer of offers) {
        ul.append(el("li", "", [offer.title, offer.municipality].filter(Boolean).join(" – ")));
      }
      add("Gezeigte Angebote", ul);
    } else {
      add("Gezeigte Angebote", "keine");
    }
    const wishes = [languageLabel(detail.language), GENDERS[detail.gender]].filter(Boolean).join(" · ");
    add("Wünsche", wishes || "keine besonderen");
    ui.summary.replaceChildren(...rows);
  }
  function renderCallback(detail) {
    state.callbackDone = Boolean(detail.callback_done_at);
    if (!detail.callback_wished) {
      ui.callback.hidden = true;
      ui.callbackContact.replaceChildren();
      return;
    }
    const nodes = [];
    if (detail.callback_phone) {
      const phone = String(detail.callback_phone);
      const link = el("a", "", phone);
      link.href = "tel:" + phone.replace(/[^\d+]/g, "");
      nodes.push("Telefon ", link);
    }
    if (detail.callback_email) {
      const email = String(detail.callback_email);
      if (nodes.length) nodes.push(" · ");
      const link = el("a", "", email);
      link.href = "mailto:" + encodeURIComponent(email).replace(/%40/g, "@");
      nodes.push("E-Mail ", link);
    }
    if (!nodes.length) nodes.push("Gewünscht, aber noch keine Telefonnummer oder E-Mail-Adresse im Chat.");
    ui.callbackContact.replaceChildren(el("strong", "", "Rückmeldung gewünscht: "), ...nodes);
    const stateNodes = [];
    if (detail.callback_done_at) {
      stateNodes.push(el("span", "done", "Erledigt"), " " + fmtTime(detail.callback_done_at) + (detail.callback_done_by ? " von " + detail.callback_done_by : "") + ".");
    } else {
      stateNodes.push("Noch offen.");
    }
    if (detail.callback_note) stateNodes.push(" ", el("strong", "", "Notiz: "), String(detail.callback_note));
    ui.callbackState.replaceChildren(...stateNodes);
    setText(ui.callbackDone, detail.callback_done_at ? "Rückruf wieder öffnen" : "Rückruf erledigt");
    ui.callback.hidden = false;
  }
  function renderClosedInfo(detail) {
    if (detail.status !== "closed") {
      ui.closedInfo.hidden = true;
      ui.closedInfo.replaceChildren();
      return;
    }
    const nodes = [el("p", "", "Abgeschlossen " + fmtTime(detail.closed_at) + ".")];
    if (detail.close_note) {
      const p = el("p");
      p.append(el("strong", "", "Notiz: "), String(detail.close_note));
      nodes.push(p);
    }
    ui.closedInfo.replaceChildren(...nodes);
    ui.closedInfo.hidden = false;
  }

  // web/inbox/actions.js
  async function act(key, button, path, body, done) {
    const id = state.selected;
    if (!id || state.busy.has(key)) return;
    setBusy(button, key, true);
    state.detailGen += 1;
    try {
      const detail = await api(`tickets/${encodeURIComponent(id)}/${path}`, { method: "POST", json: body });
      state.detailGen += 1;
      if (state.selected !== id) return;
      clearError();
      renderDetail(detail, false);
      done(detail);
      refreshList();
    } catch (err) {
      report(err);
      if (!err.quiet && state.selected === id) loadDetail(false);
    } finally {
      setBusy(button, key, false);
    }
  }
  function onClaim() {
    act("claim", ui.claim, "claim", void 0, () => {
      announce("Ticket übernommen.");
      if (!ui.replyForm.hidden) ui.reply.focus();
    });
  }
  function onSend(event) {
    event.preventDefault();
    const text = ui.reply.value.trim();
    if (!text) {
      showError("Bitte schreiben Sie zuerst eine Antwort.");
      ui.reply.focus();
      return;
    }
    if (text.length > MAX_REPLY) {
      showError(`Die Antwort ist zu lang (höchstens ${MAX_REPLY} Zeichen).`);
      ui.reply.focus();
      return;
    }
    const id = state.selected;
    const typed = ui.reply.value;
    act("send", ui.send, "messages", { text }, () => {
      if (ui.reply.value === typed) ui.reply.value = "";
      state.drafts.delete(id);
      ui.transcript.scrollTop = ui.transcript.scrollHeight;
      announce("Antwort gesendet.");
    });
  }
  function onClose(event) {
    event.preventDefault();
    const note = ui.closeNote.value.trim();
    if (note.length > MAX_NOTE) {
      showError(`Die Notiz ist zu lang (höchstens ${MAX_NOTE} Zeichen).`);
      ui.closeNote.focus();
      return;
    }
    const id = state.selected;
    act("close", ui.close, "close", { note: note || null }, () => {
      ui.closeNote.value = "";
      state.notes.delete(id);
      state.drafts.delete(id);
      announce("Ticket abgeschlossen.");
      ui.detailHeading.focus();
    });
  }
  function onCallback(event) {
    event.preventDefault();
    const done = !state.callbackDone;
    const note = ui.callbackNote.value.trim();
    if (note.length > MAX_NOTE) {
      showError(`Die Notiz ist zu lang (höchstens ${MAX_NOTE} Zeichen).`);
      return;
    }
    act("callback", ui.callbackDone, "callback", { done, note: note || null }, () => {
      ui.callbackNote.value = "";
      announce(done ? "Rückruf als erledigt vermerkt." : "Rückruf wieder offen.");
      ui.callbackDone.focus();
    });
  }
  function toggleForm(form, opener, onOpen) {
    if (!form.hidden) {
      hideForm(form, opener);
      opener.focus();
      return;
    }
    form.hidden = false;
    opener.setAttribute("aria-expanded", "true");
    onOpen();
  }
  async function onAssignOpen() {
    toggleForm(ui.assignForm, ui.assignOpen, async () => {
      const id = state.selected;
      ui.assignee.replaceChildren(el("option", "", "wird geladen …"));
      ui.assignee.focus();
      let staff;
      try {
        staff = await api("tickets/" + encodeURIComponent(id) + "/assignees");
      } catch (err) {
        report(err);
        return;
      }
      if (state.selected !== id) return;
      const current = state.tickets.get(id);
      const options = staff.map((c) => {
        const langs = (c.languages || []).map(languageName).join(", ");
        const label = c.username + (c.username === state.username ? " (ich)" : "") + (langs ? " – " + langs : "");
        const option = el("option", "", label);
        option.value = c.username;
        if (current && current.assignee === c.username) option.disabled = true;
        return option;
      });
      ui.assignee.replaceChildren(...options);
      const firstFree = options.find((o) => !o.disabled);
      if (firstFree) ui.assignee.value = firstFree.value;
    });
  }
  function onAssign(event) {
    event.preventDefault();
    const username = ui.assignee.value;
    if (!username) {
      showError("Bitte wählen Sie eine Kollegin oder einen Kollegen.");
      ui.assignee.focus();
      return;
    }
    act("assign", ui.assign, "assign", { username }, () => {
      hideForm(ui.assignForm, ui.assignOpen);
      announce(username === state.username ? "Ticket übernommen." : `Ticket an ${username} zugewiesen.`);
      ui.detailHeading.focus();
    });
  }
  function onTransferOpen() {
    toggleForm(ui.transferForm, ui.transferOpen, () => {
      const current = state.tickets.get(state.selected);
      const here = current ? current.office_id : state.officeId;
      const options = Array.from(state.offices.entries()).filter(([id]) => id !== here).map(([id, name]) => {
        const option = el("option", "", name);
        option.value = id;
        return option;
      });
      ui.transferOffice.replaceChildren(...options);
      ui.transferOffice.focus();
    });
  }
  async function onTransfer(event) {
    event.preventDefault();
    const id = state.selected;
    const officeId = ui.transferOffice.value;
    const reason = ui.transferReason.value.trim();
    if (!officeId) {
      showError("Bitte wählen Sie das Bildungsbüro, an das Sie das Ticket weitergeben.");
      ui.transferOffice.focus();
      return;
    }
    if (!reason) {
      showError("Bitte schreiben Sie einen Grund für die Weitergabe dazu.");
      ui.transferReason.focus();
      return;
    }
    if (!id || state.busy.has("transfer")) return;
    setBusy(ui.transfer, "transfer", true);
    state.detailGen += 1;
    try {
      const moved = await api(`tickets/${encodeURIComponent(id)}/transfer`, {
        method: "POST",
        json: { office_id: officeId, reason }
      });
      clearError();
      announce(`Ticket an das ${officeName(moved.office_id)} weitergegeben.`);
      ui.transferReason.value = "";
      hideForm(ui.transferForm, ui.transferOpen);
      if (state.isAdmin && state.selected === id) {
        loadDetail(false);
      } else if (state.selected === id) {
        sessionStorage.removeItem(SELECTED_KEY);
        closeDetail();
        ui.ticketsHeading.focus();
      }
      refreshList();
    } catch (err) {
      report(err);
      if (!err.quiet && state.selected === id) loadDetail(false);
    } finally {
      setBusy(ui.transfer, "transfer", false);
    }
  }

  // web/inbox/keyboard.js
  function nextIndex(key, index, count) {
    if (key === "ArrowDown") return Math.min(count - 1, index + 1);
    if (key === "ArrowUp") return Math.max(0, index - 1);
    if (key === "Home") return 0;
    if (key === "End") return count - 1;
    return null;
  }
  function onListKey(event) {
    if (!["ArrowDown", "ArrowUp", "Home", "End"].includes(event.key)) return;
    const current = event.target.closest(".ticket");
    if (!current) return;
    const buttons = Array.from(ui.tickets.querySelectorAll(".ticket")).filter((b) => b.offsetParent !== null);
    const next = nextIndex(event.key, buttons.indexOf(current), buttons.length);
    event.preventDefault();
    if (buttons[next]) buttons[next].focus();
  }
  function onReplyKey(event) {
    if ((event.key === " " || event.code === "Space") && event.ctrlKey) {
      event.preventDefault();
      openSnippets();
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      ui.replyForm.requestSubmit();
    }
  }
  function onSnippetKey(event) {
    const buttons = Array.from(ui.snippetList.querySelectorAll("button"));
    const index = buttons.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      closeSnippets(true);
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      if (buttons.length) buttons[Math.min(buttons.length - 1, index + 1)].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (index <= 0) ui.snippetSearch.focus();
      else buttons[index - 1].focus();
    } else if (event.key === "Enter" && event.target === ui.snippetSearch) {
      event.preventDefault();
      const first = state.snippets.find((s) => String(s.id) === (buttons[0] && buttons[0].dataset.snippetId));
      if (first) insertSnippet(first);
    }
  }
  function submitOnCtrlEnter(box, form) {
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
  function closeOnEscape(form, opener) {
    form.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      hideForm(form, opener);
      opener.focus();
    });
  }

  // web/inbox/render/accounts.js
  async function loadAccounts() {
    let accounts;
    try {
      accounts = await api("counsellors");
    } catch (err) {
      report(err);
      return;
    }
    const rows = accounts.map((account) => {
      const tr = el("tr");
      const th = el("th", "", account.username + (account.is_admin ? " (Kreisverwaltung)" : ""));
      th.scope = "row";
      const status = account.disabled ? `gesperrt ${fmtTime(account.disabled_at)}` + (account.disabled_by ? ` von ${account.disabled_by}` : "") : "aktiv";
      const cell = el("td");
      if (account.username !== state.username) {
        const button = el("button", "secondary", account.disabled ? "Entsperren" : "Sperren");
        button.type = "button";
        button.setAttribute("aria-label", `${account.username} ${account.disabled ? "entsperren" : "sperren"}`);
        button.addEventListener("click", () => toggleAccount(account, button));
        cell.append(button);
      }
      tr.append(th, el("td", "", officeName(account.office_id)), el("td", "", status), cell);
      return tr;
    });
    ui.accountsBody.replaceChildren(...rows);
  }
  async function toggleAccount(account, button) {
    const key = "account-" + account.id;
    if (state.busy.has(key)) return;
    setBusy(button, key, true);
    try {
      const path = `counsellors/${account.id}/${account.disabled ? "enable" : "disable"}`;
      const changed = await api(path, { method: "POST" });
      clearError();
      announce(`Konto ${changed.username} ${changed.disabled ? "gesperrt" : "entsperrt"}.`);
      await loadAccounts();
      const again = ui.accountsBody.querySelector(`button[aria-label^="${CSS.escape(changed.username)} "]`);
      if (again) again.focus();
      refreshList();
    } catch (err) {
      report(err);
      setBusy(button, key, false);
    }
  }

  // web/inbox/officeform.js
  var SPAN_RE = /^(\d{1,2}):(\d{2})\s*(?:-|–|bis)\s*(\d{1,2}):(\d{2})$/;
  var DATE_RE = "(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4})";
  var CLOSURE_RE = new RegExp("^" + DATE_RE + "(?:\\s*(?:-|–|bis)\\s*" + DATE_RE + ")?\\s*(.*)$");
  function pad(n) {
    return String(n).padStart(2, "0");
  }
  function isoDay(d, m, y) {
    return `${y}-${pad(m)}-${pad(d)}`;
  }
  function germanDay(iso) {
    const [y, m, d] = String(iso).split("-");
    return `${d}.${m}.${y}`;
  }
  function officeFields(office) {
    const hours = {};
    for (let day = 1; day <= 7; day += 1) {
      hours[day] = office.hours.filter((h) => h.weekday === day).map((h) => `${h.opens}–${h.closes}`).join(", ");
    }
    const closures = office.closures.map((c) => {
      const span = c.first_day === c.last_day ? germanDay(c.first_day) : `${germanDay(c.first_day)}–${germanDay(c.last_day)}`;
      return c.label ? `${span} ${c.label}` : span;
    }).join("\n");
    return { hours, closures, phone: office.phone || "", email: office.email || "", address: office.address || "" };
  }
  function officeBody(fields) {
    const hours = [];
    for (let day = 1; day <= 7; day += 1) {
      for (const part of String(fields.hours[day] || "").split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
        const m = SPAN_RE.exec(part);
        if (!m) return { error: `${WEEKDAY_NAMES[day - 1]}: „${part}“ ist keine Zeitspanne (z. B. 09:00–12:00).`, field: `hours-${day}` };
        hours.push({ weekday: day, opens: `${pad(m[1])}:${m[2]}`, closes: `${pad(m[3])}:${m[4]}` });
      }
    }
    const closures = [];
    for (const line of String(fields.closures || "").split("\n").map((l) => l.trim()).filter(Boolean)) {
      const m = CLOSURE_RE.exec(line);
      if (!m) return { error: `Schließtage: „${line}“ beginnt nicht mit einem Datum (z. B. 24.12.2027).`, field: "closures" };
      const first = isoDay(m[1], m[2], m[3]);
      const last = m[4] ? isoDay(m[4], m[5], m[6]) : first;
      closures.push({ first_day: first, last_day: last, label: m[7].trim() || null });
    }
    return {
      body: {
        email: String(fields.email || "").trim() || null,
        phone: String(fields.phone || "").trim() || null,
        address: String(fields.address || "").trim() || null,
        hours,
        closures
      }
    };
  }

  // web/inbox/render/office.js
  function fillOfficeSelect() {
    const ids = state.isAdmin ? Array.from(state.offices.keys()) : [state.officeId];
    const current = ui.officeSelect.value || state.officeId;
    ui.officeSelect.replaceChildren(...ids.filter(Boolean).map((id) => {
      const option = el("option", "", officeName(id));
      option.value = id;
      return option;
    }));
    ui.officeSelect.value = ids.includes(current) ? current : state.officeId;
  }
  async function loadOffice() {
    fillOfficeSelect();
    const id = ui.officeSelect.value;
    if (!id) return;
    let office;
    try {
      office = await api("offices/" + encodeURIComponent(id));
    } catch (err) {
      report(err);
      return;
    }
    if (ui.officeSelect.value !== id) return;
    renderOffice(office);
  }
  function renderOffice(office) {
    const fields = officeFields(office);
    for (const input of hoursInputs) input.value = fields.hours[Number(input.dataset.weekday)];
    ui.officeClosures.value = fields.closures;
    ui.officePhone.value = fields.phone;
    ui.officeEmail.value = fields.email;
    ui.officeAddress.value = fields.address;
    const items = office.changes.map((change2) => {
      const names = Object.keys(change2.changes).map((k) => FIELD_NAMES[k] || k).join(", ");
      return el("li", "", `${fmtTime(change2.at)} · ${change2.actor} · geändert: ${names}`);
    });
    if (!items.length) items.push(el("li", "", "Noch keine Änderungen im Posteingang."));
    ui.officeChanges.replaceChildren(...items);
  }
  function formFields() {
    const hours = {};
    for (const input of hoursInputs) hours[Number(input.dataset.weekday)] = input.value;
    return {
      hours,
      closures: ui.officeClosures.value,
      phone: ui.officePhone.value,
      email: ui.officeEmail.value,
      address: ui.officeAddress.value
    };
  }
  async function onOfficeSave(event) {
    event.preventDefault();
    if (state.busy.has("office")) return;
    const parsed = officeBody(formFields());
    if (parsed.error) {
      showError(parsed.error);
      (parsed.field === "closures" ? ui.officeClosures : $(parsed.field)).focus();
      return;
    }
    const id = ui.officeSelect.value;
    setBusy(ui.officeSave, "office", true);
    setText(ui.officeStatus, "");
    try {
      const office = await api("offices/" + encodeURIComponent(id), { method: "PUT", json: parsed.body });
      clearError();
      renderOffice(office);
      setText(ui.officeStatus, "Gespeichert. Der Chat nennt ab sofort diese Angaben.");
    } catch (err) {
      report(err);
    } finally {
      setBusy(ui.officeSave, "office", false);
    }
  }

  // web/inbox/settings.js
  var DEFAULTS = Object.freeze({ sound: false, titleBadge: true });
  function loadSettings(storage2) {
    let saved;
    try {
      saved = JSON.parse(storage2 && storage2.getItem(SETTINGS_KEY) || "{}") || {};
    } catch {
      saved = {};
    }
    const settings = { ...DEFAULTS };
    for (const key of Object.keys(DEFAULTS)) {
      if (typeof saved[key] === typeof DEFAULTS[key]) settings[key] = saved[key];
    }
    return settings;
  }
  function saveSettings(storage2, settings) {
    const clean = {};
    for (const key of Object.keys(DEFAULTS)) clean[key] = Boolean(settings[key]);
    try {
      storage2.setItem(SETTINGS_KEY, JSON.stringify(clean));
    } catch {
    }
    return clean;
  }

  // web/inbox/render/settings.js
  function storage() {
    try {
      return window.localStorage;
    } catch {
      return null;
    }
  }
  function initSettings() {
    state.settings = loadSettings(storage());
    ui.settingsSound.checked = state.settings.sound;
    ui.settingsTitle.checked = state.settings.titleBadge;
    ui.settingsSound.addEventListener("change", () => {
      change({ sound: ui.settingsSound.checked });
      if (state.settings.sound) chime();
      announce(state.settings.sound ? "Ton eingeschaltet." : "Ton ausgeschaltet.");
    });
    ui.settingsTitle.addEventListener("change", () => {
      change({ titleBadge: ui.settingsTitle.checked });
      if (state.token) updateTitle();
      announce(state.settings.titleBadge ? "Anzahl im Fenstertitel eingeschaltet." : "Anzahl im Fenstertitel ausgeschaltet.");
    });
  }
  function change(part) {
    const store = storage();
    state.settings = store ? saveSettings(store, { ...state.settings, ...part }) : { ...state.settings, ...part };
  }

  // web/inbox/render/figures.js
  async function loadOffices() {
    if (state.offices.size) return;
    try {
      const offices = await api("offices", { auth: false });
      for (const office of offices) state.offices.set(office.id, office.name);
      renderWho();
      renderList();
      if (state.figures) renderFigures(state.figures);
    } catch {
    }
  }
  async function refreshFigures() {
    let figures;
    if (!state.isAdmin) {
      try {
        const me = await api("auth/me");
        if (!me.is_admin) {
          ui.figures.hidden = true;
          stop("figures");
          return;
        }
      } catch {
        return;
      }
    }
    try {
      figures = await api("figures");
    } catch (err) {
      if (err.status === 403) {
        state.isAdmin = false;
        ui.figures.hidden = true;
        stop("figures");
      }
      return;
    }
    const wasAdmin = state.isAdmin;
    state.isAdmin = true;
    ui.accountsPanel.hidden = false;
    state.figures = figures.offices || [];
    renderFigures(state.figures);
    ui.figures.hidden = false;
    if (!wasAdmin) {
      renderList();
      repeat("figures", refreshFigures, FIGURES_MS);
    }
  }
  function renderFigures(offices) {
    const rows = offices.map((row) => {
      const tr = el("tr");
      const th = el("th", "", officeName(row.office));
      th.scope = "row";
      tr.append(
        th,
        el("td", "", row.waiting),
        el("td", "", row.active),
        el("td", "", row.closed),
        el("td", "", fmtMedian(row.median_minutes_to_first_reply))
      );
      return tr;
    });
    ui.figuresBody.replaceChildren(...rows);
  }

  // web/inbox/sse.js
  function parseEvent(chunk) {
    const data = chunk.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("");
    if (!data) return null;
    try {
      return JSON.parse(data);
    } catch {
      return null;
    }
  }

  // web/inbox/stream.js
  async function listen(session) {
    while (session === state.session && state.token) {
      const controller = new AbortController();
      state.stream = controller;
      try {
        const response = await fetch(API + "tickets/stream", {
          headers: { Accept: "text/event-stream", Authorization: "Bearer " + state.token },
          cache: "no-store",
          credentials: "same-origin",
          signal: controller.signal
        });
        if (response.status === 401) {
          if (session === state.session) logout("Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.", { keepDrafts: true });
          return;
        }
        if (!response.ok || !response.body) throw new Error("stream " + response.status);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (; ; ) {
          const { value, done } = await reader.read();
          if (done || session !== state.session) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            onStreamEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
      }
      if (session !== state.session) return;
      await new Promise((resolve) => setTimeout(resolve, STREAM_RETRY_MS));
      if (session === state.session) refreshList();
    }
  }
  function onStreamEvent(chunk) {
    const event = parseEvent(chunk);
    if (!event) return;
    refreshList();
    if (event.ticket_id && event.ticket_id === state.selected) loadDetail(true);
  }

  // web/inbox/session.js
  async function onLogin(event) {
    event.preventDefault();
    if (state.busy.has("login")) return;
    const username = ui.username.value.trim();
    const password = ui.password.value;
    if (!username || !password) {
      showError("Bitte Benutzername und Passwort eingeben.");
      (username ? ui.password : ui.username).focus();
      return;
    }
    setBusy(ui.loginButton, "login", true);
    try {
      const data = await api("auth/token", { method: "POST", form: { username, password }, auth: false });
      ui.password.value = "";
      sessionStorage.setItem(TOKEN_KEY, data.access_token);
      sessionStorage.setItem(USER_KEY, username);
      startInbox(data.access_token, username, true);
    } catch (err) {
      report(err);
      ui.password.focus();
      ui.password.select();
    } finally {
      setBusy(ui.loginButton, "login", false);
    }
  }
  function startInbox(token, username, focusList) {
    state.session += 1;
    state.token = token;
    state.username = username;
    const claims = decodeClaims(token);
    state.officeId = claims.office || null;
    if (state.draftOwner !== username) {
      state.drafts.clear();
      state.notes.clear();
      state.draftOwner = username;
    }
    state.known = null;
    state.reads.clear();
    state.offline = false;
    clearError();
    ui.loginView.hidden = true;
    ui.inboxView.hidden = false;
    ui.logout.hidden = false;
    ui.skip.hidden = false;
    ui.who.hidden = false;
    renderWho();
    if (focusList) ui.ticketsHeading.focus();
    loadOffices();
    refreshList();
    refreshFigures();
    repeat("list", refreshList, LIST_MS);
    listen(state.session);
    const saved = sessionStorage.getItem(SELECTED_KEY);
    if (saved) selectTicket(saved, false);
  }
  function renderWho() {
    const office = state.officeId ? " · " + officeName(state.officeId) : "";
    setText(ui.who, "Angemeldet als " + state.username + office);
  }
  function revokeToken(token) {
    if (!token) return;
    fetch(API + "auth/logout", {
      method: "POST",
      headers: { Authorization: "Bearer " + token },
      cache: "no-store",
      credentials: "same-origin",
      keepalive: true
    }).catch(() => {
    });
  }
  function logout(message, { keepDrafts = false, revoke = false } = {}) {
    if (revoke) revokeToken(state.token);
    saveDrafts();
    state.session += 1;
    if (state.stream) state.stream.abort();
    state.stream = null;
    for (const name of Object.keys(state.timers)) stop(name);
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    if (!keepDrafts) {
      sessionStorage.removeItem(USER_KEY);
      sessionStorage.removeItem(SELECTED_KEY);
      state.drafts.clear();
      state.notes.clear();
      state.draftOwner = null;
    }
    state.tickets.clear();
    state.items.clear();
    state.reads.clear();
    state.reading.clear();
    state.known = null;
    state.isAdmin = false;
    state.figures = null;
    state.busy.clear();
    for (const group of Object.values(groups)) {
      group.list.replaceChildren();
      setText(group.count, "");
    }
    closeDetail();
    ui.figures.hidden = true;
    ui.figuresBody.replaceChildren();
    ui.accountsPanel.hidden = true;
    ui.accountsPanel.open = false;
    ui.accountsBody.replaceChildren();
    ui.officePanel.open = false;
    ui.officeSelect.replaceChildren();
    setText(ui.officeStatus, "");
    ui.inboxView.hidden = true;
    ui.logout.hidden = true;
    ui.skip.hidden = true;
    ui.who.hidden = true;
    ui.loginView.hidden = false;
    document.title = BASE_TITLE;
    if (message) showError(message);
    else clearError();
    ui.username.value = ui.username.value || sessionStorage.getItem(USER_KEY) || "";
    (ui.username.value ? ui.password : ui.username).focus();
    if (!message) announce("Sie sind abgemeldet.");
  }

  // web/inbox/main.js
  setUnauthorizedHandler((detail) => logout(detail, { keepDrafts: true }));
  initSettings();
  ui.loginForm.addEventListener("submit", onLogin);
  ui.logout.addEventListener("click", () => logout(null, { revoke: true }));
  for (const button of filterButtons) button.addEventListener("click", onFilter);
  ui.tickets.addEventListener("keydown", onListKey);
  ui.claim.addEventListener("click", onClaim);
  ui.replyForm.addEventListener("submit", onSend);
  ui.reply.addEventListener("keydown", onReplyKey);
  ui.reply.addEventListener("input", () => {
    if (state.selected) state.drafts.set(state.selected, ui.reply.value);
  });
  ui.closeForm.addEventListener("submit", onClose);
  ui.snippetOpen.addEventListener("click", () => ui.snippetPicker.hidden ? openSnippets() : closeSnippets(true));
  ui.snippetSearch.addEventListener("input", renderSnippets);
  ui.snippetPicker.addEventListener("keydown", onSnippetKey);
  ui.assignOpen.addEventListener("click", onAssignOpen);
  ui.assignForm.addEventListener("submit", onAssign);
  ui.transferOpen.addEventListener("click", onTransferOpen);
  ui.transferForm.addEventListener("submit", onTransfer);
  for (const button of document.querySelectorAll("[data-cancel]")) {
    button.addEventListener("click", () => {
      const form = $(button.dataset.cancel);
      const opener = form === ui.assignForm ? ui.assignOpen : ui.transferOpen;
      hideForm(form, opener);
      opener.focus();
    });
  }
  closeOnEscape(ui.assignForm, ui.assignOpen);
  closeOnEscape(ui.transferForm, ui.transferOpen);
  submitOnCtrlEnter(ui.transferReason, ui.transferForm);
  submitOnCtrlEnter(ui.closeNote, ui.closeForm);
  ui.channelFilter.addEventListener("change", () => {
    state.channel = ui.channelFilter.value;
    renderList();
  });
  ui.callbackFilter.addEventListener("change", () => {
    state.callbackOnly = ui.callbackFilter.checked;
    renderList();
  });
  ui.callbackForm.addEventListener("submit", onCallback);
  ui.officePanel.addEventListener("toggle", () => {
    if (ui.officePanel.open) loadOffice();
  });
  ui.officeSelect.addEventListener("change", loadOffice);
  ui.officeForm.addEventListener("submit", onOfficeSave);
  ui.accountsPanel.addEventListener("toggle", () => {
    if (ui.accountsPanel.open) loadAccounts();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") markShownRead();
  });
  var unlock = () => {
    if (state.settings.sound) unlockAudio();
  };
  for (const type of ["pointerdown", "keydown"]) document.addEventListener(type, unlock, { capture: true, passive: true });
  var savedToken = sessionStorage.getItem(TOKEN_KEY);
  var savedUser = sessionStorage.getItem(USER_KEY) || "";
  var exp = savedToken ? Number(decodeClaims(savedToken).exp) : 0;
  if (savedToken && exp * 1e3 > Date.now() + 5e3) {
    startInbox(savedToken, savedUser, false);
  } else {
    if (savedToken) {
      sessionStorage.removeItem(TOKEN_KEY);
      showError("Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich neu an.");
    }
    ui.username.value = savedUser;
    (savedUser ? ui.password : ui.username).focus();
  }
})();

/**
 * The chat itself: conversation, history, live stream, sending, menu, language and feedback. One instance per
 * page (main.js). Server messages are shown once per seq, in seq order; the citizen's own message shows at once.
 */
import { h } from "../common/dom.js";
import { pickLanguage } from "../common/languages.js";
import { createApi, reason } from "./api.js";
import { createLabels } from "./labels.js";
import { noteHandover } from "./rating.js";
import { renderMessage, setLanguage } from "./render/message.js";
import { buildUi } from "./render/panel.js";
import { createStorage, parseSaved } from "./storage.js";

export function createWidget(win, doc, config) {
  const storage = createStorage(win);
  const api = createApi(config.api);
  const labels = createLabels();
  const { t } = labels;

  const state = {
    id: null,
    lastSeq: 0,
    lastUserSeq: 0,
    seen: {}, // seq -> element
    pending: [], // the citizen's messages not yet confirmed by the server: {text, el, sent}
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
    generation: 0, // bumps on every new/forgotten conversation; late answers of an old one are dropped
    offered: ["de"], // the reply languages of the gateway (from /labels)
    language: null, // the conversation's language, as far as the widget knows
    voted: [], // seqs of answers the citizen rated
    rated: [], // tickets whose handover the citizen rated
    claimed: {}, // tickets seen with a counsellor (their close notice asks for the rating)
    plain: false, // Einfache Sprache, as the gateway last confirmed it
    labelsReady: Promise.resolve(),
    wantLabels: null, // the language of the labels last asked for
  };

  const on = {
    toggle: () => (state.open ? close(true) : open(true)),
    launcherKey: (e) => { if ((e.key === "Escape" || e.key === "Esc") && state.open) close(true); },
    menu: toggleMenu,
    close: () => close(true),
    clear: askClear,
    restart,
    plain: togglePlain,
    confirmYes: doClear,
    confirmNo: cancelClear,
    submit: (e) => { e.preventDefault(); submitInput(); },
    inputKey: onInputKey,
    autosize,
    panelKey: onPanelKey,
    outside: (e) => {
      if (!ui.menu.hidden && !ui.menu.contains(e.target) && !ui.menuBtn.contains(e.target)) hideMenu(false);
    },
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
    rateDone: () => ui.input.focus(),
  };

  // ---------------------------------------------------------------- language (#12)

  /** The widget's texts in the first of `preferences` that the gateway offers; German if that fails. */
  let labelsRequest = 0;
  function loadLabels(preferences) {
    const mine = ++labelsRequest;
    state.wantLabels = preferences.length === 1 ? preferences[0] : null;
    return api.labels(preferences).then((res) => {
      if (mine !== labelsRequest) return; // a newer request decides
      const d = res.ok && res.data;
      if (!d || typeof d.language !== "string" || !d.labels) return;
      if (Array.isArray(d.offered)) state.offered = d.offered.filter((c) => typeof c === "string");
      state.wantLabels = d.language;
      if (d.language !== labels.language) labels.set(d.language, d.labels);
    });
  }

  /** A reply in another offered language than the labels: the conversation switched, the labels follow. */
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

  // ---------------------------------------------------------------- open / close / menu

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
      (el) => !el.disabled && el.getClientRects().length > 0,
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
    // Full-screen (small screens, high zoom): keep Tab inside the panel, the page underneath is covered.
    if (e.key === "Tab" && ui.panel.getBoundingClientRect().width >= win.innerWidth - 1) {
      const list = focusables();
      if (!list.length) return;
      const first = list[0];
      const last = list[list.length - 1];
      const active = ui.shadow.activeElement;
      if (e.shiftKey && active === first) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && active === last) { e.preventDefault(); first.focus(); }
    }
  }

  function setUnread(n) {
    state.unread = n;
    ui.badge.hidden = n === 0;
    ui.badge.textContent = n > 9 ? "9+" : String(n);
    const name = t("launcherLabel", { title: config.title });
    ui.launcher.setAttribute("aria-label", n ? name + ", " + labels.unread(n) : name);
  }

  // ---------------------------------------------------------------- rendering

  function scrollToEnd() {
    ui.scroll.scrollTop = ui.scroll.scrollHeight;
  }

  function nearEnd() {
    return ui.scroll.scrollHeight - ui.scroll.scrollTop - ui.scroll.clientHeight < 80;
  }

  function render(m) {
    return renderMessage(m, t, messageHandlers);
  }

  /** Add one server message: once per seq, in seq order; confirms an optimistic user bubble. */
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
    noteHandover(state.claimed, m.handover); // before rendering: a close notice asks if a counsellor was there
    const el = render(m);
    state.seen[m.seq] = el;
    let next = firstUnsent();
    if (m.seq < state.lastSeq) {
      next = null;
      const rendered = ui.log.querySelectorAll("[data-seq]");
      for (let j = 0; j < rendered.length; j++) {
        if (Number(rendered[j].getAttribute("data-seq")) > m.seq) { next = rendered[j]; break; }
      }
    }
    ui.log.insertBefore(el, next);
    noteSeq(m);
    if (m.handover && m.seq >= state.handoverSeq) {
      state.handoverSeq = m.seq; // a late, older message does not bring back an old state
      showHandover(m.handover);
    }
    if (m.seq >= state.lastSeq) followLanguage(m);
    if (fromStream && !state.open && m.sender !== "user" && !state.loadingHistory) setUnread(state.unread + 1);
    updateQuickReplies();
    ui.intro.hidden = true;
    if (m.sender === "user") scrollToEnd();
    else if (stick && !state.loadingHistory) reveal(el);
  }

  /** New answers are read from their start: the first one of a batch goes to the top if all does not fit. */
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
      id: state.id, seq: state.lastSeq, language: state.language, voted: state.voted.slice(-50),
      rated: state.rated.slice(-20), plain: state.plain,
    };
    storage.set("localStorage", config.storeKey, JSON.stringify(record));
  }

  function noteSeq(m) {
    if (m.seq > state.lastSeq) state.lastSeq = m.seq;
    if (m.sender === "user" && m.seq > state.lastUserSeq) state.lastUserSeq = m.seq;
    save();
  }

  /** Quick replies stay until the citizen answers; older ones disappear (they no longer fit). */
  function updateQuickReplies() {
    const groups = ui.log.querySelectorAll(".quick");
    for (let i = 0; i < groups.length; i++) {
      const seq = Number(groups[i].parentNode.getAttribute("data-seq"));
      groups[i].hidden = seq < state.lastUserSeq || firstUnsent() !== null;
    }
  }

  /** The first message of the citizen still on its way: server messages go before it. */
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

  // ---------------------------------------------------------------- conversation

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

  /** The stored conversation's history, or a new conversation (in the browser's language) if there is none. */
  function ensureConversation() {
    if (state.id) return Promise.resolve(state.id);
    if (state.starting) return state.starting;
    const gen = state.generation;
    ui.intro.hidden = false;
    state.starting = state.labelsReady.then(() => {
      // Only a language the gateway offers; the browser's first choice among them (German needs no mention).
      const wanted = pickLanguage(browserLanguages(), state.offered);
      return api.create(wanted && wanted !== "de" ? wanted : null);
    }).then((res) => {
      if (gen !== state.generation) return state.starting || ensureConversation();
      state.starting = null;
      if (res.status !== 201 || !res.data || typeof res.data.conversation_id !== "string") {
        const failed = addLocal(reason(res, t, "startFailed"), true);
        failed.appendChild(h("div", { class: "row" }, [h("button", {
          type: "button", class: "btn", text: t("retry"),
          onclick: () => { failed.remove(); ensureConversation(); },
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

  /** Messages missed while the stream was down (network drop, sleeping laptop …). */
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
      try { m = JSON.parse(e.data); } catch { return; } // not a message: ignore
      addMessage(m, true);
    };
    es.addEventListener("deleted", () => {
      if (gen !== state.generation) return;
      forget();
      addLocal(t("cleared"));
      if (state.open) ensureConversation();
    });
    es.onopen = () => {
      if (hadError) { hadError = false; catchUp(); }
    };
    es.onerror = () => {
      hadError = true;
      if (es.readyState === 2 && gen === state.generation) {
        // The browser gave up (e.g. 404 or a proxy error): ask the API what happened, then retry later.
        clearTimeout(state.retryTimer);
        state.retryTimer = setTimeout(() => { if (gen === state.generation) catchUp(); }, 5000);
      }
    };
  }

  function closeStream() {
    clearTimeout(state.retryTimer);
    if (state.source) state.source.close();
    state.source = null;
  }

  // ---------------------------------------------------------------- sending

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
    if (!text) { ui.input.focus(); return; }
    ui.input.value = "";
    autosize();
    send({ text }, text);
  }

  function quickReply(payload, title) {
    ui.input.focus(); // the pressed button disappears; keep keyboard users in the conversation
    send({ payload }, title);
  }

  /** Show the citizen's message at once, then send; requests go out one after another. */
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
    state.queue = state.queue
      .then(() => deliver(body, item, true))
      .then(() => setBusy(-1), () => setBusy(-1));
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
      if (!id) { dropPending(item, body); return; }
      const gen = state.generation;
      return api.send(id, body).then((res) => {
        if (gen !== state.generation) return;
        if (res.ok && res.data) {
          const replies = res.data.messages || [];
          // Stored: the replies go after it. Its own seq comes with the stream (then it is matched by text);
          // the server stored it right before its replies, so older quick replies are done with.
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

  // ---------------------------------------------------------------- feedback (#13)

  /** 👍/👎 on the answer `seq`: true once the gateway counted it (then it is remembered for this conversation). */
  function vote(seq, helpful) {
    const id = state.id;
    if (!id) return Promise.resolve(false);
    return api.feedback(id, seq, helpful).then((res) => {
      if (res.status === 204) {
        if (state.voted.indexOf(seq) < 0) state.voted.push(seq);
        save();
        ui.input.focus(); // the buttons are gone; the thanks is read out by the log
        return true;
      }
      addLocal(reason(res, t), true);
      return false;
    });
  }

  /** The rating of the handover `ticket` ({rating, comment}): true once stored; remembered for this conversation. */
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

  // ---------------------------------------------------------------- Einfache Sprache

  /** The switch is in the menu while the labels are German: Einfache Sprache is plain German only. */
  function showPlain() {
    ui.plainItem.hidden = labels.language !== "de";
    ui.plainBtn.setAttribute("aria-pressed", state.plain ? "true" : "false");
  }

  /** PATCH {plain}: the next replies are in Einfache Sprache (or not); a note in the log says so. */
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

  // ---------------------------------------------------------------- clear / restart

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

  // ---------------------------------------------------------------- start

  function start() {
    const saved = parseSaved(storage.get("localStorage", config.storeKey));
    // The labels in the conversation's language if there is one, else in the browser's.
    const preferences = (saved && saved.language ? [saved.language] : []).concat(browserLanguages());
    state.labelsReady = loadLabels(preferences);
    if (saved) resume(saved);
    if (storage.get("sessionStorage", config.openKey)) open(false);
    win.addEventListener("online", () => { catchUp(); });
    doc.addEventListener("visibilitychange", () => {
      if (doc.visibilityState === "visible" && state.id && (!state.source || state.source.readyState === 2)) {
        catchUp();
      }
    });
  }

  return {
    start,
    open: () => open(true),
    close: () => close(false),
  };
}

/* Posteingang der Bildungsbüros: Beraterinnen und Berater sehen und beantworten die Anfragen, die der
 * Bildungslotse an ihr Büro weitergegeben hat.
 *
 * No framework, no build step, no third-party requests. Every piece of data from the API is rendered with
 * textContent (never innerHTML). Changes arrive as server-sent events (GET tickets/stream, read with fetch so
 * that the bearer token goes in a header, never in a URL); a slow poll (30 s) is only the safety net.
 * Updates change the DOM in place, so focus, scroll position and the reply being typed stay where they are.
 */
(() => {
  'use strict';

  // The page lives at <gateway>/beratung/; the API at <gateway>/api/v1/ (also behind a path prefix).
  const API = new URL('../api/v1/', location.href).href;
  const TOKEN_KEY = 'bildungslotse.beratung.token';
  const USER_KEY = 'bildungslotse.beratung.user';
  const SELECTED_KEY = 'bildungslotse.beratung.selected';
  const LIST_MS = 30000; // safety net only: changes are pushed (listen())
  const DETAIL_MS = 30000;
  const STREAM_RETRY_MS = 2000;
  const FIGURES_MS = 30000;
  const CLOSED_SHOWN = 50;
  const MAX_REPLY = 4000;
  const MAX_NOTE = 2000;
  const BASE_TITLE = 'Posteingang – Bildungslotse';
  const OFFLINE = 'Keine Verbindung zum Server. Die Ansicht wird automatisch weiter aktualisiert.';

  const STATUS = { waiting: 'Wartend', active: 'In Bearbeitung', closed: 'Abgeschlossen' };
  const CHANNELS = { web: 'Website-Chat', telegram: 'Telegram' };
  const SENDERS = {
    user: 'Bürgerin/Bürger',
    bot: 'Assistent (Bildungslotse)',
    counsellor: 'Beratung (Bildungsbüro)',
    system: 'Systemhinweis',
  };
  const GENDERS = { w: 'Wunsch: Beraterin', m: 'Wunsch: Berater', d: 'Wunsch: divers' };
  const LANGUAGES = {
    de: 'Deutsch', en: 'Englisch', tr: 'Türkisch', ar: 'Arabisch', ru: 'Russisch', uk: 'Ukrainisch',
    pl: 'Polnisch', fa: 'Farsi', ku: 'Kurdisch', ti: 'Tigrinya', fr: 'Französisch', es: 'Spanisch',
  };

  const $ = (id) => document.getElementById(id);
  const ui = {
    skip: $('skip'), who: $('who'), logout: $('logout'), alert: $('alert'), live: $('live'),
    loginView: $('login-view'), loginForm: $('login-form'), username: $('username'), password: $('password'),
    loginButton: $('login-button'), inboxView: $('inbox-view'), figures: $('figures'), figuresBody: $('figures-body'),
    tickets: $('tickets'), ticketsHeading: $('tickets-h'), detailEmpty: $('detail-empty'), detailBody: $('detail-body'),
    detailHeading: $('detail-h'), detailMeta: $('detail-meta'), deletedNotice: $('deleted-notice'),
    summary: $('summary'), callback: $('callback'), consent: $('consent'), claim: $('claim'),
    transcript: $('transcript'), replyForm: $('reply-form'), reply: $('reply'), replyHint: $('reply-hint'),
    send: $('send'), closeForm: $('close-form'), closeNote: $('close-note'), close: $('close'),
    closedInfo: $('closed-info'), transferInfo: $('transfer-info'), history: $('history'),
    assignOpen: $('assign-open'), assignForm: $('assign-form'), assignee: $('assignee'), assign: $('assign'),
    transferOpen: $('transfer-open'), transferForm: $('transfer-form'), transferOffice: $('transfer-office'),
    transferReason: $('transfer-reason'), transfer: $('transfer'),
    channelFilter: $('channel-filter'), callbackFilter: $('callback-filter'),
    snippetOpen: $('snippet-open'), snippetPicker: $('snippet-picker'), snippetSearch: $('snippet-search'),
    snippetList: $('snippet-list'), snippetEmpty: $('snippet-empty'),
    callbackList: $('callback-list'), callbacksCount: $('callbacks-count'), callbacksEmpty: $('callbacks-empty'),
    callbackContact: $('callback-contact'), callbackState: $('callback-state'), callbackForm: $('callback-form'),
    callbackNote: $('callback-note'), callbackDone: $('callback-done'),
    officePanel: $('office-panel'), officeForm: $('office-form'), officeSelect: $('office-select'),
    officeClosures: $('office-closures'), officePhone: $('office-phone'), officeEmail: $('office-email'),
    officeAddress: $('office-address'), officeSave: $('office-save'), officeStatus: $('office-status'),
    officeChanges: $('office-changes'), accountsPanel: $('accounts-panel'), accountsBody: $('accounts-body'),
  };
  const hoursInputs = Array.from(document.querySelectorAll('input[data-weekday]'));
  const filterButtons = Array.from(document.querySelectorAll('[data-filter]'));
  const groups = {};
  for (const section of document.querySelectorAll('.group[data-status]')) {
    groups[section.dataset.status] = {
      section,
      list: section.querySelector('.ticket-list'),
      count: section.querySelector('.count'),
      empty: section.querySelector('.empty'),
    };
  }

  const state = {
    token: null,
    username: '',
    officeId: null,
    session: 0, // bumped at every log-in/log-out: late answers of an old session are dropped
    stream: null, // AbortController of the open live-event stream
    tickets: new Map(), // id -> TicketOut
    items: new Map(), // id -> {li, button, topic, wait, preview, meta}
    known: null, // ids seen so far (null until the first list arrived)
    filter: 'all',
    channel: '', // '' all, 'web', 'telegram'
    snippets: [], // Textbausteine of the own office, placeholders filled by the server
    callbackOnly: false,
    selected: null,
    detailGen: 0, // bumped around every action: an older poll answer must not overwrite a newer state
    lastSeq: 0,
    staticSig: '',
    drafts: new Map(),
    notes: new Map(),
    draftOwner: null,
    offices: new Map(),
    isAdmin: false,
    figures: null,
    offline: false,
    timers: {},
    busy: new Set(),
  };

  // ------------------------------------------------------------------ small helpers

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function setText(node, text) {
    const value = text === undefined || text === null ? '' : String(text);
    if (node.textContent !== value) node.textContent = value;
  }

  function parseDate(value) {
    if (!value) return null;
    let iso = String(value);
    if (!/(Z|[+-]\d\d:?\d\d)$/i.test(iso)) iso += 'Z'; // SQLite returns naive UTC times
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? null : date;
  }

  const timeFmt = new Intl.DateTimeFormat('de-DE', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' });
  const dayFmt = new Intl.DateTimeFormat('de-DE', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Berlin' });

  function fmtTime(value) {
    const date = parseDate(value);
    if (!date) return '';
    const day = dayFmt.format(date);
    return (day === dayFmt.format(new Date()) ? 'heute' : day) + ', ' + timeFmt.format(date) + ' Uhr';
  }

  function fmtMinutes(value) {
    const minutes = Math.max(0, Number(value) || 0);
    if (minutes < 1) return 'weniger als 1 Min.';
    if (minutes < 60) return Math.floor(minutes) + ' Min.';
    if (minutes < 1440) {
      const h = Math.floor(minutes / 60);
      const m = Math.floor(minutes % 60);
      return h + ' Std.' + (m ? ' ' + m + ' Min.' : '');
    }
    const d = Math.floor(minutes / 1440);
    return d === 1 ? '1 Tag' : d + ' Tagen';
  }

  function fmtMedian(value) {
    if (value === null || value === undefined) return 'noch keine';
    const minutes = Number(value);
    if (minutes < 60) return minutes.toLocaleString('de-DE', { maximumFractionDigits: 1 }) + ' Min.';
    return fmtMinutes(minutes);
  }

  function officeName(id) {
    return state.offices.get(id) || id || '';
  }

  // The concern: the server's title (the topic, or the citizen's first sentence, shortened).
  function topicOf(ticket) {
    if (ticket.title) return String(ticket.title);
    const topic = ticket.summary && ticket.summary.topic;
    return topic ? String(topic) : 'Persönliche Beratung';
  }

  function previewOf(ticket) {
    if (!ticket.preview) return '';
    const who = ticket.preview_sender === 'counsellor' ? 'Beratung: ' : 'Bürger/in: ';
    return who + ticket.preview;
  }

  function flagsOf(ticket) {
    const flags = [];
    if (ticket.callback_wished) flags.push(ticket.callback_done_at ? 'Rückruf erledigt' : 'Rückruf gewünscht');
    if (ticket.transferred_from && ticket.status === 'waiting') flags.push('weitergegeben vom ' + officeName(ticket.transferred_from));
    if (ticket.status === 'active' && ticket.assignee && ticket.assignee !== state.username) flags.push('bei ' + ticket.assignee);
    return flags.join(' · ');
  }

  function isMine(ticket) {
    return ticket.status === 'active' && ticket.assignee === state.username;
  }

  const HISTORY = {
    created: 'Anfrage eingegangen',
    claimed: 'übernommen',
    assigned: 'zugewiesen',
    transferred: 'weitergegeben',
    closed: 'abgeschlossen',
    withdrawn: 'von der Bürgerin / dem Bürger zurückgezogen',
    deleted: 'Gespräch von der Bürgerin / dem Bürger gelöscht',
    replied: 'geantwortet',
    released: 'zurück in die Warteschlange',
    callback_requested: 'Rückruf gewünscht',
    callback_done: 'Rückruf erledigt',
    callback_reopened: 'Rückruf wieder offen',
  };

  function languageLabel(code) {
    return code ? 'Sprache: ' + (LANGUAGES[code] || code) : '';
  }

  function waitText(ticket) {
    const minutes = fmtMinutes(ticket.waiting_minutes);
    if (ticket.status === 'waiting') return 'wartet seit ' + minutes;
    if (ticket.status === 'active') {
      return ticket.first_reply_at ? 'erste Antwort nach ' + minutes : 'übernommen, wartet seit ' + minutes + ' auf Antwort';
    }
    return 'abgeschlossen ' + fmtTime(ticket.closed_at);
  }

  function metaParts(ticket) {
    const parts = [
      ticket.municipality || 'Gemeinde unbekannt',
      CHANNELS[ticket.channel] || ticket.channel,
      languageLabel(ticket.language),
      GENDERS[ticket.gender] || '',
    ];
    if (state.isAdmin) parts.push(officeName(ticket.office_id));
    return parts.filter(Boolean);
  }

  function decodeClaims(token) {
    try {
      const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
      return JSON.parse(new TextDecoder().decode(bytes)) || {};
    } catch (_) {
      return {};
    }
  }

  // ------------------------------------------------------------------ messages to the user

  function showError(message) {
    setText(ui.alert, message);
  }

  function clearError() {
    setText(ui.alert, '');
  }

  let livePending = [];
  let liveTimer = null;
  function announce(message) {
    livePending.push(message);
    clearTimeout(liveTimer);
    liveTimer = setTimeout(() => {
      ui.live.textContent = '';
      const text = livePending.join(' ');
      livePending = [];
      // a fresh text node each time, so that the same words are announced again
      setTimeout(() => { ui.live.textContent = text; }, 50);
    }, 150);
  }

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
      this.quiet = false; // already handled (log-in shown again) or an answer of an old session
    }
  }

  function report(err) {
    if (err && err.quiet) return;
    showError(err && err.message ? err.message : 'Unbekannter Fehler.');
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
    if (ui.alert.textContent === OFFLINE || ui.alert.textContent.startsWith('Der Server meldet')) clearError();
    announce('Verbindung wiederhergestellt.');
  }

  // ------------------------------------------------------------------ API

  async function api(path, { method = 'GET', json, form, auth = true } = {}) {
    const session = state.session;
    const headers = { Accept: 'application/json' };
    let body;
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(json);
    } else if (form) {
      body = new URLSearchParams(form);
    }
    if (auth) headers.Authorization = 'Bearer ' + state.token;
    let response;
    try {
      response = await fetch(API + path, { method, headers, body, cache: 'no-store', credentials: 'same-origin' });
    } catch (_) {
      throw new ApiError(0, OFFLINE);
    }
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    if (session !== state.session) {
      const stale = new ApiError(-1, 'veraltet');
      stale.quiet = true;
      throw stale;
    }
    if (!response.ok) {
      const detail = data && typeof data.detail === 'string'
        ? data.detail
        : `Der Server meldet einen Fehler (${response.status}). Bitte versuchen Sie es erneut.`;
      const err = new ApiError(response.status, detail);
      if (response.status === 401 && auth) {
        err.quiet = true;
        logout(detail, { keepDrafts: true });
      }
      throw err;
    }
    return data;
  }

  // ------------------------------------------------------------------ log-in / log-out

  async function onLogin(event) {
    event.preventDefault();
    if (state.busy.has('login')) return;
    const username = ui.username.value.trim();
    const password = ui.password.value;
    if (!username || !password) {
      showError('Bitte Benutzername und Passwort eingeben.');
      (username ? ui.password : ui.username).focus();
      return;
    }
    setBusy(ui.loginButton, 'login', true);
    try {
      const data = await api('auth/token', { method: 'POST', form: { username, password }, auth: false });
      ui.password.value = '';
      sessionStorage.setItem(TOKEN_KEY, data.access_token);
      sessionStorage.setItem(USER_KEY, username);
      startInbox(data.access_token, username, true);
    } catch (err) {
      report(err);
      ui.password.focus();
      ui.password.select();
    } finally {
      setBusy(ui.loginButton, 'login', false);
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
    repeat('list', refreshList, LIST_MS);
    listen(state.session);
    const saved = sessionStorage.getItem(SELECTED_KEY);
    if (saved) selectTicket(saved, false);
  }

  function renderWho() {
    const office = state.officeId ? ' · ' + officeName(state.officeId) : '';
    setText(ui.who, 'Angemeldet als ' + state.username + office);
  }

  // Revokes the token on the server (every gateway refuses it from now on); the page does not wait for it.
  function revokeToken(token) {
    if (!token) return;
    fetch(API + 'auth/logout', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + token },
      cache: 'no-store',
      credentials: 'same-origin',
      keepalive: true,
    }).catch(() => {});
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
    state.known = null;
    state.isAdmin = false;
    state.figures = null;
    state.busy.clear();
    for (const group of Object.values(groups)) {
      group.list.replaceChildren();
      setText(group.count, '');
    }
    closeDetail();
    ui.figures.hidden = true;
    ui.figuresBody.replaceChildren();
    ui.accountsPanel.hidden = true;
    ui.accountsPanel.open = false;
    ui.accountsBody.replaceChildren();
    ui.officePanel.open = false;
    ui.officeSelect.replaceChildren();
    setText(ui.officeStatus, '');
    ui.inboxView.hidden = true;
    ui.logout.hidden = true;
    ui.skip.hidden = true;
    ui.who.hidden = true;
    ui.loginView.hidden = false;
    document.title = BASE_TITLE;
    if (message) showError(message);
    else clearError();
    ui.username.value = ui.username.value || sessionStorage.getItem(USER_KEY) || '';
    (ui.username.value ? ui.password : ui.username).focus();
    if (!message) announce('Sie sind abgemeldet.');
  }

  // ------------------------------------------------------------------ live events

  // One stream per log-in session; it ends with the session (log-out) and reconnects after errors.
  async function listen(session) {
    while (session === state.session && state.token) {
      const controller = new AbortController();
      state.stream = controller;
      try {
        const response = await fetch(API + 'tickets/stream', {
          headers: { Accept: 'text/event-stream', Authorization: 'Bearer ' + state.token },
          cache: 'no-store',
          credentials: 'same-origin',
          signal: controller.signal,
        });
        if (response.status === 401) {
          if (session === state.session) logout('Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.', { keepDrafts: true });
          return;
        }
        if (!response.ok || !response.body) throw new Error('stream ' + response.status);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done || session !== state.session) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            onStreamEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch (_) {
        // offline or the gateway restarted: the safety-net poll keeps the list current until we are back
      }
      if (session !== state.session) return;
      await new Promise((resolve) => setTimeout(resolve, STREAM_RETRY_MS));
      if (session === state.session) refreshList(); // catch up on what happened while disconnected
    }
  }

  function onStreamEvent(chunk) {
    const data = chunk.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('');
    if (!data) return;
    let event;
    try {
      event = JSON.parse(data);
    } catch (_) {
      return;
    }
    refreshList();
    if (event.ticket_id && event.ticket_id === state.selected) loadDetail(true);
  }

  // ------------------------------------------------------------------ polling

  function repeat(name, fn, ms) {
    stop(name);
    const loop = { timer: null };
    state.timers[name] = loop;
    const tick = async () => {
      try {
        await fn();
      } finally {
        if (state.timers[name] === loop) loop.timer = setTimeout(tick, ms); // not stopped or replaced meanwhile
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
      button.setAttribute('aria-disabled', 'true'); // not `disabled`: that would drop keyboard focus
    } else {
      state.busy.delete(key);
      button.removeAttribute('aria-disabled');
    }
  }

  // ------------------------------------------------------------------ offices and figures

  async function loadOffices() {
    if (state.offices.size) return;
    try {
      const offices = await api('offices', { auth: false });
      for (const office of offices) state.offices.set(office.id, office.name);
      renderWho();
      renderList();
      if (state.figures) renderFigures(state.figures);
    } catch (_) {
      // names are a nicety: ids are shown instead
    }
  }

  async function refreshFigures() {
    let figures;
    if (!state.isAdmin) {
      // Ask who is logged in first, so plain counsellors never cause a 403 for the figures.
      try {
        const me = await api('auth/me');
        if (!me.is_admin) {
          ui.figures.hidden = true;
          stop('figures');
          return;
        }
      } catch (err) {
        return;
      }
    }
    try {
      figures = await api('figures');
    } catch (err) {
      if (err.status === 403) {
        state.isAdmin = false;
        ui.figures.hidden = true;
        stop('figures');
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
      repeat('figures', refreshFigures, FIGURES_MS);
    }
  }

  function renderFigures(offices) {
    const rows = offices.map((row) => {
      const tr = el('tr');
      const th = el('th', '', officeName(row.office));
      th.scope = 'row';
      tr.append(
        th,
        el('td', '', row.waiting),
        el('td', '', row.active),
        el('td', '', row.closed),
        el('td', '', fmtMedian(row.median_minutes_to_first_reply)),
      );
      return tr;
    });
    ui.figuresBody.replaceChildren(...rows);
  }

  // ------------------------------------------------------------------ the ticket list

  async function refreshList() {
    let list;
    try {
      list = await api('tickets');
    } catch (err) {
      pollFailed(err);
      return;
    }
    pollOk();
    applyTickets(list);
  }

  function applyTickets(list) {
    const fresh = state.known
      ? list.filter((t) => !state.known.has(t.id) && t.status === 'waiting')
      : [];
    state.known = state.known || new Set();
    for (const t of list) state.known.add(t.id);
    state.tickets = new Map(list.map((t) => [t.id, t]));
    renderList();
    const waiting = list.filter((t) => t.status === 'waiting').length;
    document.title = (waiting ? `(${waiting}) ` : '') + BASE_TITLE;
    if (fresh.length === 1) {
      const t = fresh[0];
      announce(`Neue Anfrage: ${topicOf(t)}${t.municipality ? ', ' + t.municipality : ''}.`);
    } else if (fresh.length > 1) {
      announce(`${fresh.length} neue Anfragen.`);
    }
  }

  function byDate(field, direction) {
    return (a, b) => {
      const x = parseDate(a[field]);
      const y = parseDate(b[field]);
      return direction * ((x ? x.getTime() : 0) - (y ? y.getTime() : 0));
    };
  }

  function passesFilters(ticket) {
    if (state.channel && ticket.channel !== state.channel) return false;
    if (state.callbackOnly && !ticket.callback_wished) return false;
    return true;
  }

  function groupVisible(status) {
    if (state.filter === 'all') return true;
    if (state.filter === 'active') return status === 'active' || status === 'mine';
    return state.filter === status;
  }

  function renderList() {
    const focused = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.ticketId
      : undefined;
    const sorted = { mine: [], waiting: [], active: [], closed: [] };
    for (const ticket of state.tickets.values()) {
      if (!passesFilters(ticket)) continue;
      const key = isMine(ticket) ? 'mine' : ticket.status;
      if (sorted[key]) sorted[key].push(ticket);
    }
    sorted.mine.sort(byDate('created_at', 1));
    sorted.waiting.sort(byDate('created_at', 1)); // oldest waiting first
    sorted.active.sort(byDate('created_at', 1));
    sorted.closed.sort(byDate('closed_at', -1));

    const shown = new Set();
    for (const [status, group] of Object.entries(groups)) {
      const tickets = status === 'closed' ? sorted.closed.slice(0, CLOSED_SHOWN) : sorted[status];
      setText(group.count, `(${sorted[status].length})`);
      group.empty.hidden = tickets.length > 0;
      group.section.hidden = !groupVisible(status);
      tickets.forEach((ticket, index) => {
        shown.add(ticket.id);
        let item = state.items.get(ticket.id);
        if (!item) {
          item = ticketItem(ticket.id);
          state.items.set(ticket.id, item);
        }
        updateItem(item, ticket);
        // move only what is out of place (moving a node would take keyboard focus away from it)
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
  }

  // Open call backs: their own list, oldest first, with the contact data (the own office's tickets only).
  function contactText(ticket) {
    const parts = [];
    if (ticket.callback_phone) parts.push('Telefon ' + ticket.callback_phone);
    if (ticket.callback_email) parts.push('E-Mail ' + ticket.callback_email);
    return parts.length ? parts.join(' · ') : 'Rückruf gewünscht, noch ohne Nummer';
  }

  function renderCallbacks() {
    const focused = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.callbackId
      : undefined;
    const open = Array.from(state.tickets.values())
      .filter((t) => t.callback_wished && !t.callback_done_at && !t.conversation_deleted)
      .filter((t) => !state.channel || t.channel === state.channel)
      .sort(byDate('created_at', 1));
    const items = open.map((ticket) => {
      const li = el('li');
      const button = el('button', 'ticket callback');
      button.type = 'button';
      button.dataset.callbackId = ticket.id;
      if (ticket.id === state.selected) button.setAttribute('aria-current', 'true');
      button.append(
        el('span', 't-topic', topicOf(ticket)), ' ',
        el('span', 't-contact', contactText(ticket)), ' ',
        el('span', 't-meta', ['seit ' + fmtTime(ticket.created_at), STATUS[ticket.status]].join(' · ')),
      );
      button.addEventListener('click', () => selectTicket(ticket.id, true));
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
    const li = el('li');
    const button = el('button', 'ticket');
    button.type = 'button';
    button.dataset.ticketId = id;
    const topic = el('span', 't-topic');
    const wait = el('span', 't-wait');
    const meta = el('span', 't-meta');
    const flags = el('span', 't-flags');
    const preview = el('span', 't-preview');
    button.append(topic, ' ', wait, ' ', flags, ' ', preview, ' ', meta);
    button.addEventListener('click', () => selectTicket(id, true));
    li.append(button);
    return { li, button, topic, wait, flags, preview, meta };
  }

  function updateItem(item, ticket) {
    setText(item.topic, topicOf(ticket));
    setText(item.wait, waitText(ticket));
    const flags = flagsOf(ticket);
    setText(item.flags, flags);
    item.flags.hidden = !flags;
    const preview = previewOf(ticket);
    setText(item.preview, preview);
    item.preview.hidden = !preview;
    if (preview) item.preview.title = preview;
    setText(item.meta, metaParts(ticket).join(' · '));
    const className = 'ticket ' + ticket.status;
    if (item.button.className !== className) item.button.className = className;
    if (ticket.id === state.selected) item.button.setAttribute('aria-current', 'true');
    else item.button.removeAttribute('aria-current');
  }

  function onFilter(event) {
    state.filter = event.currentTarget.dataset.filter;
    for (const button of filterButtons) button.setAttribute('aria-pressed', String(button === event.currentTarget));
    renderList();
  }

  function onListKey(event) {
    if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return;
    const current = event.target.closest('.ticket');
    if (!current) return;
    const buttons = Array.from(ui.tickets.querySelectorAll('.ticket')).filter((b) => b.offsetParent !== null);
    const index = buttons.indexOf(current);
    let next = index;
    if (event.key === 'ArrowDown') next = Math.min(buttons.length - 1, index + 1);
    if (event.key === 'ArrowUp') next = Math.max(0, index - 1);
    if (event.key === 'Home') next = 0;
    if (event.key === 'End') next = buttons.length - 1;
    event.preventDefault();
    if (buttons[next]) buttons[next].focus();
  }

  // ------------------------------------------------------------------ the open ticket

  function saveDrafts() {
    if (!state.selected) return;
    if (ui.reply.value) state.drafts.set(state.selected, ui.reply.value);
    else state.drafts.delete(state.selected);
    if (ui.closeNote.value) state.notes.set(state.selected, ui.closeNote.value);
    else state.notes.delete(state.selected);
  }

  async function selectTicket(id, moveFocus) {
    if (state.selected !== id) {
      saveDrafts();
      state.selected = id;
      state.detailGen += 1;
      state.lastSeq = 0;
      state.staticSig = '';
      ui.transcript.replaceChildren();
      ui.reply.value = state.drafts.get(id) || '';
      ui.closeNote.value = state.notes.get(id) || '';
      hideForm(ui.assignForm, ui.assignOpen);
      hideForm(ui.transferForm, ui.transferOpen);
      closeSnippets(false);
      ui.transferReason.value = '';
      sessionStorage.setItem(SELECTED_KEY, id);
      for (const [itemId, item] of state.items) {
        if (itemId === id) item.button.setAttribute('aria-current', 'true');
        else item.button.removeAttribute('aria-current');
      }
      const known = state.tickets.get(id);
      if (known) renderHeader(known);
    }
    await loadDetail(false);
    if (state.selected !== id) return;
    if (moveFocus) ui.detailHeading.focus();
    repeat('detail', () => loadDetail(true), DETAIL_MS);
  }

  function closeDetail() {
    stop('detail');
    state.selected = null;
    state.detailGen += 1;
    state.lastSeq = 0;
    state.staticSig = '';
    ui.transcript.replaceChildren();
    ui.reply.value = '';
    ui.closeNote.value = '';
    hideForm(ui.assignForm, ui.assignOpen);
    hideForm(ui.transferForm, ui.transferOpen);
    ui.transferReason.value = '';
    ui.detailBody.hidden = true;
    ui.detailEmpty.hidden = false;
  }

  async function loadDetail(fromPoll) {
    const id = state.selected;
    const gen = state.detailGen;
    if (!id) return;
    let detail;
    try {
      detail = await api('tickets/' + encodeURIComponent(id));
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

  function renderHeader(ticket) {
    ui.detailEmpty.hidden = true;
    ui.detailBody.hidden = false;
    setText(ui.detailHeading, topicOf(ticket));
    const badge = ui.detailMeta.querySelector('.badge') || el('span');
    const className = 'badge ' + ticket.status;
    if (badge.className !== className) badge.className = className;
    setText(badge, STATUS[ticket.status] || ticket.status);
    let rest = ui.detailMeta.querySelector('.rest');
    if (!rest) {
      rest = el('span', 'rest');
      ui.detailMeta.replaceChildren(badge, rest);
    }
    // (language and gender wishes are in the summary below)
    const parts = [
      ticket.municipality || 'Gemeinde unbekannt',
      CHANNELS[ticket.channel] || ticket.channel,
      state.isAdmin ? officeName(ticket.office_id) : '',
      'eingegangen ' + fmtTime(ticket.created_at),
      waitText(ticket),
    ].filter(Boolean);
    setText(rest, ' · ' + parts.join(' · '));
  }

  function renderDetail(detail, announceNew) {
    renderHeader(detail);
    const deleted = Boolean(detail.conversation_deleted);
    const open = detail.status !== 'closed';
    const sig = JSON.stringify([
      detail.summary, detail.callback_phone, detail.callback_email, detail.consent, detail.status, deleted,
      detail.close_note, detail.closed_at, state.isAdmin, detail.history, detail.transfer_reason, detail.office_id,
      detail.callback_done_at, detail.callback_note, detail.callback_wished,
    ]);
    if (sig !== state.staticSig) {
      state.staticSig = sig;
      renderSummary(detail);
      renderCallback(detail);
      setText(
        ui.consent,
        deleted
          ? ''
          : detail.consent
            ? 'Verlauf mit Einverständnis: Sie sehen das ganze Gespräch, auch mit dem Assistenten.'
            : 'Nur Nachrichten seit der Weitergabe: Für den früheren Verlauf gibt es kein Einverständnis.',
      );
      ui.consent.hidden = deleted;
      ui.deletedNotice.hidden = !deleted;
      renderClosedInfo(detail);
      renderTransferInfo(detail);
      renderHistory(detail.history || []);
    }
    const claimVisible = detail.status === 'waiting' && !deleted;
    if (!claimVisible && document.activeElement === ui.claim && !ui.replyForm.hidden) ui.reply.focus();
    ui.claim.hidden = !claimVisible;
    const replyVisible = open && !deleted;
    ui.replyForm.hidden = !replyVisible;
    setText(
      ui.replyHint,
      'Strg+Enter sendet, Strg+Leertaste fügt einen Textbaustein ein. Höchstens 4000 Zeichen.' +
        (detail.status === 'waiting' ? ' Mit der ersten Antwort übernehmen Sie das Ticket.' : ''),
    );
    ui.closeForm.hidden = !open;
    const passOn = open && !deleted;
    ui.assignOpen.hidden = !passOn;
    ui.transferOpen.hidden = !passOn;
    if (!passOn) {
      hideForm(ui.assignForm, ui.assignOpen);
      hideForm(ui.transferForm, ui.transferOpen);
    }
    renderTranscript(detail.transcript || [], announceNew);
  }

  function renderTransferInfo(detail) {
    if (!detail.transferred_from || detail.conversation_deleted) {
      ui.transferInfo.hidden = true;
      ui.transferInfo.replaceChildren();
      return;
    }
    const p = el('p');
    p.append(el('strong', '', 'Weitergegeben vom ' + officeName(detail.transferred_from) + ': '));
    p.append(String(detail.transfer_reason || 'ohne Begründung'));
    ui.transferInfo.replaceChildren(p);
    ui.transferInfo.hidden = false;
  }

  function renderHistory(entries) {
    const items = entries.map((entry) => {
      const parts = [fmtTime(entry.at), HISTORY[entry.kind] || entry.kind];
      if (entry.kind === 'transferred') {
        parts[1] += ' vom ' + officeName(entry.from_office) + ' an das ' + officeName(entry.to_office);
      }
      if (entry.kind === 'assigned' && entry.assignee) parts[1] += ' an ' + entry.assignee;
      if (entry.actor) parts.push('von ' + entry.actor);
      const li = el('li', '', parts.join(' · '));
      if (entry.kind === 'released' && entry.assignee) parts[1] += ' (von ' + entry.assignee + ')';
      if (entry.detail) li.textContent += ' – ' + entry.detail;
      if (entry.reason) li.append(el('span', 'reason', ' – Grund: ' + entry.reason));
      return li;
    });
    ui.history.replaceChildren(...items);
  }

  function hideForm(form, opener) {
    form.hidden = true;
    opener.setAttribute('aria-expanded', 'false');
  }

  function renderSummary(detail) {
    const summary = detail.summary || {};
    const rows = [];
    const add = (term, value) => {
      if (value === null || value === undefined || value === '') return;
      const dd = el('dd');
      if (value instanceof Node) dd.append(value);
      else dd.textContent = String(value);
      rows.push(el('dt', '', term), dd);
    };
    add('Anliegen', summary.topic || 'nicht angegeben');
    add('Gemeinde', summary.municipality || detail.municipality);
    add('Grund', summary.reason);
    const offers = Array.isArray(summary.offers_shown) ? summary.offers_shown : [];
    if (offers.length) {
      const ul = el('ul');
      for (const offer of offers) {
        ul.append(el('li', '', [offer.title, offer.municipality].filter(Boolean).join(' – ')));
      }
      add('Gezeigte Angebote', ul);
    } else {
      add('Gezeigte Angebote', 'keine');
    }
    const wishes = [languageLabel(detail.language), GENDERS[detail.gender]].filter(Boolean).join(' · ');
    add('Wünsche', wishes || 'keine besonderen');
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
      const link = el('a', '', phone);
      link.href = 'tel:' + phone.replace(/[^\d+]/g, '');
      nodes.push('Telefon ', link);
    }
    if (detail.callback_email) {
      const email = String(detail.callback_email);
      if (nodes.length) nodes.push(' · ');
      const link = el('a', '', email);
      link.href = 'mailto:' + encodeURIComponent(email).replace(/%40/g, '@');
      nodes.push('E-Mail ', link);
    }
    if (!nodes.length) nodes.push('Gewünscht, aber noch keine Telefonnummer oder E-Mail-Adresse im Chat.');
    ui.callbackContact.replaceChildren(el('strong', '', 'Rückmeldung gewünscht: '), ...nodes);
    const stateNodes = [];
    if (detail.callback_done_at) {
      stateNodes.push(el('span', 'done', 'Erledigt'), ' ' + fmtTime(detail.callback_done_at) + (detail.callback_done_by ? ' von ' + detail.callback_done_by : '') + '.');
    } else {
      stateNodes.push('Noch offen.');
    }
    if (detail.callback_note) stateNodes.push(' ', el('strong', '', 'Notiz: '), String(detail.callback_note));
    ui.callbackState.replaceChildren(...stateNodes);
    setText(ui.callbackDone, detail.callback_done_at ? 'Rückruf wieder öffnen' : 'Rückruf erledigt');
    ui.callback.hidden = false;
  }

  function onCallback(event) {
    event.preventDefault();
    const done = !state.callbackDone;
    const note = ui.callbackNote.value.trim();
    if (note.length > MAX_NOTE) {
      showError(`Die Notiz ist zu lang (höchstens ${MAX_NOTE} Zeichen).`);
      return;
    }
    act('callback', ui.callbackDone, 'callback', { done, note: note || null }, () => {
      ui.callbackNote.value = '';
      announce(done ? 'Rückruf als erledigt vermerkt.' : 'Rückruf wieder offen.');
      ui.callbackDone.focus();
    });
  }

  function renderClosedInfo(detail) {
    if (detail.status !== 'closed') {
      ui.closedInfo.hidden = true;
      ui.closedInfo.replaceChildren();
      return;
    }
    const nodes = [el('p', '', 'Abgeschlossen ' + fmtTime(detail.closed_at) + '.')];
    if (detail.close_note) {
      const p = el('p');
      p.append(el('strong', '', 'Notiz: '), String(detail.close_note));
      nodes.push(p);
    }
    ui.closedInfo.replaceChildren(...nodes);
    ui.closedInfo.hidden = false;
  }

  function renderTranscript(messages, announceNew) {
    const box = ui.transcript;
    const maxSeq = messages.reduce((m, msg) => Math.max(m, msg.seq), 0);
    const first = state.lastSeq === 0;
    if (maxSeq < state.lastSeq || (messages.length === 0 && box.children.length)) {
      box.replaceChildren(); // the conversation was deleted or changed: start over
      state.lastSeq = 0;
    }
    // A reply's delivery can fail after it was shown (Telegram): mark it then.
    for (const message of messages) {
      if (message.seq > state.lastSeq || !message.undelivered) continue;
      const li = box.querySelector(`li[data-seq="${Number(message.seq)}"]`);
      if (li && !li.querySelector('.undelivered')) li.append(undeliveredNote());
    }
    const fresh = messages.filter((m) => m.seq > state.lastSeq);
    if (!fresh.length) return;
    const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 48;
    for (const message of fresh) box.append(messageItem(message));
    state.lastSeq = Math.max(state.lastSeq, maxSeq);
    if (first || nearBottom) box.scrollTop = box.scrollHeight;
    if (announceNew && !first) {
      const fromCitizen = fresh.filter((m) => m.sender === 'user');
      if (fromCitizen.length) {
        const text = String(fromCitizen[fromCitizen.length - 1].text || '');
        const short = text.length > 160 ? text.slice(0, 157) + '…' : text;
        announce(
          (fromCitizen.length === 1 ? 'Neue Nachricht der Bürgerin oder des Bürgers: ' : `${fromCitizen.length} neue Nachrichten, zuletzt: `) +
            short,
        );
      }
    }
  }

  const RTL = ['ar', 'fa', 'he', 'ur'];

  function messageItem(message) {
    const sender = SENDERS[message.sender] ? message.sender : 'system';
    const li = el('li', 'msg ' + sender);
    li.dataset.seq = String(message.seq);
    const who = el('span', 'who', SENDERS[sender]);
    const when = fmtTime(message.created_at);
    if (when) who.append(el('span', 'when', ' · ' + when));
    li.append(who);
    if (message.text) {
      const text = el('p', 'text', message.text);
      if (message.language) text.lang = message.language;
      if (RTL.includes(message.language)) text.dir = 'rtl'; // Arabic: right to left (#12)
      li.append(text);
    }
    const offers = Array.isArray(message.offers) ? message.offers : [];
    if (offers.length) {
      const box = el('div', 'extra', 'Gezeigte Angebote:');
      const ul = el('ul');
      for (const offer of offers) {
        const parts = [offer.title, offer.provider, offer.online ? 'online' : offer.municipality].filter(Boolean);
        ul.append(el('li', '', parts.join(' – ')));
      }
      box.append(ul);
      li.append(box);
    }
    const buttons = Array.isArray(message.buttons) ? message.buttons : [];
    if (buttons.length) {
      li.append(el('p', 'extra', 'Auswahlknöpfe: ' + buttons.map((b) => b.title).join(' · ')));
    }
    if (!message.text && !offers.length && !buttons.length) li.append(el('p', 'text', '(ohne Text)'));
    if (message.undelivered) li.append(undeliveredNote());
    return li;
  }

  function undeliveredNote() {
    return el('p', 'extra undelivered', 'Nicht zugestellt: Diese Nachricht hat die Bürgerin oder den Bürger nicht erreicht.');
  }

  // ------------------------------------------------------------------ actions

  async function act(key, button, path, body, done) {
    const id = state.selected;
    if (!id || state.busy.has(key)) return;
    setBusy(button, key, true);
    state.detailGen += 1;
    try {
      const detail = await api(`tickets/${encodeURIComponent(id)}/${path}`, { method: 'POST', json: body });
      state.detailGen += 1; // answers of polls that started before this one are older
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
    act('claim', ui.claim, 'claim', undefined, () => {
      announce('Ticket übernommen.');
      if (!ui.replyForm.hidden) ui.reply.focus();
    });
  }

  function onSend(event) {
    event.preventDefault();
    const text = ui.reply.value.trim();
    if (!text) {
      showError('Bitte schreiben Sie zuerst eine Antwort.');
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
    act('send', ui.send, 'messages', { text }, () => {
      if (ui.reply.value === typed) ui.reply.value = '';
      state.drafts.delete(id);
      ui.transcript.scrollTop = ui.transcript.scrollHeight;
      announce('Antwort gesendet.');
    });
  }

  function onReplyKey(event) {
    if ((event.key === ' ' || event.code === 'Space') && event.ctrlKey) {
      event.preventDefault();
      openSnippets();
      return;
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      ui.replyForm.requestSubmit();
    }
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
    act('close', ui.close, 'close', { note: note || null }, () => {
      ui.closeNote.value = '';
      state.notes.delete(id);
      state.drafts.delete(id);
      announce('Ticket abgeschlossen.');
      ui.detailHeading.focus();
    });
  }

  // ------------------------------------------------------------------ Textbausteine

  async function loadSnippets() {
    try {
      state.snippets = await api('snippets');
    } catch (err) {
      if (!err.quiet) report(err);
    }
  }

  function renderSnippets() {
    const words = ui.snippetSearch.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const matching = state.snippets.filter((snippet) => {
      const haystack = (snippet.title + ' ' + snippet.text).toLowerCase();
      return words.every((word) => haystack.includes(word));
    });
    const items = matching.map((snippet) => {
      const li = el('li');
      const button = el('button');
      button.type = 'button';
      button.dataset.snippetId = String(snippet.id);
      button.append(el('span', 's-title', snippet.title), el('span', 's-text', snippet.text));
      button.addEventListener('click', () => insertSnippet(snippet));
      li.append(button);
      return li;
    });
    ui.snippetList.replaceChildren(...items);
    ui.snippetEmpty.hidden = matching.length > 0;
  }

  async function openSnippets() {
    if (ui.replyForm.hidden) return;
    ui.snippetPicker.hidden = false;
    ui.snippetOpen.setAttribute('aria-expanded', 'true');
    ui.snippetSearch.value = '';
    renderSnippets();
    ui.snippetSearch.focus();
    await loadSnippets(); // fresh: a colleague may have changed them
    if (!ui.snippetPicker.hidden) renderSnippets();
  }

  function closeSnippets(focusReply) {
    ui.snippetPicker.hidden = true;
    ui.snippetOpen.setAttribute('aria-expanded', 'false');
    if (focusReply) ui.reply.focus();
  }

  function insertSnippet(snippet) {
    const box = ui.reply;
    const start = box.selectionStart ?? box.value.length;
    const end = box.selectionEnd ?? start;
    box.setRangeText(snippet.text, start, end, 'end');
    box.dispatchEvent(new Event('input'));
    closeSnippets(true);
    announce(`Textbaustein „${snippet.title}“ eingefügt.`);
  }

  function onSnippetKey(event) {
    const buttons = Array.from(ui.snippetList.querySelectorAll('button'));
    const index = buttons.indexOf(document.activeElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      closeSnippets(true);
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (buttons.length) buttons[Math.min(buttons.length - 1, index + 1)].focus();
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      if (index <= 0) ui.snippetSearch.focus();
      else buttons[index - 1].focus();
    } else if (event.key === 'Enter' && event.target === ui.snippetSearch) {
      event.preventDefault();
      const first = state.snippets.find((s) => String(s.id) === (buttons[0] && buttons[0].dataset.snippetId));
      if (first) insertSnippet(first);
    }
  }

  // ------------------------------------------------------------------ passing on

  function toggleForm(form, opener, onOpen) {
    if (!form.hidden) {
      hideForm(form, opener);
      opener.focus();
      return;
    }
    form.hidden = false;
    opener.setAttribute('aria-expanded', 'true');
    onOpen();
  }

  async function onAssignOpen() {
    toggleForm(ui.assignForm, ui.assignOpen, async () => {
      const id = state.selected;
      ui.assignee.replaceChildren(el('option', '', 'wird geladen …'));
      ui.assignee.focus();
      let staff;
      try {
        staff = await api('tickets/' + encodeURIComponent(id) + '/assignees');
      } catch (err) {
        report(err);
        return;
      }
      if (state.selected !== id) return;
      const current = state.tickets.get(id);
      const options = staff.map((c) => {
          const langs = (c.languages || []).map((code) => LANGUAGES[code] || code).join(', ');
          const label = c.username + (c.username === state.username ? ' (ich)' : '') + (langs ? ' – ' + langs : '');
          const option = el('option', '', label);
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
      showError('Bitte wählen Sie eine Kollegin oder einen Kollegen.');
      ui.assignee.focus();
      return;
    }
    act('assign', ui.assign, 'assign', { username }, () => {
      hideForm(ui.assignForm, ui.assignOpen);
      announce(username === state.username ? 'Ticket übernommen.' : `Ticket an ${username} zugewiesen.`);
      ui.detailHeading.focus();
    });
  }

  function onTransferOpen() {
    toggleForm(ui.transferForm, ui.transferOpen, () => {
      const current = state.tickets.get(state.selected);
      const here = current ? current.office_id : state.officeId;
      const options = Array.from(state.offices.entries())
        .filter(([id]) => id !== here)
        .map(([id, name]) => {
          const option = el('option', '', name);
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
      showError('Bitte wählen Sie das Bildungsbüro, an das Sie das Ticket weitergeben.');
      ui.transferOffice.focus();
      return;
    }
    if (!reason) {
      showError('Bitte schreiben Sie einen Grund für die Weitergabe dazu.');
      ui.transferReason.focus();
      return;
    }
    if (!id || state.busy.has('transfer')) return;
    setBusy(ui.transfer, 'transfer', true);
    state.detailGen += 1;
    try {
      const moved = await api(`tickets/${encodeURIComponent(id)}/transfer`, {
        method: 'POST',
        json: { office_id: officeId, reason },
      });
      clearError();
      announce(`Ticket an das ${officeName(moved.office_id)} weitergegeben.`);
      ui.transferReason.value = '';
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
      setBusy(ui.transfer, 'transfer', false);
    }
  }

  // ------------------------------------------------------------------ office data and accounts

  const WEEKDAY_NAMES = ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag'];
  const FIELD_NAMES = { email: 'E-Mail', phone: 'Telefon', address: 'Anschrift', hours: 'Öffnungszeiten', closures: 'Schließtage' };
  const SPAN_RE = /^(\d{1,2}):(\d{2})\s*(?:-|–|bis)\s*(\d{1,2}):(\d{2})$/;
  const DATE_RE = '(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4})';
  const CLOSURE_RE = new RegExp('^' + DATE_RE + '(?:\\s*(?:-|–|bis)\\s*' + DATE_RE + ')?\\s*(.*)$');

  function pad(n) {
    return String(n).padStart(2, '0');
  }

  function isoDay(d, m, y) {
    return `${y}-${pad(m)}-${pad(d)}`;
  }

  function germanDay(iso) {
    const [y, m, d] = String(iso).split('-');
    return `${d}.${m}.${y}`;
  }

  function fillOfficeSelect() {
    const ids = state.isAdmin ? Array.from(state.offices.keys()) : [state.officeId];
    const current = ui.officeSelect.value || state.officeId;
    ui.officeSelect.replaceChildren(...ids.filter(Boolean).map((id) => {
      const option = el('option', '', officeName(id));
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
      office = await api('offices/' + encodeURIComponent(id));
    } catch (err) {
      report(err);
      return;
    }
    if (ui.officeSelect.value !== id) return;
    renderOffice(office);
  }

  function renderOffice(office) {
    for (const input of hoursInputs) {
      const day = Number(input.dataset.weekday);
      input.value = office.hours.filter((h) => h.weekday === day).map((h) => `${h.opens}–${h.closes}`).join(', ');
    }
    ui.officeClosures.value = office.closures.map((c) => {
      const span = c.first_day === c.last_day ? germanDay(c.first_day) : `${germanDay(c.first_day)}–${germanDay(c.last_day)}`;
      return c.label ? `${span} ${c.label}` : span;
    }).join('\n');
    ui.officePhone.value = office.phone || '';
    ui.officeEmail.value = office.email || '';
    ui.officeAddress.value = office.address || '';
    const items = office.changes.map((change) => {
      const fields = Object.keys(change.changes).map((k) => FIELD_NAMES[k] || k).join(', ');
      return el('li', '', `${fmtTime(change.at)} · ${change.actor} · geändert: ${fields}`);
    });
    if (!items.length) items.push(el('li', '', 'Noch keine Änderungen im Posteingang.'));
    ui.officeChanges.replaceChildren(...items);
  }

  // The form's text as the API's body; a German reason (and the field to focus) if something is unreadable.
  function officeBody() {
    const hours = [];
    for (const input of hoursInputs) {
      const day = Number(input.dataset.weekday);
      for (const part of input.value.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
        const m = SPAN_RE.exec(part);
        if (!m) return { error: `${WEEKDAY_NAMES[day - 1]}: „${part}“ ist keine Zeitspanne (z. B. 09:00–12:00).`, field: input };
        hours.push({ weekday: day, opens: `${pad(m[1])}:${m[2]}`, closes: `${pad(m[3])}:${m[4]}` });
      }
    }
    const closures = [];
    for (const line of ui.officeClosures.value.split('\n').map((l) => l.trim()).filter(Boolean)) {
      const m = CLOSURE_RE.exec(line);
      if (!m) return { error: `Schließtage: „${line}“ beginnt nicht mit einem Datum (z. B. 24.12.2027).`, field: ui.officeClosures };
      const first = isoDay(m[1], m[2], m[3]);
      const last = m[4] ? isoDay(m[4], m[5], m[6]) : first;
      closures.push({ first_day: first, last_day: last, label: m[7].trim() || null });
    }
    return {
      body: {
        email: ui.officeEmail.value.trim() || null,
        phone: ui.officePhone.value.trim() || null,
        address: ui.officeAddress.value.trim() || null,
        hours,
        closures,
      },
    };
  }

  async function onOfficeSave(event) {
    event.preventDefault();
    if (state.busy.has('office')) return;
    const parsed = officeBody();
    if (parsed.error) {
      showError(parsed.error);
      parsed.field.focus();
      return;
    }
    const id = ui.officeSelect.value;
    setBusy(ui.officeSave, 'office', true);
    setText(ui.officeStatus, '');
    try {
      const office = await api('offices/' + encodeURIComponent(id), { method: 'PUT', json: parsed.body });
      clearError();
      renderOffice(office);
      setText(ui.officeStatus, 'Gespeichert. Der Chat nennt ab sofort diese Angaben.');
    } catch (err) {
      report(err);
    } finally {
      setBusy(ui.officeSave, 'office', false);
    }
  }

  async function loadAccounts() {
    let accounts;
    try {
      accounts = await api('counsellors');
    } catch (err) {
      report(err);
      return;
    }
    const rows = accounts.map((account) => {
      const tr = el('tr');
      const th = el('th', '', account.username + (account.is_admin ? ' (Kreisverwaltung)' : ''));
      th.scope = 'row';
      const status = account.disabled ? `gesperrt ${fmtTime(account.disabled_at)}` + (account.disabled_by ? ` von ${account.disabled_by}` : '') : 'aktiv';
      const cell = el('td');
      if (account.username !== state.username) {
        const button = el('button', 'secondary', account.disabled ? 'Entsperren' : 'Sperren');
        button.type = 'button';
        button.setAttribute('aria-label', `${account.username} ${account.disabled ? 'entsperren' : 'sperren'}`);
        button.addEventListener('click', () => toggleAccount(account, button));
        cell.append(button);
      }
      tr.append(th, el('td', '', officeName(account.office_id)), el('td', '', status), cell);
      return tr;
    });
    ui.accountsBody.replaceChildren(...rows);
  }

  async function toggleAccount(account, button) {
    const key = 'account-' + account.id;
    if (state.busy.has(key)) return;
    setBusy(button, key, true);
    try {
      const path = `counsellors/${account.id}/${account.disabled ? 'enable' : 'disable'}`;
      const changed = await api(path, { method: 'POST' });
      clearError();
      announce(`Konto ${changed.username} ${changed.disabled ? 'gesperrt' : 'entsperrt'}.`);
      await loadAccounts();
      const again = ui.accountsBody.querySelector(`button[aria-label^="${CSS.escape(changed.username)} "]`);
      if (again) again.focus();
      refreshList();
    } catch (err) {
      report(err);
      setBusy(button, key, false);
    }
  }

  // ------------------------------------------------------------------ start

  ui.loginForm.addEventListener('submit', onLogin);
  ui.logout.addEventListener('click', () => logout(null, { revoke: true }));
  for (const button of filterButtons) button.addEventListener('click', onFilter);
  ui.tickets.addEventListener('keydown', onListKey);
  ui.claim.addEventListener('click', onClaim);
  ui.replyForm.addEventListener('submit', onSend);
  ui.reply.addEventListener('keydown', onReplyKey);
  ui.reply.addEventListener('input', () => { if (state.selected) state.drafts.set(state.selected, ui.reply.value); });
  ui.closeForm.addEventListener('submit', onClose);
  ui.snippetOpen.addEventListener('click', () => (ui.snippetPicker.hidden ? openSnippets() : closeSnippets(true)));
  ui.snippetSearch.addEventListener('input', renderSnippets);
  ui.snippetPicker.addEventListener('keydown', onSnippetKey);
  ui.assignOpen.addEventListener('click', onAssignOpen);
  ui.assignForm.addEventListener('submit', onAssign);
  ui.transferOpen.addEventListener('click', onTransferOpen);
  ui.transferForm.addEventListener('submit', onTransfer);
  for (const button of document.querySelectorAll('[data-cancel]')) {
    button.addEventListener('click', () => {
      const form = $(button.dataset.cancel);
      const opener = form === ui.assignForm ? ui.assignOpen : ui.transferOpen;
      hideForm(form, opener);
      opener.focus();
    });
  }
  for (const form of [ui.assignForm, ui.transferForm]) {
    form.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      const opener = form === ui.assignForm ? ui.assignOpen : ui.transferOpen;
      hideForm(form, opener);
      opener.focus();
    });
  }
  ui.transferReason.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      ui.transferForm.requestSubmit();
    }
  });
  ui.channelFilter.addEventListener('change', () => {
    state.channel = ui.channelFilter.value;
    renderList();
  });
  ui.callbackFilter.addEventListener('change', () => {
    state.callbackOnly = ui.callbackFilter.checked;
    renderList();
  });
  ui.callbackForm.addEventListener('submit', onCallback);
  ui.officePanel.addEventListener('toggle', () => { if (ui.officePanel.open) loadOffice(); });
  ui.officeSelect.addEventListener('change', loadOffice);
  ui.officeForm.addEventListener('submit', onOfficeSave);
  ui.accountsPanel.addEventListener('toggle', () => { if (ui.accountsPanel.open) loadAccounts(); });
  ui.closeNote.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      ui.closeForm.requestSubmit();
    }
  });

  const savedToken = sessionStorage.getItem(TOKEN_KEY);
  const savedUser = sessionStorage.getItem(USER_KEY) || '';
  const exp = savedToken ? Number(decodeClaims(savedToken).exp) : 0;
  if (savedToken && exp * 1000 > Date.now() + 5000) {
    startInbox(savedToken, savedUser, false);
  } else {
    if (savedToken) {
      sessionStorage.removeItem(TOKEN_KEY);
      showError('Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich neu an.');
    }
    ui.username.value = savedUser;
    (savedUser ? ui.password : ui.username).focus();
  }
})();

/** Log-in and log-out. The token lives in sessionStorage (this tab only); log-out revokes it on the server. */
import { api } from './api.js';
import { API, BASE_TITLE, LIST_MS, SELECTED_KEY, TOKEN_KEY, USER_KEY } from './config.js';
import { setText } from './dom.js';
import { decodeClaims } from './format.js';
import { announce, clearError, report, showError } from './notify.js';
import { loadOffices, refreshFigures } from './render/figures.js';
import { closeDetail, saveDrafts, selectTicket } from './render/detail.js';
import { refreshList } from './render/list.js';
import { listen } from './stream.js';
import { officeName, state } from './state.js';
import { repeat, setBusy, stop } from './timers.js';
import { groups, ui } from './ui.js';

export async function onLogin(event) {
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

export function startInbox(token, username, focusList) {
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
  repeat('list', refreshList, LIST_MS);
  listen(state.session);
  const saved = sessionStorage.getItem(SELECTED_KEY);
  if (saved) selectTicket(saved, false);
}

export function renderWho() {
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

export function logout(message, { keepDrafts = false, revoke = false } = {}) {
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

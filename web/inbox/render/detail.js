/** The open ticket: header, summary, call back, passing on, history; the transcript (transcript.js) below. */
import { api } from '../api.js';
import { DETAIL_MS, SELECTED_KEY } from '../config.js';
import { el, setText } from '../dom.js';
import { fmtTime } from '../format.js';
import { CHANNELS, GENDERS, HISTORY, STATUS, languageLabel } from '../labels.js';
import { pollFailed, pollOk, showError } from '../notify.js';
import { officeName, state } from '../state.js';
import { topicOf, waitText } from '../tickets.js';
import { repeat, stop } from '../timers.js';
import { ui } from '../ui.js';
import { lastSeq } from '../unread.js';
import { renderList } from './list.js';
import { closeSnippets } from './snippets.js';
import { renderTranscript } from './transcript.js';

export function saveDrafts() {
  if (!state.selected) return;
  if (ui.reply.value) state.drafts.set(state.selected, ui.reply.value);
  else state.drafts.delete(state.selected);
  if (ui.closeNote.value) state.notes.set(state.selected, ui.closeNote.value);
  else state.notes.delete(state.selected);
}

export function hideForm(form, opener) {
  form.hidden = true;
  opener.setAttribute('aria-expanded', 'false');
}

export async function selectTicket(id, moveFocus) {
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

export function closeDetail() {
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

export async function loadDetail(fromPoll) {
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

/**
 * Opening a ticket marks what it shows as read (only while the page is in view: a message that arrives in a
 * hidden tab stays unread until the counsellor looks). The list and the title follow at once.
 */
export async function markRead(id, seq) {
  if (!id || !seq || document.visibilityState === 'hidden') return;
  const known = state.reads.get(id);
  const ticket = state.tickets.get(id);
  const stored = Math.max(known ? known.seq : 0, ticket ? Number(ticket.read_seq) || 0 : 0);
  if (seq <= stored && !(ticket && ticket.unread)) return;
  if ((state.reading.get(id) || 0) >= seq) return;
  state.reading.set(id, seq);
  let answer;
  try {
    answer = await api('tickets/' + encodeURIComponent(id) + '/read', { method: 'POST', json: { seq } });
  } catch {
    return; // the marker stays; the next view tries again
  } finally {
    if (state.reading.get(id) === seq) state.reading.delete(id);
  }
  state.reads.set(id, { seq: answer.read_seq, unread: answer.unread });
  const current = state.tickets.get(id);
  if (current) state.tickets.set(id, { ...current, read_seq: answer.read_seq, unread: answer.unread });
  renderList();
}

export function markShownRead() {
  if (state.selected && state.lastSeq) markRead(state.selected, state.lastSeq);
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

export function renderDetail(detail, announceNew) {
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
    if (entry.detail) li.textContent += ' – ' + entry.detail;
    if (entry.reason) li.append(el('span', 'reason', ' – Grund: ' + entry.reason));
    return li;
  });
  ui.history.replaceChildren(...items);
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

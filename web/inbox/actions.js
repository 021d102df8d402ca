/** What a counsellor does with the open ticket: claim, reply, close, call back, assign, pass on. */
import { api } from './api.js';
import { MAX_NOTE, MAX_REPLY, SELECTED_KEY } from './config.js';
import { el } from './dom.js';
import { languageName } from './labels.js';
import { announce, clearError, report, showError } from './notify.js';
import { closeDetail, hideForm, loadDetail, renderDetail } from './render/detail.js';
import { refreshList } from './render/list.js';
import { officeName, state } from './state.js';
import { setBusy } from './timers.js';
import { ui } from './ui.js';

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

export function onClaim() {
  act('claim', ui.claim, 'claim', undefined, () => {
    announce('Ticket übernommen.');
    if (!ui.replyForm.hidden) ui.reply.focus();
  });
}

export function onSend(event) {
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

export function onClose(event) {
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

export function onCallback(event) {
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

export async function onAssignOpen() {
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
      const langs = (c.languages || []).map(languageName).join(', ');
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

export function onAssign(event) {
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

export function onTransferOpen() {
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

export async function onTransfer(event) {
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

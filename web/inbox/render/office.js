/** The office's own data (hours, closures, phone, e-mail, address): a form, saved with the latest changes shown. */
import { api } from '../api.js';
import { $, el, setText } from '../dom.js';
import { fmtTime } from '../format.js';
import { FIELD_NAMES } from '../labels.js';
import { clearError, report, showError } from '../notify.js';
import { officeBody, officeFields } from '../officeform.js';
import { officeName, state } from '../state.js';
import { setBusy } from '../timers.js';
import { hoursInputs, ui } from '../ui.js';

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

export async function loadOffice() {
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
  const fields = officeFields(office);
  for (const input of hoursInputs) input.value = fields.hours[Number(input.dataset.weekday)];
  ui.officeClosures.value = fields.closures;
  ui.officePhone.value = fields.phone;
  ui.officeEmail.value = fields.email;
  ui.officeAddress.value = fields.address;
  const items = office.changes.map((change) => {
    const names = Object.keys(change.changes).map((k) => FIELD_NAMES[k] || k).join(', ');
    return el('li', '', `${fmtTime(change.at)} · ${change.actor} · geändert: ${names}`);
  });
  if (!items.length) items.push(el('li', '', 'Noch keine Änderungen im Posteingang.'));
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
    address: ui.officeAddress.value,
  };
}

export async function onOfficeSave(event) {
  event.preventDefault();
  if (state.busy.has('office')) return;
  const parsed = officeBody(formFields());
  if (parsed.error) {
    showError(parsed.error);
    (parsed.field === 'closures' ? ui.officeClosures : $(parsed.field)).focus();
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

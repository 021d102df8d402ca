/** County admins: the accounts, each disabled or enabled with one button. */
import { api } from '../api.js';
import { el } from '../dom.js';
import { fmtTime } from '../format.js';
import { announce, clearError, report } from '../notify.js';
import { officeName, state } from '../state.js';
import { setBusy } from '../timers.js';
import { ui } from '../ui.js';
import { refreshList } from './list.js';

export async function loadAccounts() {
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

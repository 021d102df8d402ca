/** Office names (public list) and, for county admins, the figures per office. */
import { api } from '../api.js';
import { FIGURES_MS } from '../config.js';
import { el } from '../dom.js';
import { fmtMedian } from '../format.js';
import { renderWho } from '../session.js';
import { officeName, state } from '../state.js';
import { repeat, stop } from '../timers.js';
import { ui } from '../ui.js';
import { renderList } from './list.js';

export async function loadOffices() {
  if (state.offices.size) return;
  try {
    const offices = await api('offices', { auth: false });
    for (const office of offices) state.offices.set(office.id, office.name);
    renderWho();
    renderList();
    if (state.figures) renderFigures(state.figures);
  } catch {
    // names are a nicety: ids are shown instead
  }
}

export async function refreshFigures() {
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
    } catch {
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

/**
 * The ticket list: refreshed on every live event (and by the safety-net poll), changed in place, so that focus,
 * scroll position and the reply being typed stay where they are. Each entry shows the caller's unread marker; the
 * window title counts the unread tickets.
 */
import { api } from '../api.js';
import { CLOSED_SHOWN } from '../config.js';
import { el, setText } from '../dom.js';
import { fmtTime } from '../format.js';
import { STATUS } from '../labels.js';
import { announce, ding, pollFailed, pollOk } from '../notify.js';
import { state, viewer } from '../state.js';
import {
  contactText, flagsOf, freshAnnouncement, freshWaiting, groupTickets, groupVisible, metaParts, openCallbacks, previewOf,
  topicOf, waitText,
} from '../tickets.js';
import {
  isUnread, mergeReads, newCitizenMessages, titleText, unreadLabel, unreadTickets, writtenAnnouncement,
} from '../unread.js';
import { filterButtons, groups, ui } from '../ui.js';
import { selectTicket } from './detail.js';

export async function refreshList() {
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

export function applyTickets(answer) {
  const list = mergeReads(answer, state.reads);
  const fresh = freshWaiting(list, state.known);
  const before = state.known ? state.tickets : null;
  const written = newCitizenMessages(before, list);
  state.known = state.known || new Set();
  for (const t of list) state.known.add(t.id);
  state.tickets = new Map(list.map((t) => [t.id, t]));
  renderList();
  announce(freshAnnouncement(fresh));
  announce(writtenAnnouncement(written.filter((id) => id !== state.selected).map((id) => state.tickets.get(id))));
  if (fresh.length || written.length) ding();
}

/** The window title and the unread count beside the list's heading. */
export function updateTitle() {
  const count = unreadTickets(state.tickets.values()).length;
  document.title = titleText(count, state.settings.titleBadge);
  setText(ui.unreadCount, count ? (count === 1 ? '1 ungelesen' : `${count} ungelesen`) : '');
}

export function renderList() {
  const focused = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.ticketId
    : undefined;
  const sorted = groupTickets(state.tickets.values(), state);
  const shown = new Set();
  for (const [status, group] of Object.entries(groups)) {
    const tickets = status === 'closed' ? sorted.closed.slice(0, CLOSED_SHOWN) : sorted[status];
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
  updateTitle();
}

// Open call backs: their own list, oldest first, with the contact data (the own office's tickets only).
function renderCallbacks() {
  const focused = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.callbackId
    : undefined;
  const open = openCallbacks(Array.from(state.tickets.values()), state.channel);
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
  const unread = el('span', 't-unread');
  const wait = el('span', 't-wait');
  const meta = el('span', 't-meta');
  const flags = el('span', 't-flags');
  const preview = el('span', 't-preview');
  button.append(topic, ' ', unread, ' ', wait, ' ', flags, ' ', preview, ' ', meta);
  button.addEventListener('click', () => selectTicket(id, true));
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
  setText(item.meta, metaParts(ticket, who).join(' · '));
  const className = 'ticket ' + ticket.status + (isUnread(ticket) ? ' unread' : '');
  if (item.button.className !== className) item.button.className = className;
  if (ticket.id === state.selected) item.button.setAttribute('aria-current', 'true');
  else item.button.removeAttribute('aria-current');
}

export function onFilter(event) {
  state.filter = event.currentTarget.dataset.filter;
  for (const button of filterButtons) button.setAttribute('aria-pressed', String(button === event.currentTarget));
  renderList();
}

/**
 * What the ticket list shows, decided without the DOM: the texts of one entry, the groups ("Meine aktiven",
 * "Wartend", "Bei Kolleginnen und Kollegen", "Abgeschlossen") with their order, the filters and the open call backs.
 * `ctx` carries who is looking: {username, isAdmin, officeName(id)}.
 */
import { fmtMinutes, fmtTime, parseDate } from './format.js';
import { CHANNELS, GENDERS, languageLabel } from './labels.js';

const noName = (id) => id || '';

/** The concern: the server's title (the topic, or the citizen's first sentence, shortened). */
export function topicOf(ticket) {
  if (ticket.title) return String(ticket.title);
  const topic = ticket.summary && ticket.summary.topic;
  return topic ? String(topic) : 'Persönliche Beratung';
}

export function previewOf(ticket) {
  if (!ticket.preview) return '';
  const who = ticket.preview_sender === 'counsellor' ? 'Beratung: ' : 'Bürger/in: ';
  return who + ticket.preview;
}

export function isMine(ticket, username) {
  return ticket.status === 'active' && ticket.assignee === username;
}

export function flagsOf(ticket, ctx) {
  const officeName = (ctx && ctx.officeName) || noName;
  const flags = [];
  if (ticket.callback_wished) flags.push(ticket.callback_done_at ? 'Rückruf erledigt' : 'Rückruf gewünscht');
  if (ticket.transferred_from && ticket.status === 'waiting') flags.push('weitergegeben vom ' + officeName(ticket.transferred_from));
  if (ticket.status === 'active' && ticket.assignee && ticket.assignee !== (ctx && ctx.username)) flags.push('bei ' + ticket.assignee);
  return flags.join(' · ');
}

export function waitText(ticket, now) {
  const minutes = fmtMinutes(ticket.waiting_minutes);
  if (ticket.status === 'waiting') return 'wartet seit ' + minutes;
  if (ticket.status === 'active') {
    return ticket.first_reply_at ? 'erste Antwort nach ' + minutes : 'übernommen, wartet seit ' + minutes + ' auf Antwort';
  }
  return 'abgeschlossen ' + fmtTime(ticket.closed_at, now);
}

export function metaParts(ticket, ctx) {
  const parts = [
    ticket.municipality || 'Gemeinde unbekannt',
    CHANNELS[ticket.channel] || ticket.channel,
    languageLabel(ticket.language),
    GENDERS[ticket.gender] || '',
  ];
  if (ctx && ctx.isAdmin) parts.push(((ctx && ctx.officeName) || noName)(ticket.office_id));
  return parts.filter(Boolean);
}

export function contactText(ticket) {
  const parts = [];
  if (ticket.callback_phone) parts.push('Telefon ' + ticket.callback_phone);
  if (ticket.callback_email) parts.push('E-Mail ' + ticket.callback_email);
  return parts.length ? parts.join(' · ') : 'Rückruf gewünscht, noch ohne Nummer';
}

/** A comparator by a time field; ``direction`` 1: oldest first, -1: newest first. Missing times count as 0. */
export function byDate(field, direction) {
  return (a, b) => {
    const x = parseDate(a[field]);
    const y = parseDate(b[field]);
    return direction * ((x ? x.getTime() : 0) - (y ? y.getTime() : 0));
  };
}

/** filters: {channel: '' | 'web' | 'telegram', callbackOnly: bool}. */
export function passesFilters(ticket, filters) {
  if (filters.channel && ticket.channel !== filters.channel) return false;
  if (filters.callbackOnly && !ticket.callback_wished) return false;
  return true;
}

/** Whether a group shows under the status filter ('all', 'waiting', 'active', 'closed'); "mine" is active too. */
export function groupVisible(filter, group) {
  if (filter === 'all') return true;
  if (filter === 'active') return group === 'active' || group === 'mine';
  return filter === group;
}

/** The list's groups, each in its order: mine, waiting and colleagues' oldest first (who waits longest comes
 * first), closed newest first. */
export function groupTickets(tickets, { username, channel = '', callbackOnly = false } = {}) {
  const groups = { mine: [], waiting: [], active: [], closed: [] };
  for (const ticket of tickets) {
    if (!passesFilters(ticket, { channel, callbackOnly })) continue;
    const key = isMine(ticket, username) ? 'mine' : ticket.status;
    if (groups[key]) groups[key].push(ticket);
  }
  groups.mine.sort(byDate('created_at', 1));
  groups.waiting.sort(byDate('created_at', 1));
  groups.active.sort(byDate('created_at', 1));
  groups.closed.sort(byDate('closed_at', -1));
  return groups;
}

/** Call backs still to be made, oldest first (a deleted conversation has no contact data any more). */
export function openCallbacks(tickets, channel = '') {
  return tickets
    .filter((t) => t.callback_wished && !t.callback_done_at && !t.conversation_deleted)
    .filter((t) => !channel || t.channel === channel)
    .sort(byDate('created_at', 1));
}

/** Waiting tickets in ``list`` that were not among the ``known`` ids (none on the first list: nothing is new then). */
export function freshWaiting(list, known) {
  return known ? list.filter((t) => !known.has(t.id) && t.status === 'waiting') : [];
}

export function freshAnnouncement(fresh) {
  if (fresh.length === 1) {
    const t = fresh[0];
    return `Neue Anfrage: ${topicOf(t)}${t.municipality ? ', ' + t.municipality : ''}.`;
  }
  return fresh.length > 1 ? `${fresh.length} neue Anfragen.` : '';
}

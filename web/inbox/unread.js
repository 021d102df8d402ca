/**
 * Unread markers, per counsellor (the server keeps "read up to seq" for each ticket and sends the caller's count):
 * which tickets count as unread, the entry's marker text, the title badge, and how a newer read of this page wins
 * over an older list answer. Pure: no DOM.
 */
import { BASE_TITLE } from './config.js';

const OPEN = new Set(['waiting', 'active']);

/** Open tickets with citizen messages not read yet, and waiting tickets never opened (a request nobody looked at). */
export function isUnread(ticket) {
  if (!OPEN.has(ticket.status) || ticket.conversation_deleted) return false;
  return Number(ticket.unread) > 0 || (ticket.status === 'waiting' && !Number(ticket.read_seq));
}

export function unreadTickets(tickets) {
  return Array.from(tickets).filter(isUnread);
}

/** The marker in the list: "3 neue Nachrichten", "1 neue Nachricht", "neu" (never opened); "" when read. */
export function unreadLabel(ticket) {
  if (!isUnread(ticket)) return '';
  const n = Number(ticket.unread) || 0;
  if (n === 0) return 'neu';
  return n === 1 ? '1 neue Nachricht' : `${n} neue Nachrichten`;
}

/** "(3) Posteingang – Bildungslotse" while 3 tickets are unread; the plain title without any, or when switched off. */
export function titleText(count, enabled = true) {
  return enabled && count > 0 ? `(${count}) ${BASE_TITLE}` : BASE_TITLE;
}

/**
 * A list answer that left the server before this page's last read of a ticket still has the older marker:
 * take the read's (``reads``: id -> {seq, unread}) until the server's read_seq has caught up.
 */
export function mergeReads(list, reads) {
  return list.map((ticket) => {
    const local = reads.get(ticket.id);
    if (!local || Number(ticket.read_seq) >= local.seq) return ticket;
    return { ...ticket, read_seq: local.seq, unread: local.unread };
  });
}

/** Ids of open tickets whose last message is a new one of the citizen (their preview changed since ``before``). */
export function newCitizenMessages(before, list) {
  if (!before) return [];
  const ids = [];
  for (const ticket of list) {
    const old = before.get(ticket.id);
    if (!old || !OPEN.has(ticket.status) || ticket.preview_sender !== 'user') continue;
    if (ticket.last_message_at && ticket.last_message_at !== old.last_message_at) ids.push(ticket.id);
  }
  return ids;
}

/** For screen readers: which tickets (other than the open one, which says it itself) got a citizen message. */
export function writtenAnnouncement(tickets) {
  if (!tickets.length) return '';
  if (tickets.length > 1) return `Neue Nachrichten in ${tickets.length} Tickets.`;
  const t = tickets[0];
  return `Neue Nachricht zu „${t.title || (t.summary && t.summary.topic) || 'Persönliche Beratung'}“.`;
}

/** The highest seq among the messages shown (0 for none). */
export function lastSeq(messages) {
  return messages.reduce((m, msg) => Math.max(m, Number(msg.seq) || 0), 0);
}

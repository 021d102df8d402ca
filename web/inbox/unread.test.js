import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isUnread, lastSeq, mergeReads, newCitizenMessages, titleText, unreadLabel, unreadTickets, writtenAnnouncement,
} from './unread.js';

test('unread: open tickets with unread citizen messages, and waiting ones never opened', () => {
  assert.equal(isUnread({ status: 'active', unread: 2, read_seq: 5 }), true);
  assert.equal(isUnread({ status: 'active', unread: 0, read_seq: 0 }), false); // claimed by a colleague, nothing new
  assert.equal(isUnread({ status: 'waiting', unread: 0, read_seq: 0 }), true); // nobody here looked at it yet
  assert.equal(isUnread({ status: 'waiting', unread: 0, read_seq: 6 }), false);
  assert.equal(isUnread({ status: 'closed', unread: 4, read_seq: 0 }), false); // the old closed ones stay quiet
  assert.equal(isUnread({ status: 'waiting', unread: 3, conversation_deleted: true }), false);
  const list = [
    { status: 'waiting', unread: 1, read_seq: 0 }, { status: 'active', unread: 0, read_seq: 3 }, { status: 'closed', unread: 9 },
  ];
  assert.equal(unreadTickets(list).length, 1);
  assert.equal(unreadTickets(new Map(list.map((t, i) => [i, t])).values()).length, 1);
});

test('the marker in the list', () => {
  assert.equal(unreadLabel({ status: 'active', unread: 1 }), '1 neue Nachricht');
  assert.equal(unreadLabel({ status: 'waiting', unread: 3 }), '3 neue Nachrichten');
  assert.equal(unreadLabel({ status: 'waiting', unread: 0, read_seq: 0 }), 'neu');
  assert.equal(unreadLabel({ status: 'active', unread: 0, read_seq: 4 }), '');
});

test('the title badge', () => {
  assert.equal(titleText(3), '(3) Posteingang – Bildungslotse');
  assert.equal(titleText(0), 'Posteingang – Bildungslotse');
  assert.equal(titleText(3, false), 'Posteingang – Bildungslotse');
});

test("a list answer older than this page's read does not bring the marker back", () => {
  const reads = new Map([['a', { seq: 8, unread: 0 }]]);
  const [older, newer, other] = mergeReads(
    [{ id: 'a', read_seq: 5, unread: 2 }, { id: 'a', read_seq: 8, unread: 1 }, { id: 'b', read_seq: 0, unread: 4 }],
    reads,
  );
  assert.deepEqual(older, { id: 'a', read_seq: 8, unread: 0 });
  assert.deepEqual(newer, { id: 'a', read_seq: 8, unread: 1 }); // the server caught up: a new message counts again
  assert.deepEqual(other, { id: 'b', read_seq: 0, unread: 4 });
});

test('a new citizen message: the preview moved on and is the citizen\'s', () => {
  const before = new Map([
    ['a', { id: 'a', last_message_at: '2026-12-01T10:00:00Z' }],
    ['b', { id: 'b', last_message_at: '2026-12-01T10:00:00Z' }],
    ['c', { id: 'c', last_message_at: '2026-12-01T10:00:00Z' }],
  ]);
  const list = [
    { id: 'a', status: 'active', preview_sender: 'user', last_message_at: '2026-12-01T10:05:00Z' },
    { id: 'b', status: 'active', preview_sender: 'counsellor', last_message_at: '2026-12-01T10:05:00Z' },
    { id: 'c', status: 'closed', preview_sender: 'user', last_message_at: '2026-12-01T10:05:00Z' },
    { id: 'd', status: 'waiting', preview_sender: 'user', last_message_at: '2026-12-01T10:05:00Z' }, // new: counted as fresh
  ];
  assert.deepEqual(newCitizenMessages(before, list), ['a']);
  assert.deepEqual(newCitizenMessages(null, list), []);
  assert.equal(lastSeq([{ seq: 3 }, { seq: 11 }, { seq: 7 }]), 11);
  assert.equal(lastSeq([]), 0);
});

test('screen readers hear which ticket got a message', () => {
  assert.equal(writtenAnnouncement([{ title: 'Anerkennung' }]), 'Neue Nachricht zu „Anerkennung“.');
  assert.equal(writtenAnnouncement([{ summary: { topic: 'Deutschkurs' } }]), 'Neue Nachricht zu „Deutschkurs“.');
  assert.equal(writtenAnnouncement([{}, {}]), 'Neue Nachrichten in 2 Tickets.');
  assert.equal(writtenAnnouncement([]), '');
});

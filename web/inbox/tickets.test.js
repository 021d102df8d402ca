import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  byDate, contactText, flagsOf, freshAnnouncement, freshWaiting, groupTickets, groupVisible, metaParts, openCallbacks,
  passesFilters, previewOf, topicOf, waitText,
} from './tickets.js';

const T = (id, fields) => ({
  id, status: 'waiting', channel: 'web', created_at: '2026-12-01T10:00:00Z', closed_at: null, assignee: null, ...fields,
});

test('groups: mine, waiting and colleagues oldest first, closed newest first', () => {
  const tickets = [
    T('w2', { created_at: '2026-12-01T11:00:00Z' }),
    T('w1', { created_at: '2026-12-01T09:00:00Z' }),
    T('m1', { status: 'active', assignee: 'anna' }),
    T('c1', { status: 'active', assignee: 'bert' }),
    T('x1', { status: 'closed', closed_at: '2026-12-01T08:00:00Z' }),
    T('x2', { status: 'closed', closed_at: '2026-12-01T12:00:00Z' }),
    T('odd', { status: 'unknown' }),
  ];
  const groups = groupTickets(tickets, { username: 'anna' });
  assert.deepEqual(groups.mine.map((t) => t.id), ['m1']);
  assert.deepEqual(groups.waiting.map((t) => t.id), ['w1', 'w2']);
  assert.deepEqual(groups.active.map((t) => t.id), ['c1']);
  assert.deepEqual(groups.closed.map((t) => t.id), ['x2', 'x1']);
  // someone else sees anna's ticket with the colleagues
  assert.deepEqual(groupTickets(tickets, { username: 'bert' }).active.map((t) => t.id), ['m1']);
});

test('filters: channel and call back wished; the status filter shows "mine" with the active ones', () => {
  const telegram = T('t', { channel: 'telegram', callback_wished: true });
  const web = T('w', {});
  assert.equal(passesFilters(telegram, { channel: 'web' }), false);
  assert.equal(passesFilters(web, { channel: 'web' }), true);
  assert.equal(passesFilters(web, { callbackOnly: true }), false);
  assert.equal(passesFilters(telegram, { channel: '', callbackOnly: true }), true);
  assert.deepEqual(groupTickets([telegram, web], { channel: 'telegram' }).waiting.map((t) => t.id), ['t']);
  assert.equal(groupVisible('all', 'closed'), true);
  assert.equal(groupVisible('active', 'mine'), true);
  assert.equal(groupVisible('active', 'waiting'), false);
  assert.equal(groupVisible('closed', 'closed'), true);
});

test('dates sort with missing ones first', () => {
  const list = [{ at: '2026-12-01T10:00:00Z' }, { at: null }, { at: '2026-11-30T10:00:00' }];
  assert.deepEqual(list.sort(byDate('at', 1)).map((x) => x.at), [null, '2026-11-30T10:00:00', '2026-12-01T10:00:00Z']);
});

test('open call backs: wished, not done, not deleted, per channel, oldest first', () => {
  const list = [
    T('late', { callback_wished: true, created_at: '2026-12-01T12:00:00Z' }),
    T('early', { callback_wished: true, created_at: '2026-12-01T08:00:00Z' }),
    T('done', { callback_wished: true, callback_done_at: '2026-12-01T09:00:00Z' }),
    T('gone', { callback_wished: true, conversation_deleted: true }),
    T('tg', { callback_wished: true, channel: 'telegram' }),
    T('none', {}),
  ];
  assert.deepEqual(openCallbacks(list).map((t) => t.id), ['early', 'tg', 'late']);
  assert.deepEqual(openCallbacks(list, 'web').map((t) => t.id), ['early', 'late']);
  assert.equal(contactText({ callback_phone: '05471 1', callback_email: 'a@b.de' }), 'Telefon 05471 1 · E-Mail a@b.de');
  assert.equal(contactText({}), 'Rückruf gewünscht, noch ohne Nummer');
});

test('the texts of an entry', () => {
  assert.equal(topicOf({ title: 'Anerkennung', summary: { topic: 'x' } }), 'Anerkennung');
  assert.equal(topicOf({ summary: { topic: 'Deutschkurs' } }), 'Deutschkurs');
  assert.equal(topicOf({ summary: {} }), 'Persönliche Beratung');
  assert.equal(previewOf({ preview: 'Danke', preview_sender: 'counsellor' }), 'Beratung: Danke');
  assert.equal(previewOf({ preview: 'Hallo', preview_sender: 'user' }), 'Bürger/in: Hallo');
  assert.equal(previewOf({}), '');
  const ctx = { username: 'anna', isAdmin: true, officeName: (id) => ({ melle: 'Bildungsbüro Ost (Melle)' })[id] || id };
  assert.equal(
    flagsOf(T('a', { callback_wished: true, transferred_from: 'melle' }), ctx),
    'Rückruf gewünscht · weitergegeben vom Bildungsbüro Ost (Melle)',
  );
  assert.equal(flagsOf(T('b', { status: 'active', assignee: 'bert' }), ctx), 'bei bert');
  assert.equal(flagsOf(T('c', { status: 'active', assignee: 'anna' }), ctx), '');
  assert.deepEqual(metaParts(T('d', { municipality: 'Melle', language: 'tr', gender: 'w', office_id: 'melle' }), ctx), [
    'Melle', 'Website-Chat', 'Sprache: Türkisch', 'Wunsch: Beraterin', 'Bildungsbüro Ost (Melle)',
  ]);
  assert.deepEqual(metaParts(T('e', { channel: 'telegram' }), { isAdmin: false }), ['Gemeinde unbekannt', 'Telegram']);
  assert.equal(waitText(T('f', { waiting_minutes: 75 })), 'wartet seit 1 Std. 15 Min.');
  assert.equal(waitText(T('g', { status: 'active', waiting_minutes: 3, first_reply_at: 'x' })), 'erste Antwort nach 3 Min.');
  assert.equal(waitText(T('h', { status: 'active', waiting_minutes: 0.2 })), 'übernommen, wartet seit weniger als 1 Min. auf Antwort');
  const now = new Date('2026-12-01T15:00:00Z');
  assert.equal(waitText(T('i', { status: 'closed', closed_at: '2026-12-01T13:05:00Z' }), now), 'abgeschlossen heute, 14:05 Uhr');
});

test('new waiting tickets are announced, none on the first list', () => {
  const list = [T('a', { title: 'Deutschkurs', municipality: 'Bohmte' }), T('b', { status: 'active' })];
  assert.deepEqual(freshWaiting(list, null), []);
  const fresh = freshWaiting(list, new Set(['b']));
  assert.deepEqual(fresh.map((t) => t.id), ['a']);
  assert.equal(freshAnnouncement(fresh), 'Neue Anfrage: Deutschkurs, Bohmte.');
  assert.equal(freshAnnouncement([T('x', {}), T('y', {})]), '2 neue Anfragen.');
  assert.equal(freshAnnouncement([]), '');
});

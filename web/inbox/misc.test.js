import assert from 'node:assert/strict';
import { test } from 'node:test';
import { officeBody, officeFields } from './officeform.js';
import { DEFAULTS, loadSettings, saveSettings } from './settings.js';
import { matchingSnippets } from './snippetsearch.js';
import { TONES, VOLUME } from './sound.js';
import { parseEvent } from './sse.js';

class Storage {
  constructor(items = {}) { this.items = { ...items }; }
  getItem(key) { return key in this.items ? this.items[key] : null; }
  setItem(key, value) { this.items[key] = String(value); }
}

test('settings: sound off and title count on by default; saved values of the right type win', () => {
  assert.deepEqual(loadSettings(new Storage()), { sound: false, titleBadge: true });
  assert.deepEqual(DEFAULTS, { sound: false, titleBadge: true });
  const store = new Storage();
  assert.deepEqual(saveSettings(store, { sound: 1, titleBadge: false, other: 'x' }), { sound: true, titleBadge: false });
  assert.deepEqual(loadSettings(store), { sound: true, titleBadge: false });
  const broken = new Storage({ 'bildungslotse.beratung.settings': '{"sound": "ja", "titleBadge": false' });
  assert.deepEqual(loadSettings(broken), DEFAULTS);
  const wrongType = new Storage({ 'bildungslotse.beratung.settings': '{"sound": "ja", "titleBadge": false}' });
  assert.deepEqual(loadSettings(wrongType), { sound: false, titleBadge: false });
  assert.deepEqual(loadSettings(null), DEFAULTS);
});

test('the sound is short and quiet', () => {
  const end = Math.max(...TONES.map(([, start, length]) => start + length));
  assert.ok(end <= 0.5, `lasts ${end} s`);
  assert.ok(VOLUME <= 0.1);
  for (const [frequency] of TONES) assert.ok(frequency >= 300 && frequency <= 1500);
});

test('Textbausteine are found by every word typed, in title or text', () => {
  const snippets = [
    { id: 1, title: 'Sprechzeiten', text: 'Das Bildungsbüro ist Mo 08:30–12:30 da.' },
    { id: 2, title: 'Anmeldung', text: 'Bitte melden Sie sich bei der VHS an.' },
  ];
  assert.deepEqual(matchingSnippets(snippets, 'sprech').map((s) => s.id), [1]);
  assert.deepEqual(matchingSnippets(snippets, '  VHS   bitte ').map((s) => s.id), [2]);
  assert.deepEqual(matchingSnippets(snippets, 'vhs sprech'), []);
  assert.deepEqual(matchingSnippets(snippets, '').map((s) => s.id), [1, 2]);
});

test('server-sent events: data lines joined, comments and garbage ignored', () => {
  assert.deepEqual(parseEvent('data: {"ticket_id": "abc"}'), { ticket_id: 'abc' });
  assert.deepEqual(parseEvent('id: 1\ndata: {"ticket_id":\ndata:  "x"}'), { ticket_id: 'x' });
  assert.equal(parseEvent(': keep-alive'), null);
  assert.equal(parseEvent('retry: 2000'), null);
  assert.equal(parseEvent('data: {kaputt'), null);
});

const OFFICE = {
  hours: [{ weekday: 1, opens: '08:30', closes: '12:30' }, { weekday: 3, opens: '08:30', closes: '12:30' },
    { weekday: 3, opens: '14:00', closes: '16:00' }],
  closures: [{ first_day: '2027-12-23', last_day: '2028-01-02', label: 'Weihnachten' }, { first_day: '2027-05-01', last_day: '2027-05-01', label: null }],
  phone: '05471 808-0', email: null, address: 'Bremer Str. 4',
};

test('office data: from the API into the form and back unchanged', () => {
  const fields = officeFields(OFFICE);
  assert.equal(fields.hours[1], '08:30–12:30');
  assert.equal(fields.hours[3], '08:30–12:30, 14:00–16:00');
  assert.equal(fields.hours[2], '');
  assert.equal(fields.closures, '23.12.2027–02.01.2028 Weihnachten\n01.05.2027');
  assert.equal(fields.email, '');
  const { body } = officeBody(fields);
  assert.deepEqual(body.hours, OFFICE.hours);
  assert.deepEqual(body.closures, OFFICE.closures);
  assert.deepEqual([body.phone, body.email, body.address], ['05471 808-0', null, 'Bremer Str. 4']);
});

test('office data: typed forms are read, unreadable ones get a German reason and the field', () => {
  const fields = officeFields(OFFICE);
  fields.hours[5] = '9:00-11:00; 13:00 bis 15:30';
  fields.closures = '24.12.2027 - 26.12.2027  Feiertage';
  const { body } = officeBody(fields);
  assert.deepEqual(body.hours.filter((h) => h.weekday === 5), [
    { weekday: 5, opens: '09:00', closes: '11:00' }, { weekday: 5, opens: '13:00', closes: '15:30' },
  ]);
  assert.deepEqual(body.closures, [{ first_day: '2027-12-24', last_day: '2027-12-26', label: 'Feiertage' }]);
  fields.hours[2] = 'vormittags';
  assert.deepEqual(officeBody(fields), {
    error: 'Dienstag: „vormittags“ ist keine Zeitspanne (z. B. 09:00–12:00).', field: 'hours-2',
  });
  fields.hours[2] = '';
  fields.closures = 'keine Angabe';
  assert.deepEqual(officeBody(fields), {
    error: 'Schließtage: „keine Angabe“ beginnt nicht mit einem Datum (z. B. 24.12.2027).', field: 'closures',
  });
});

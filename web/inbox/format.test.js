import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeClaims, fmtMedian, fmtMinutes, fmtTime } from './format.js';

test('waiting times', () => {
  assert.equal(fmtMinutes(0.4), 'weniger als 1 Min.');
  assert.equal(fmtMinutes(null), 'weniger als 1 Min.');
  assert.equal(fmtMinutes(-5), 'weniger als 1 Min.');
  assert.equal(fmtMinutes(59.9), '59 Min.');
  assert.equal(fmtMinutes(60), '1 Std.');
  assert.equal(fmtMinutes(125), '2 Std. 5 Min.');
  assert.equal(fmtMinutes(1440), '1 Tag');
  assert.equal(fmtMinutes(3 * 1440 + 10), '3 Tagen');
  assert.equal(fmtMedian(null), 'noch keine');
  assert.equal(fmtMedian(4.25), '4,3 Min.');
  assert.equal(fmtMedian(90), '1 Std. 30 Min.');
});

test('times in Osnabrück: "heute" on the same Berlin day, naive times are UTC', () => {
  const now = new Date('2026-12-01T22:30:00Z'); // 23:30 in Berlin
  assert.equal(fmtTime('2026-12-01T22:10:00Z', now), 'heute, 23:10 Uhr');
  assert.equal(fmtTime('2026-12-01T23:10:00', now), '02.12.2026, 00:10 Uhr'); // already the next day in Berlin
  assert.equal(fmtTime('2026-07-01T08:00:00+00:00', now), '01.07.2026, 10:00 Uhr'); // summer time
  assert.equal(fmtTime(null, now), '');
  assert.equal(fmtTime('kein Datum', now), '');
});

test('token claims are read without trusting them; garbage gives {}', () => {
  const payload = Buffer.from(JSON.stringify({ office: 'bohmte', exp: 1 })).toString('base64url');
  assert.deepEqual(decodeClaims(`x.${payload}.y`), { office: 'bohmte', exp: 1 });
  assert.deepEqual(decodeClaims('not a token'), {});
  assert.deepEqual(decodeClaims(''), {});
});

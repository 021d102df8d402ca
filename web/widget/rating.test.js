import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_COMMENT, noteHandover, ratingBody } from "./rating.js";
import { parseSaved } from "./storage.js";

const hv = (ticket_id, status) => ({ ticket_id, status, office: { id: "melle", name: "Bildungsbüro Melle" } });

test("the rating is asked under the close notice of a handover that had a counsellor", () => {
  const claimed = {};
  assert.equal(noteHandover(claimed, hv("T1", "waiting")), false);
  assert.equal(noteHandover(claimed, hv("T1", "active")), false);
  assert.equal(noteHandover(claimed, hv("T1", "closed")), true);
});

test("a withdrawn or unanswered request, or a malformed handover, asks nothing", () => {
  const claimed = {};
  assert.equal(noteHandover(claimed, hv("T2", "waiting")), false);
  assert.equal(noteHandover(claimed, hv("T2", "closed")), false);
  noteHandover(claimed, hv("T3", "active"));
  assert.equal(noteHandover(claimed, hv("T4", "closed")), false); // another ticket
  assert.equal(noteHandover(claimed, null), false);
  assert.equal(noteHandover(claimed, { status: "closed" }), false);
});

test("the body: rating 1-5 only, the comment trimmed and capped, empty is null", () => {
  assert.deepEqual(ratingBody(4, "  Sehr freundlich.  "), { rating: 4, comment: "Sehr freundlich." });
  assert.deepEqual(ratingBody("5", "   "), { rating: 5, comment: null });
  assert.deepEqual(ratingBody(1), { rating: 1, comment: null });
  assert.equal(ratingBody(0, "x"), null);
  assert.equal(ratingBody(6), null);
  assert.equal(ratingBody(2.5), null);
  assert.equal(ratingBody(3, "a".repeat(MAX_COMMENT + 50)).comment.length, MAX_COMMENT);
});

test("the rated tickets are kept with the conversation; anything else is dropped", () => {
  const saved = parseSaved(JSON.stringify({ id: "c1", seq: 3, rated: ["T1", 7, "", "T2"] }));
  assert.deepEqual(saved.rated, ["T1", "T2"]);
  assert.deepEqual(parseSaved(JSON.stringify({ id: "c1" })).rated, []);
});

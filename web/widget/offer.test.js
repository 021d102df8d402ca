import assert from "node:assert/strict";
import { test } from "node:test";
import { createLabels } from "./labels.js";
import { offerFacts } from "./offer.js";

const { t } = createLabels();

test("an offer on site: provider, place with distance, German start date, free", () => {
  const f = offerFacts({
    title: "Deutschkurs A1", provider: "VHS", municipality: "Melle", distance_km: 2.44, online: false,
    next_start: "2027-01-11", cost_eur: 0, url: "https://example.org/a1",
  }, t);
  assert.deepEqual(f, {
    title: "Deutschkurs A1", provider: "VHS", place: "Melle · 2,4 km", start: "Beginn: 11.01.2027",
    cost: "kostenlos", price: false, href: "https://example.org/a1",
  });
});

test("an online offer with a price, no date and an unsafe link", () => {
  const f = offerFacts({ title: "Online", municipality: "Bramsche", online: true, cost_eur: 45.5, url: "javascript:alert(1)" }, t);
  assert.equal(f.place, "online");
  assert.equal(f.start, null);
  assert.equal(f.cost.replace(/\s/g, " "), "45,50 €");
  assert.equal(f.price, true);
  assert.equal(f.href, null);
  assert.equal(f.provider, null);
});

test("missing values: a fallback title, no place, cost on request", () => {
  const f = offerFacts({ distance_km: "far", cost_eur: null }, t);
  assert.equal(f.title, "Angebot");
  assert.equal(f.place, null);
  assert.equal(f.cost, "Kosten auf Anfrage");
});

test("the labels of the conversation's language are used", () => {
  const labels = createLabels();
  labels.set("en", { online: "online", free: "free", start: "Start: {date}", costUnknown: "Price on request" });
  const f = offerFacts({ title: "X", online: true, next_start: "2027-02-01", cost_eur: 0 }, labels.t);
  assert.equal(f.start, "Start: 01.02.2027");
  assert.equal(f.cost, "free");
});

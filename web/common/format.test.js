import assert from "node:assert/strict";
import { test } from "node:test";
import { clockTime, escapeHtml, euro, fill, germanDate, km, linkify, parseDate, safeUrl } from "./format.js";

test("markup characters are escaped", () => {
  assert.equal(escapeHtml(`<img src=x onerror="a('b')">&`), "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;");
  assert.equal(escapeHtml(null), "");
  assert.equal(escapeHtml(5), "5");
});

test("only absolute http(s) addresses are links", () => {
  assert.equal(safeUrl("https://example.org/a b"), "https://example.org/a%20b");
  assert.equal(safeUrl(" HTTP://Example.org "), "http://example.org/");
  for (const bad of ["javascript:alert(1)", "data:text/html,x", "/relative", "//host/x", "https://", 7, null]) {
    assert.equal(safeUrl(bad), null, String(bad));
  }
});

test("addresses in a text become link pieces, trailing punctuation stays text", () => {
  assert.deepEqual(linkify("Siehe https://example.org/info, nicht javascript:alert(1)"), [
    { text: "Siehe " },
    { url: "https://example.org/info", text: "https://example.org/info" },
    { text: ", nicht javascript:alert(1)" },
  ]);
  assert.deepEqual(linkify("„https://a.de/x“."), [{ text: "„" }, { url: "https://a.de/x", text: "https://a.de/x" }, { text: "“." }]);
  assert.deepEqual(linkify("kein Link"), [{ text: "kein Link" }]);
  assert.deepEqual(linkify(""), []);
});

test("German dates and Osnabrück clock times", () => {
  assert.equal(germanDate("2027-01-11"), "11.01.2027");
  assert.equal(germanDate("2027-01-11T08:00:00Z"), "11.01.2027");
  assert.equal(germanDate("11.01.2027"), null);
  assert.equal(germanDate(null), null);
  assert.equal(parseDate("2026-12-01T12:00:00").toISOString(), "2026-12-01T12:00:00.000Z"); // naive = UTC
  assert.equal(parseDate("nonsense"), null);
  assert.equal(clockTime("2026-12-01T12:05:00Z"), "13:05"); // CET
  assert.equal(clockTime("2026-07-01T12:05:00+00:00"), "14:05"); // CEST
  assert.equal(clockTime(""), "");
});

test("money and distances in German notation", () => {
  assert.equal(euro(45.5).replace(/\s/g, " "), "45,50 €");
  assert.equal(euro(0).replace(/\s/g, " "), "0,00 €");
  assert.equal(euro(null), null);
  assert.equal(euro("abc"), null);
  assert.equal(km(2.44), "2,4 km");
  assert.equal(km(12.6), "13 km");
});

test("template fields are filled, unknown ones stay visible", () => {
  assert.equal(fill("Wir verbinden Sie mit dem {office} …", { office: "Bildungsbüro Melle" }), "Wir verbinden Sie mit dem Bildungsbüro Melle …");
  assert.equal(fill("{n} neue Nachrichten", { n: 3 }), "3 neue Nachrichten");
  assert.equal(fill("{a} und {b}", { a: 1 }), "1 und {b}");
  assert.equal(fill("{toString}", {}), "{toString}");
});

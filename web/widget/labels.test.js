import assert from "node:assert/strict";
import { test } from "node:test";
import { GERMAN, createLabels } from "./labels.js";

test("German is built in, with fields filled and the plural of unread messages", () => {
  const labels = createLabels();
  assert.equal(labels.language, "de");
  assert.equal(labels.dir, "ltr");
  assert.equal(labels.t("send"), "Senden");
  assert.equal(labels.t("launcherLabel", { title: "Familienlotse" }), "Familienlotse – Chat");
  assert.equal(labels.unread(1), "1 neue Nachricht");
  assert.equal(labels.unread(4), "4 neue Nachrichten");
  assert.equal(labels.t("noSuchKey"), "noSuchKey");
});

test("the server's texts replace the German ones; unknown keys and non-strings are ignored", () => {
  const labels = createLabels();
  labels.set("tr", { send: "Gönder", launcherLabel: "{title} – Sohbet", evil: "x", menu: 5, close: "" });
  assert.equal(labels.language, "tr");
  assert.equal(labels.t("send"), "Gönder");
  assert.equal(labels.t("launcherLabel", { title: "Bildungslotse" }), "Bildungslotse – Sohbet");
  assert.equal(labels.t("menu"), GERMAN.menu); // not a string: German stays
  assert.equal(labels.t("close"), GERMAN.close); // empty: German stays
  assert.equal(labels.t("evil"), "evil");
  labels.set("ar", {});
  assert.equal(labels.dir, "rtl");
  assert.equal(labels.t("send"), "Senden"); // a switch starts from German again
});

test("bound elements follow every switch", () => {
  const labels = createLabels();
  const seen = [];
  labels.bind(() => seen.push(labels.t("menu") + "/" + labels.dir));
  labels.set("ar", { menu: "القائمة" });
  labels.set("de", {});
  assert.deepEqual(seen, ["Menü/ltr", "القائمة/rtl", "Menü/ltr"]);
});

test("every built-in text is a plain German sentence or phrase with only known fields", () => {
  const fields = { launcherLabel: ["title"], unreadMany: ["count"], start: ["date"], waiting: ["office"], active: ["office"],
    rateN: ["number"] };
  for (const [key, text] of Object.entries(GERMAN)) {
    assert.equal(typeof text, "string", key);
    assert.ok(text.trim() === text && text.length > 0, key);
    const found = [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    assert.deepEqual(found, fields[key] || [], key);
  }
});

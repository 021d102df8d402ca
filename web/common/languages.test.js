import assert from "node:assert/strict";
import { test } from "node:test";
import { baseLanguage, direction, germanName, isRtl, nativeName, pickLanguage } from "./languages.js";

const OFFERED = ["de", "en", "tr", "ar", "uk", "ru"];

test("the primary subtag of a browser language", () => {
  assert.equal(baseLanguage("tr-TR"), "tr");
  assert.equal(baseLanguage(" AR "), "ar");
  assert.equal(baseLanguage("zh_Hant_TW"), "zh");
  assert.equal(baseLanguage("*"), "");
  assert.equal(baseLanguage("<script>"), "");
  assert.equal(baseLanguage(null), "");
});

test("Arabic, Farsi, Hebrew and Urdu are written right to left", () => {
  for (const code of ["ar", "ar-EG", "fa", "he", "ur"]) assert.equal(direction(code), "rtl", code);
  for (const code of ["de", "tr", "uk", "ru", "en-GB", "xx", ""]) assert.equal(direction(code), "ltr", code);
  assert.equal(isRtl("ar"), true);
  assert.equal(isRtl("de"), false);
});

test("names: the language's own for citizens, the German one for counsellors", () => {
  assert.equal(nativeName("tr"), "Türkçe");
  assert.equal(nativeName("uk-UA"), "Українська");
  assert.equal(germanName("tr"), "Türkisch");
  assert.equal(germanName("xx"), "xx");
});

test("the first offered browser language wins, region and case ignored", () => {
  assert.equal(pickLanguage(["tr-TR", "de-DE"], OFFERED), "tr");
  assert.equal(pickLanguage(["fr-FR", "AR"], OFFERED), "ar");
  assert.equal(pickLanguage(["de-AT", "tr"], OFFERED), "de");
  assert.equal(pickLanguage(["fr", "pl"], OFFERED), null);
  assert.equal(pickLanguage([], OFFERED), null);
  assert.equal(pickLanguage(undefined, OFFERED), null);
  assert.equal(pickLanguage(["tr"], ["de"]), null);
});

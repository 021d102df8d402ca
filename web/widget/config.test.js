import assert from "node:assert/strict";
import { test } from "node:test";
import { apiBase, titleOf } from "./config.js";
import { parseSaved } from "./storage.js";

test("the API lives where the script came from, a path prefix kept", () => {
  assert.equal(apiBase("https://lotse.example/widget.js", "https://county.example/page"), "https://lotse.example");
  assert.equal(apiBase("https://proxy.example/chat/widget.js?v=2", "https://county.example/"), "https://proxy.example/chat");
  assert.equal(apiBase("/widget.js", "http://127.0.0.1:8000/demo"), "http://127.0.0.1:8000");
  assert.equal(apiBase(null, "http://127.0.0.1:8000/demo/"), "http://127.0.0.1:8000/demo");
});

test("data-title: trimmed, at most 60 characters, Bildungslotse by default", () => {
  assert.equal(titleOf(" Familienlotse "), "Familienlotse");
  assert.equal(titleOf(""), "Bildungslotse");
  assert.equal(titleOf(null), "Bildungslotse");
  assert.equal(titleOf("x".repeat(80)).length, 60);
});

test("a stored conversation is read defensively", () => {
  assert.deepEqual(parseSaved('{"id":"abc","seq":7,"language":"tr","voted":[4,"x",5],"plain":true}'), {
    id: "abc", seq: 7, language: "tr", voted: [4, 5], rated: [], plain: true,
  });
  assert.deepEqual(parseSaved('{"id":"abc","seq":3,"plain":"yes"}'), {
    id: "abc", seq: 3, language: null, voted: [], rated: [], plain: false,
  });
  for (const bad of [null, "", "{", "[]", '{"id":""}', '{"id":5}', "null"]) assert.equal(parseSaved(bad), null, String(bad));
});

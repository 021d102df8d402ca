import assert from "node:assert/strict";
import { test } from "node:test";
import { accessibleColor, contrastRatio, contrastWithWhite, parseHex, toHex } from "./color.js";

test("only #rgb and #rrggbb are colours", () => {
  assert.deepEqual(parseHex("#fc0"), [255, 204, 0]);
  assert.deepEqual(parseHex(" #005A9C "), [0, 90, 156]);
  for (const bad of ["red", "#12345", "#1234567", "url(x)", "#ggg", "", null, undefined]) {
    assert.equal(parseHex(bad), null, String(bad));
  }
  assert.equal(toHex([0, 90, 156]), "#005a9c");
});

test("contrast ratios of known pairs", () => {
  assert.equal(contrastRatio([0, 0, 0], [255, 255, 255]), 21);
  assert.equal(contrastRatio([255, 255, 255], [255, 255, 255]), 1);
  assert.ok(Math.abs(contrastWithWhite([0, 90, 156]) - 7.14) < 0.01); // the county's blue
});

test("a too light accent colour is darkened until white text on it reads at 4.5:1 or more", () => {
  const dark = accessibleColor("#ffcc00");
  assert.notEqual(dark, "#ffcc00");
  assert.ok(contrastWithWhite(parseHex(dark)) >= 4.5);
  assert.equal(accessibleColor("#005a9c"), "#005a9c"); // dark enough: kept
  assert.equal(accessibleColor("#fff") === "#ffffff", false);
  assert.ok(contrastWithWhite(parseHex(accessibleColor("#fff"))) >= 4.5);
});

test("anything that is not a hex colour gives the fallback (nothing else reaches the CSS)", () => {
  assert.equal(accessibleColor("red;background:url(//evil)"), "#005a9c");
  assert.equal(accessibleColor(null), "#005a9c");
  assert.equal(accessibleColor("nope", "#123456"), "#123456");
});

/*!
 * Bildungslotse – Chat-Widget des Landkreises Osnabrück.
 *
 * Einbinden mit einer Zeile:
 *   <script src="https://HOST/widget.js" defer></script>
 * Optional: data-title="…" (Überschrift, Standard „Bildungslotse“) und data-color="#005a9c" (Akzentfarbe;
 * zu helle Farben werden abgedunkelt, bis weißer Text darauf 4,5:1 Kontrast hat).
 *
 * Built from web/widget/ (ES modules) with esbuild: `npm run build`; edit the sources, not this file.
 * No framework, no requests to anyone but the gateway this file was loaded from.
 * Everything lives in a Shadow DOM (no CSS leaks in or out); all data is rendered with textContent.
 * Texts in the citizen's language (GET /api/v1/labels), German built in.
 */
import { findScript, readConfig } from "./config.js";
import { createWidget } from "./widget.js";

function boot() {
  if (window.BildungslotseWidget) return; // embedded twice: keep the first one
  // Read while this script runs: document.currentScript is only set now.
  const script = findScript(document);
  if (!script) return;
  const config = readConfig(script, document.baseURI);
  let widget = null;
  window.BildungslotseWidget = {
    open: () => { if (widget) widget.open(); },
    close: () => { if (widget) widget.close(); },
  };
  const init = () => {
    widget = createWidget(window, document, config);
    widget.start();
  };
  if (document.body) init();
  else document.addEventListener("DOMContentLoaded", init);
}

boot();

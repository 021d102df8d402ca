/** Fixed settings of the inbox: where the API is, what is kept in the browser, how often the safety net polls. */

// The page lives at <gateway>/beratung/; the API at <gateway>/api/v1/ (also behind a path prefix).
export const API = typeof location === 'undefined' ? '/api/v1/' : new URL('../api/v1/', location.href).href;
export const TOKEN_KEY = 'bildungslotse.beratung.token';
export const USER_KEY = 'bildungslotse.beratung.user';
export const SELECTED_KEY = 'bildungslotse.beratung.selected';
export const SETTINGS_KEY = 'bildungslotse.beratung.settings'; // localStorage: kept across log-ins on this device
export const LIST_MS = 30000; // safety net only: changes are pushed (stream.js)
export const DETAIL_MS = 30000;
export const STREAM_RETRY_MS = 2000;
export const FIGURES_MS = 30000;
export const CLOSED_SHOWN = 50;
export const MAX_REPLY = 4000;
export const MAX_NOTE = 2000;
export const BASE_TITLE = 'Posteingang – Bildungslotse';
export const OFFLINE = 'Keine Verbindung zum Server. Die Ansicht wird automatisch weiter aktualisiert.';

/** Telling the counsellor: the alert line (errors), the polite live region (screen readers), the quiet sound. */
import { OFFLINE } from './config.js';
import { setText } from './dom.js';
import { chime } from './sound.js';
import { state } from './state.js';
import { ui } from './ui.js';

export function showError(message) {
  setText(ui.alert, message);
}

export function clearError() {
  setText(ui.alert, '');
}

let livePending = [];
let liveTimer = null;
export function announce(message) {
  if (!message) return;
  livePending.push(message);
  clearTimeout(liveTimer);
  liveTimer = setTimeout(() => {
    ui.live.textContent = '';
    const text = livePending.join(' ');
    livePending = [];
    // a fresh text node each time, so that the same words are announced again
    setTimeout(() => { ui.live.textContent = text; }, 50);
  }, 150);
}

/** The sound, if the counsellor switched it on; news coming together (list and open ticket) give one chime. */
let lastChime = 0;
export function ding() {
  if (!state.settings.sound) return;
  const now = Date.now();
  if (now - lastChime < 1500) return;
  lastChime = now;
  chime();
}

export function report(err) {
  if (err && err.quiet) return;
  showError(err && err.message ? err.message : 'Unbekannter Fehler.');
}

export function pollFailed(err) {
  if (err.quiet) return;
  if (err.status === 0 || err.status >= 500) {
    if (!state.offline) {
      state.offline = true;
      showError(err.status === 0 ? OFFLINE : err.message);
    }
    return;
  }
  showError(err.message);
}

export function pollOk() {
  if (!state.offline) return;
  state.offline = false;
  if (ui.alert.textContent === OFFLINE || ui.alert.textContent.startsWith('Der Server meldet')) clearError();
  announce('Verbindung wiederhergestellt.');
}

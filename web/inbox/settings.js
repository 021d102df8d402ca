/**
 * The counsellor's own switches, kept in this browser (localStorage) across log-ins: a quiet sound on a new
 * request or citizen message (off unless switched on: an office may be shared) and the count in the window title.
 */
import { SETTINGS_KEY } from './config.js';

export const DEFAULTS = Object.freeze({ sound: false, titleBadge: true });

/** The saved settings over the defaults; anything unreadable or of the wrong type is ignored. */
export function loadSettings(storage) {
  let saved;
  try {
    saved = JSON.parse((storage && storage.getItem(SETTINGS_KEY)) || '{}') || {};
  } catch {
    saved = {};
  }
  const settings = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS)) {
    if (typeof saved[key] === typeof DEFAULTS[key]) settings[key] = saved[key];
  }
  return settings;
}

export function saveSettings(storage, settings) {
  const clean = {};
  for (const key of Object.keys(DEFAULTS)) clean[key] = Boolean(settings[key]);
  try {
    storage.setItem(SETTINGS_KEY, JSON.stringify(clean));
  } catch {
    // private mode or full: the switch holds for this page only
  }
  return clean;
}

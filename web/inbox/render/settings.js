/** The counsellor's switches (settings.js): sound and title count, saved in this browser at once. */
import { announce } from '../notify.js';
import { loadSettings, saveSettings } from '../settings.js';
import { chime } from '../sound.js';
import { state } from '../state.js';
import { ui } from '../ui.js';
import { updateTitle } from './list.js';

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage blocked: the defaults hold
  }
}

export function initSettings() {
  state.settings = loadSettings(storage());
  ui.settingsSound.checked = state.settings.sound;
  ui.settingsTitle.checked = state.settings.titleBadge;
  ui.settingsSound.addEventListener('change', () => {
    change({ sound: ui.settingsSound.checked });
    if (state.settings.sound) chime(); // what it sounds like (the click allows the browser to play it)
    announce(state.settings.sound ? 'Ton eingeschaltet.' : 'Ton ausgeschaltet.');
  });
  ui.settingsTitle.addEventListener('change', () => {
    change({ titleBadge: ui.settingsTitle.checked });
    if (state.token) updateTitle();
    announce(state.settings.titleBadge ? 'Anzahl im Fenstertitel eingeschaltet.' : 'Anzahl im Fenstertitel ausgeschaltet.');
  });
}

function change(part) {
  const store = storage();
  state.settings = store ? saveSettings(store, { ...state.settings, ...part }) : { ...state.settings, ...part };
}

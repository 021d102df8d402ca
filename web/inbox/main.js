/*! Posteingang der Bildungsbüros: Beraterinnen und Berater sehen und beantworten die Anfragen, die der
 * Bildungslotse an ihr Büro weitergegeben hat.
 *
 * Built from web/inbox/ (ES modules) by `npm run build`; do not edit bot/static/beratung/inbox.js by hand.
 * No framework, no third-party requests. Every piece of data from the API is rendered with textContent (never
 * innerHTML). Changes arrive as server-sent events (GET tickets/stream, read with fetch so that the bearer token
 * goes in a header, never in a URL); a slow poll (30 s) is only the safety net. Updates change the DOM in place,
 * so focus, scroll position and the reply being typed stay where they are.
 */
import { onAssign, onAssignOpen, onCallback, onClaim, onClose, onSend, onTransfer, onTransferOpen } from './actions.js';
import { setUnauthorizedHandler } from './api.js';
import { TOKEN_KEY, USER_KEY } from './config.js';
import { $ } from './dom.js';
import { decodeClaims } from './format.js';
import { closeOnEscape, onListKey, onReplyKey, onSnippetKey, submitOnCtrlEnter } from './keyboard.js';
import { showError } from './notify.js';
import { loadAccounts } from './render/accounts.js';
import { hideForm, markShownRead } from './render/detail.js';
import { onFilter, renderList } from './render/list.js';
import { loadOffice, onOfficeSave } from './render/office.js';
import { initSettings } from './render/settings.js';
import { closeSnippets, openSnippets, renderSnippets } from './render/snippets.js';
import { logout, onLogin, startInbox } from './session.js';
import { unlockAudio } from './sound.js';
import { state } from './state.js';
import { filterButtons, ui } from './ui.js';

setUnauthorizedHandler((detail) => logout(detail, { keepDrafts: true }));
initSettings();

ui.loginForm.addEventListener('submit', onLogin);
ui.logout.addEventListener('click', () => logout(null, { revoke: true }));
for (const button of filterButtons) button.addEventListener('click', onFilter);
ui.tickets.addEventListener('keydown', onListKey);
ui.claim.addEventListener('click', onClaim);
ui.replyForm.addEventListener('submit', onSend);
ui.reply.addEventListener('keydown', onReplyKey);
ui.reply.addEventListener('input', () => { if (state.selected) state.drafts.set(state.selected, ui.reply.value); });
ui.closeForm.addEventListener('submit', onClose);
ui.snippetOpen.addEventListener('click', () => (ui.snippetPicker.hidden ? openSnippets() : closeSnippets(true)));
ui.snippetSearch.addEventListener('input', renderSnippets);
ui.snippetPicker.addEventListener('keydown', onSnippetKey);
ui.assignOpen.addEventListener('click', onAssignOpen);
ui.assignForm.addEventListener('submit', onAssign);
ui.transferOpen.addEventListener('click', onTransferOpen);
ui.transferForm.addEventListener('submit', onTransfer);
for (const button of document.querySelectorAll('[data-cancel]')) {
  button.addEventListener('click', () => {
    const form = $(button.dataset.cancel);
    const opener = form === ui.assignForm ? ui.assignOpen : ui.transferOpen;
    hideForm(form, opener);
    opener.focus();
  });
}
closeOnEscape(ui.assignForm, ui.assignOpen);
closeOnEscape(ui.transferForm, ui.transferOpen);
submitOnCtrlEnter(ui.transferReason, ui.transferForm);
submitOnCtrlEnter(ui.closeNote, ui.closeForm);
ui.channelFilter.addEventListener('change', () => {
  state.channel = ui.channelFilter.value;
  renderList();
});
ui.callbackFilter.addEventListener('change', () => {
  state.callbackOnly = ui.callbackFilter.checked;
  renderList();
});
ui.callbackForm.addEventListener('submit', onCallback);
ui.officePanel.addEventListener('toggle', () => { if (ui.officePanel.open) loadOffice(); });
ui.officeSelect.addEventListener('change', loadOffice);
ui.officeForm.addEventListener('submit', onOfficeSave);
ui.accountsPanel.addEventListener('toggle', () => { if (ui.accountsPanel.open) loadAccounts(); });
// Back in view: what the open ticket shows now counts as read. The first gesture lets the browser play the sound.
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') markShownRead(); });
const unlock = () => { if (state.settings.sound) unlockAudio(); };
for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, unlock, { capture: true, passive: true });

const savedToken = sessionStorage.getItem(TOKEN_KEY);
const savedUser = sessionStorage.getItem(USER_KEY) || '';
const exp = savedToken ? Number(decodeClaims(savedToken).exp) : 0;
if (savedToken && exp * 1000 > Date.now() + 5000) {
  startInbox(savedToken, savedUser, false);
} else {
  if (savedToken) {
    sessionStorage.removeItem(TOKEN_KEY);
    showError('Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich neu an.');
  }
  ui.username.value = savedUser;
  (savedUser ? ui.password : ui.username).focus();
}

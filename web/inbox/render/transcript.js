/** The conversation of the open ticket: new messages are appended (nothing already shown is rebuilt). */
import { el } from '../dom.js';
import { fmtTime } from '../format.js';
import { SENDERS } from '../labels.js';
import { announce, ding } from '../notify.js';
import { state } from '../state.js';
import { ui } from '../ui.js';
import { isRtl } from '../../common/languages.js';

export function renderTranscript(messages, announceNew) {
  const box = ui.transcript;
  const maxSeq = messages.reduce((m, msg) => Math.max(m, msg.seq), 0);
  const first = state.lastSeq === 0;
  if (maxSeq < state.lastSeq || (messages.length === 0 && box.children.length)) {
    box.replaceChildren(); // the conversation was deleted or changed: start over
    state.lastSeq = 0;
  }
  // A reply's delivery can fail after it was shown (Telegram): mark it then.
  for (const message of messages) {
    if (message.seq > state.lastSeq || !message.undelivered) continue;
    const li = box.querySelector(`li[data-seq="${Number(message.seq)}"]`);
    if (li && !li.querySelector('.undelivered')) li.append(undeliveredNote());
  }
  const fresh = messages.filter((m) => m.seq > state.lastSeq);
  if (!fresh.length) return;
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 48;
  for (const message of fresh) box.append(messageItem(message));
  state.lastSeq = Math.max(state.lastSeq, maxSeq);
  if (first || nearBottom) box.scrollTop = box.scrollHeight;
  if (announceNew && !first) {
    const fromCitizen = fresh.filter((m) => m.sender === 'user');
    if (fromCitizen.length) {
      const text = String(fromCitizen[fromCitizen.length - 1].text || '');
      const short = text.length > 160 ? text.slice(0, 157) + '…' : text;
      announce(
        (fromCitizen.length === 1 ? 'Neue Nachricht der Bürgerin oder des Bürgers: ' : `${fromCitizen.length} neue Nachrichten, zuletzt: `) +
          short,
      );
      ding();
    }
  }
}

function messageItem(message) {
  const sender = SENDERS[message.sender] ? message.sender : 'system';
  const li = el('li', 'msg ' + sender);
  li.dataset.seq = String(message.seq);
  const who = el('span', 'who', SENDERS[sender]);
  const when = fmtTime(message.created_at);
  if (when) who.append(el('span', 'when', ' · ' + when));
  li.append(who);
  if (message.text) {
    const text = el('p', 'text', message.text);
    if (message.language) text.lang = message.language;
    if (isRtl(message.language)) text.dir = 'rtl'; // Arabic: right to left (#12)
    li.append(text);
  }
  const offers = Array.isArray(message.offers) ? message.offers : [];
  if (offers.length) {
    const box = el('div', 'extra', 'Gezeigte Angebote:');
    const ul = el('ul');
    for (const offer of offers) {
      const parts = [offer.title, offer.provider, offer.online ? 'online' : offer.municipality].filter(Boolean);
      ul.append(el('li', '', parts.join(' – ')));
    }
    box.append(ul);
    li.append(box);
  }
  const buttons = Array.isArray(message.buttons) ? message.buttons : [];
  if (buttons.length) {
    li.append(el('p', 'extra', 'Auswahlknöpfe: ' + buttons.map((b) => b.title).join(' · ')));
  }
  if (!message.text && !offers.length && !buttons.length) li.append(el('p', 'text', '(ohne Text)'));
  if (message.undelivered) li.append(undeliveredNote());
  return li;
}

function undeliveredNote() {
  return el('p', 'extra undelivered', 'Nicht zugestellt: Diese Nachricht hat die Bürgerin oder den Bürger nicht erreicht.');
}

/** Textbausteine: a picker under the reply box (Ctrl+Space), searched by words, inserted at the cursor. The server
 * fills their placeholders ({office_name}, {opening_hours} …) from the office's data. */
import { api } from '../api.js';
import { el } from '../dom.js';
import { announce, report } from '../notify.js';
import { matchingSnippets } from '../snippetsearch.js';
import { state } from '../state.js';
import { ui } from '../ui.js';

async function loadSnippets() {
  try {
    state.snippets = await api('snippets');
  } catch (err) {
    if (!err.quiet) report(err);
  }
}

export function renderSnippets() {
  const matching = matchingSnippets(state.snippets, ui.snippetSearch.value);
  const items = matching.map((snippet) => {
    const li = el('li');
    const button = el('button');
    button.type = 'button';
    button.dataset.snippetId = String(snippet.id);
    button.append(el('span', 's-title', snippet.title), el('span', 's-text', snippet.text));
    button.addEventListener('click', () => insertSnippet(snippet));
    li.append(button);
    return li;
  });
  ui.snippetList.replaceChildren(...items);
  ui.snippetEmpty.hidden = matching.length > 0;
}

export async function openSnippets() {
  if (ui.replyForm.hidden) return;
  ui.snippetPicker.hidden = false;
  ui.snippetOpen.setAttribute('aria-expanded', 'true');
  ui.snippetSearch.value = '';
  renderSnippets();
  ui.snippetSearch.focus();
  await loadSnippets(); // fresh: a colleague may have changed them
  if (!ui.snippetPicker.hidden) renderSnippets();
}

export function closeSnippets(focusReply) {
  ui.snippetPicker.hidden = true;
  ui.snippetOpen.setAttribute('aria-expanded', 'false');
  if (focusReply) ui.reply.focus();
}

export function insertSnippet(snippet) {
  const box = ui.reply;
  const start = box.selectionStart ?? box.value.length;
  const end = box.selectionEnd ?? start;
  box.setRangeText(snippet.text, start, end, 'end');
  box.dispatchEvent(new Event('input'));
  closeSnippets(true);
  announce(`Textbaustein „${snippet.title}“ eingefügt.`);
}

/** Keyboard use: arrows through the ticket list, Ctrl+Enter sends, Ctrl+Space opens the Textbausteine, Esc closes. */
import { hideForm } from './render/detail.js';
import { closeSnippets, insertSnippet, openSnippets } from './render/snippets.js';
import { state } from './state.js';
import { ui } from './ui.js';

/** The index the list's focus moves to for a key, or null for other keys. Pure. */
export function nextIndex(key, index, count) {
  if (key === 'ArrowDown') return Math.min(count - 1, index + 1);
  if (key === 'ArrowUp') return Math.max(0, index - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

export function onListKey(event) {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return;
  const current = event.target.closest('.ticket');
  if (!current) return;
  const buttons = Array.from(ui.tickets.querySelectorAll('.ticket')).filter((b) => b.offsetParent !== null);
  const next = nextIndex(event.key, buttons.indexOf(current), buttons.length);
  event.preventDefault();
  if (buttons[next]) buttons[next].focus();
}

export function onReplyKey(event) {
  if ((event.key === ' ' || event.code === 'Space') && event.ctrlKey) {
    event.preventDefault();
    openSnippets();
    return;
  }
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    ui.replyForm.requestSubmit();
  }
}

export function onSnippetKey(event) {
  const buttons = Array.from(ui.snippetList.querySelectorAll('button'));
  const index = buttons.indexOf(document.activeElement);
  if (event.key === 'Escape') {
    event.preventDefault();
    closeSnippets(true);
  } else if (event.key === 'ArrowDown') {
    event.preventDefault();
    if (buttons.length) buttons[Math.min(buttons.length - 1, index + 1)].focus();
  } else if (event.key === 'ArrowUp') {
    event.preventDefault();
    if (index <= 0) ui.snippetSearch.focus();
    else buttons[index - 1].focus();
  } else if (event.key === 'Enter' && event.target === ui.snippetSearch) {
    event.preventDefault();
    const first = state.snippets.find((s) => String(s.id) === (buttons[0] && buttons[0].dataset.snippetId));
    if (first) insertSnippet(first);
  }
}

/** Ctrl+Enter (Cmd+Enter) in a text box submits its form. */
export function submitOnCtrlEnter(box, form) {
  box.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

/** Esc in an opened form (assign, transfer) closes it and gives the focus back to its opener. */
export function closeOnEscape(form, opener) {
  form.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    hideForm(form, opener);
    opener.focus();
  });
}

/**
 * Live events: GET tickets/stream, read with fetch so that the bearer token goes in a header, never in a URL.
 * One stream per log-in session; it ends with the session (log-out) and reconnects after errors.
 */
import { API, STREAM_RETRY_MS } from './config.js';
import { loadDetail } from './render/detail.js';
import { refreshList } from './render/list.js';
import { logout } from './session.js';
import { parseEvent } from './sse.js';
import { state } from './state.js';

export async function listen(session) {
  while (session === state.session && state.token) {
    const controller = new AbortController();
    state.stream = controller;
    try {
      const response = await fetch(API + 'tickets/stream', {
        headers: { Accept: 'text/event-stream', Authorization: 'Bearer ' + state.token },
        cache: 'no-store',
        credentials: 'same-origin',
        signal: controller.signal,
      });
      if (response.status === 401) {
        if (session === state.session) logout('Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.', { keepDrafts: true });
        return;
      }
      if (!response.ok || !response.body) throw new Error('stream ' + response.status);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done || session !== state.session) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          onStreamEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // offline or the gateway restarted: the safety-net poll keeps the list current until we are back
    }
    if (session !== state.session) return;
    await new Promise((resolve) => setTimeout(resolve, STREAM_RETRY_MS));
    if (session === state.session) refreshList(); // catch up on what happened while disconnected
  }
}

function onStreamEvent(chunk) {
  const event = parseEvent(chunk);
  if (!event) return;
  refreshList();
  if (event.ticket_id && event.ticket_id === state.selected) loadDetail(true);
}

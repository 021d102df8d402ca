/** Server-sent events as the inbox reads them from a fetch body. Pure: no DOM. */

/** The data of one server-sent event ({"ticket_id"}), or null for comments, keep-alives and anything unreadable. */
export function parseEvent(chunk) {
  const data = chunk.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('');
  if (!data) return null;
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

/**
 * The rating after a closed handover (#13): which close notice asks for it and what is sent. Pure, no DOM.
 * The question comes under the notice that a handover the citizen had a counsellor for is closed: a request
 * that was withdrawn or closed unanswered (never "active") asks nothing.
 */
export const MAX_COMMENT = 1000;

/** Note the handover state of one message; true when it is the close notice to ask the rating under. */
export function noteHandover(claimed, hv) {
  if (!hv || typeof hv.ticket_id !== "string" || !hv.ticket_id) return false;
  if (hv.status === "active") claimed[hv.ticket_id] = true;
  return hv.status === "closed" && claimed[hv.ticket_id] === true;
}

/** The body of POST …/feedback: the rating 1–5 and the comment (trimmed, at most 1000 characters, or null). */
export function ratingBody(rating, comment) {
  const n = Number(rating);
  if (!Number.isInteger(n) || n < 1 || n > 5) return null;
  const text = typeof comment === "string" ? comment.trim().slice(0, MAX_COMMENT) : "";
  return { rating: n, comment: text || null };
}

/** The gateway's API with the counsellor's bearer token; German errors as ApiError. */
import { API, OFFLINE } from './config.js';
import { state } from './state.js';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
    this.quiet = false; // already handled (log-in shown again) or an answer of an old session
  }
}

let onUnauthorized = () => {};

/** What happens on a 401 (session.js: back to the log-in, drafts kept). */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export async function api(path, { method = 'GET', json, form, auth = true } = {}) {
  const session = state.session;
  const headers = { Accept: 'application/json' };
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = new URLSearchParams(form);
  }
  if (auth) headers.Authorization = 'Bearer ' + state.token;
  let response;
  try {
    response = await fetch(API + path, { method, headers, body, cache: 'no-store', credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, OFFLINE);
  }
  let data;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (session !== state.session) {
    const stale = new ApiError(-1, 'veraltet');
    stale.quiet = true;
    throw stale;
  }
  if (!response.ok) {
    const detail = data && typeof data.detail === 'string'
      ? data.detail
      : `Der Server meldet einen Fehler (${response.status}). Bitte versuchen Sie es erneut.`;
    const err = new ApiError(response.status, detail);
    if (response.status === 401 && auth) {
      err.quiet = true;
      onUnauthorized(detail);
    }
    throw err;
  }
  return data;
}

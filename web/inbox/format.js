/** Times and durations as the counsellors read them (German, Osnabrück's time zone). Pure: no DOM. */
import { parseDate } from '../common/format.js';

export { parseDate };

const timeFmt = new Intl.DateTimeFormat('de-DE', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' });
const dayFmt = new Intl.DateTimeFormat('de-DE', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Berlin' });

/** "heute, 14:05 Uhr" or "03.11.2026, 09:30 Uhr"; "" without a time. ``now`` decides what "heute" is. */
export function fmtTime(value, now = new Date()) {
  const date = parseDate(value);
  if (!date) return '';
  const day = dayFmt.format(date);
  return (day === dayFmt.format(now) ? 'heute' : day) + ', ' + timeFmt.format(date) + ' Uhr';
}

/** A waiting time: "weniger als 1 Min.", "12 Min.", "2 Std. 5 Min.", "1 Tag", "3 Tagen" (after "seit"). */
export function fmtMinutes(value) {
  const minutes = Math.max(0, Number(value) || 0);
  if (minutes < 1) return 'weniger als 1 Min.';
  if (minutes < 60) return Math.floor(minutes) + ' Min.';
  if (minutes < 1440) {
    const h = Math.floor(minutes / 60);
    const m = Math.floor(minutes % 60);
    return h + ' Std.' + (m ? ' ' + m + ' Min.' : '');
  }
  const d = Math.floor(minutes / 1440);
  return d === 1 ? '1 Tag' : d + ' Tagen';
}

/** The median time to a first reply: decimals below an hour ("4,5 Min."), "noch keine" without one. */
export function fmtMedian(value) {
  if (value === null || value === undefined) return 'noch keine';
  const minutes = Number(value);
  if (minutes < 60) return minutes.toLocaleString('de-DE', { maximumFractionDigits: 1 }) + ' Min.';
  return fmtMinutes(minutes);
}

/** The claims of a JWT (not verified: the server does that), {} for anything unreadable. */
export function decodeClaims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) || {};
  } catch {
    return {};
  }
}

/** The office's data form (hours, closures, contact) as text fields <-> the API's JSON. Pure: no DOM. */
import { WEEKDAY_NAMES } from './labels.js';

const SPAN_RE = /^(\d{1,2}):(\d{2})\s*(?:-|–|bis)\s*(\d{1,2}):(\d{2})$/;
const DATE_RE = '(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4})';
const CLOSURE_RE = new RegExp('^' + DATE_RE + '(?:\\s*(?:-|–|bis)\\s*' + DATE_RE + ')?\\s*(.*)$');

export function pad(n) {
  return String(n).padStart(2, '0');
}

export function isoDay(d, m, y) {
  return `${y}-${pad(m)}-${pad(d)}`;
}

export function germanDay(iso) {
  const [y, m, d] = String(iso).split('-');
  return `${d}.${m}.${y}`;
}

/** The text of each field for an office from the API: {hours: {1: '08:30–12:30', …}, closures, phone, email, address}. */
export function officeFields(office) {
  const hours = {};
  for (let day = 1; day <= 7; day += 1) {
    hours[day] = office.hours.filter((h) => h.weekday === day).map((h) => `${h.opens}–${h.closes}`).join(', ');
  }
  const closures = office.closures.map((c) => {
    const span = c.first_day === c.last_day ? germanDay(c.first_day) : `${germanDay(c.first_day)}–${germanDay(c.last_day)}`;
    return c.label ? `${span} ${c.label}` : span;
  }).join('\n');
  return { hours, closures, phone: office.phone || '', email: office.email || '', address: office.address || '' };
}

/**
 * The form's text as the API's body: {body}; or {error, field} with a German reason and which field to focus
 * ('hours-<weekday>' or 'closures'). ``fields`` has the shape officeFields returns.
 */
export function officeBody(fields) {
  const hours = [];
  for (let day = 1; day <= 7; day += 1) {
    for (const part of String(fields.hours[day] || '').split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
      const m = SPAN_RE.exec(part);
      if (!m) return { error: `${WEEKDAY_NAMES[day - 1]}: „${part}“ ist keine Zeitspanne (z. B. 09:00–12:00).`, field: `hours-${day}` };
      hours.push({ weekday: day, opens: `${pad(m[1])}:${m[2]}`, closes: `${pad(m[3])}:${m[4]}` });
    }
  }
  const closures = [];
  for (const line of String(fields.closures || '').split('\n').map((l) => l.trim()).filter(Boolean)) {
    const m = CLOSURE_RE.exec(line);
    if (!m) return { error: `Schließtage: „${line}“ beginnt nicht mit einem Datum (z. B. 24.12.2027).`, field: 'closures' };
    const first = isoDay(m[1], m[2], m[3]);
    const last = m[4] ? isoDay(m[4], m[5], m[6]) : first;
    closures.push({ first_day: first, last_day: last, label: m[7].trim() || null });
  }
  return {
    body: {
      email: String(fields.email || '').trim() || null,
      phone: String(fields.phone || '').trim() || null,
      address: String(fields.address || '').trim() || null,
      hours,
      closures,
    },
  };
}

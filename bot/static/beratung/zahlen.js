/* Zahlen und Auswertungen: the county's anonymous demand figures for county admins (every office) and
 * counsellors (their own office; the API enforces it, the page only shows what the API returns).
 *
 * No framework, no build step, no third-party requests. Every chart is an SVG built here from the API's JSON
 * (GET /api/v1/figures), with the same numbers in a data table as its accessible alternative and a text summary.
 * A value the API suppressed ("<5", "x") is shown as such and never recomputed; a suppressed value has no bar.
 * Every text from the API is rendered with textContent (never innerHTML). The filter lives in the URL (von, bis,
 * buero, kategorie, ansicht), so a view can be shared; its CSV and JSON links ask the API with the same filter.
 * The login is the inbox's: the same token in sessionStorage, sent in a header, never in a URL.
 */

const API = new URL('../api/v1/', location.href).href;
const TOKEN_KEY = 'bildungslotse.beratung.token';
const USER_KEY = 'bildungslotse.beratung.user';
const SVG = 'http://www.w3.org/2000/svg';
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const OFFLINE = 'Keine Verbindung zum Server. Bitte versuchen Sie es erneut.';
const EXPIRED = 'Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich neu an.';
const BAR = '#00528c'; // 8.1:1 against white (WCAG non-text contrast needs 3:1)
const TEXT = '#1b1b1b';
const MUTED = '#4d4d4d';
const AXIS = '#6b6b6b';

// What each view asks the API for and shows; `columns` are keys of the API's rows (their German headers
// come from the API's column_labels, the same as in the CSV).
const VIEWS = [
  { id: 'monate', nav: 'Monate', title: 'Nachfrage nach Monaten', group: 'month',
    columns: ['searches', 'unmet', 'led_to_handover', 'handovers'], charts: ['searches'],
    intro: 'Suchen im Chat je Monat. Mit der Auswahl einer Kategorie sehen Sie deren Verlauf.' },
  { id: 'kategorien', nav: 'Kategorien', title: 'Nachfrage nach Kategorien', group: 'category',
    columns: ['searches', 'unmet', 'led_to_handover', 'handovers'], charts: ['searches'],
    intro: 'Suchen im Chat je Kategorie der Angebote. „unbekannt“: Die Suche ließ sich keiner Kategorie zuordnen.' },
  { id: 'gemeinden', nav: 'Gemeinden', title: 'Nachfrage nach Gemeinden', group: 'municipality',
    columns: ['searches', 'population', 'searches_per_1000', 'unmet'], charts: ['searches_per_1000', 'searches'],
    intro: 'Suchen je Gemeinde, absolut und je 1 000 Einwohner (Einwohnerzahlen aus den Referenzdaten des Landkreises).' },
  { id: 'themen', nav: 'Themen ohne Angebot', title: 'Gesucht und nicht gefunden', group: 'category', topics: true,
    intro: 'Themen, die im Zeitraum mindestens fünfmal gesucht wurden, ohne dass sich im ganzen Landkreis ein Angebot fand. '
      + 'Seltenere Themen werden nicht gezeigt, weil sie auf einzelne Personen hinweisen könnten. Die Liste gilt für alle Kategorien.' },
  { id: 'zielgruppen', nav: 'Zielgruppen', title: 'Nachfrage nach Zielgruppen', group: 'target_group',
    columns: ['searches', 'unmet', 'handovers'], charts: ['searches'],
    intro: 'Suchen je Zielgruppe, soweit sie im Gespräch genannt wurde.' },
  { id: 'sprachen', nav: 'Sprachen', title: 'Sprachen der Gespräche', group: 'language',
    columns: ['searches', 'unmet', 'handovers'], charts: ['searches'],
    intro: 'Suchen nach der Sprache, in der das Gespräch geführt wurde.' },
  { id: 'bueros', nav: 'Bildungsbüros', title: 'Weitergaben und Wartezeiten', group: 'office',
    columns: ['handovers', 'median_wait_minutes', 'searches', 'led_to_handover'], charts: ['handovers', 'median_wait_minutes'],
    intro: 'Weitergaben an die Bildungsbüros und der Median der Minuten bis zur ersten Antwort (Anfragen des Zeitraums).' },
  { id: 'zufriedenheit', nav: 'Zufriedenheit', title: 'Zufriedenheit', group: 'office', satisfaction: true,
    intro: '„Hat das geholfen?“ nach Antworten mit Angeboten (Ja/Nein) und Bewertungen von 1 (schlecht) bis 5 (sehr gut) nach einer abgeschlossenen Beratung.' },
];
const RATING_LABELS = { 1: '1 – schlecht', 2: '2', 3: '3', 4: '4', 5: '5 – sehr gut' };

const $ = (id) => document.getElementById(id);
const ui = {
  who: $('who'), logout: $('logout'), alert: $('alert'), live: $('live'), main: $('main'),
  loginView: $('login-view'), loginForm: $('login-form'), username: $('username'), password: $('password'),
  loginButton: $('login-button'), figuresView: $('figures-view'), filters: $('filters'), viewInput: $('view-input'),
  from: $('from'), to: $('to'), officeField: $('office-field'), office: $('office'), category: $('category'),
  scopeNote: $('scope-note'), viewLinks: $('view-links'), view: $('view'), viewHeading: $('view-h'), viewBody: $('view-body'),
};
const state = { token: null, me: null, offices: {}, categories: null, data: null, request: 0, renderedFor: null };

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// ------------------------------------------------------------------ small helpers

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function showError(message) {
  ui.alert.textContent = message || '';
}

function announce(message) {
  ui.live.textContent = '';
  setTimeout(() => { ui.live.textContent = message; }, 50);
}

const number = (value, digits = 2) => value.toLocaleString('de-DE', { maximumFractionDigits: digits });

// A mean or median over fewer than 5 cases comes as "<5" too; beside a rating of 4,4 that would read as a value.
const AVERAGES = new Set(['rating_mean', 'median_wait_minutes']);

/** A cell as the API gave it: a number, "<5" (fewer than 5 cases), "x" (hidden to protect a "<5"), or nothing. */
function cellText(value, column) {
  if (value === null || value === undefined) return '–';
  if (value === '<5') return AVERAGES.has(column) ? '< 5 Fälle' : '< 5';
  if (typeof value === 'number') return number(value);
  return String(value);
}

const shown = (value) => typeof value === 'number';

function monthLabel(iso) {
  const [year, month] = iso.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, 1)).toLocaleDateString('de-DE', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function periodText(data) {
  const first = monthLabel(data.from);
  const last = monthLabel(data.to);
  return first === last ? first : `${first} bis ${last}`;
}

function decodeClaims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) || {};
  } catch (_) {
    return {};
  }
}

// ------------------------------------------------------------------ API

async function api(path, { method = 'GET', form, auth = true, raw = false } = {}) {
  const headers = { Accept: raw ? '*/*' : 'application/json' };
  if (auth) headers.Authorization = 'Bearer ' + state.token;
  let response;
  try {
    response = await fetch(API + path, {
      method, headers, body: form ? new URLSearchParams(form) : undefined, cache: 'no-store', credentials: 'same-origin',
    });
  } catch (_) {
    throw new ApiError(0, OFFLINE);
  }
  if (response.ok && raw) return response;
  let data = null;
  try {
    data = await response.json();
  } catch (_) {
    data = null;
  }
  if (!response.ok) {
    const detail = data && typeof data.detail === 'string'
      ? data.detail
      : `Der Server meldet einen Fehler (${response.status}). Bitte versuchen Sie es erneut.`;
    if (response.status === 401 && auth) {
      logout(EXPIRED);
    }
    throw new ApiError(response.status, detail);
  }
  return data;
}

// ------------------------------------------------------------------ filter <-> URL

function readFilter() {
  const params = new URLSearchParams(location.search);
  const view = VIEWS.find((v) => v.id === params.get('ansicht')) || VIEWS[0];
  return {
    view: view.id,
    from: params.get('von') || '',
    to: params.get('bis') || '',
    office: state.me && state.me.is_admin ? (params.get('buero') || '') : '',
    category: params.get('kategorie') || '',
  };
}

function filterQuery(filter, view = filter.view) {
  const params = new URLSearchParams();
  params.set('ansicht', view);
  if (filter.from) params.set('von', filter.from);
  if (filter.to) params.set('bis', filter.to);
  if (filter.office) params.set('buero', filter.office);
  if (filter.category) params.set('kategorie', filter.category);
  return '?' + params.toString();
}

/** The API's query for a view and filter: the months as their first day (the API counts whole months). */
function apiQuery(filter, view) {
  const params = new URLSearchParams();
  if (filter.from) params.set('from', filter.from + '-01');
  if (filter.to) params.set('to', filter.to + '-01');
  params.set('group_by', view.group);
  if (filter.office) params.set('office', filter.office);
  if (filter.category && !view.topics) params.set('category', filter.category);
  return params.toString();
}

function validate(filter) {
  if (filter.from && !MONTH.test(filter.from)) return 'Bitte geben Sie „Von“ als Monat an (JJJJ-MM).';
  if (filter.to && !MONTH.test(filter.to)) return 'Bitte geben Sie „Bis“ als Monat an (JJJJ-MM).';
  if (filter.from && filter.to && filter.from > filter.to) return 'Der Zeitraum ist ungültig: „Von“ liegt nach „Bis“.';
  if (filter.category && state.categories && !state.categories.some((c) => c.key === filter.category)) {
    return 'Diese Kategorie gibt es nicht. Bitte wählen Sie eine aus der Liste.';
  }
  if (filter.office && !Object.hasOwn(state.offices, filter.office)) return 'Dieses Bildungsbüro gibt es nicht. Bitte wählen Sie eines aus der Liste.';
  return '';
}

function fillForm(filter) {
  ui.viewInput.value = filter.view;
  ui.from.value = filter.from;
  ui.to.value = filter.to;
  ui.office.value = filter.office;
  ui.category.value = filter.category;
}

function formFilter() {
  return {
    view: ui.viewInput.value || VIEWS[0].id,
    from: ui.from.value.trim(),
    to: ui.to.value.trim(),
    office: state.me && state.me.is_admin ? ui.office.value : '',
    category: ui.category.value,
  };
}

function renderNav(filter) {
  ui.viewLinks.replaceChildren(...VIEWS.map((view) => {
    const link = el('a', { href: filterQuery(filter, view.id), 'data-view': view.id,
      'aria-current': view.id === filter.view ? 'page' : null }, view.nav);
    return el('li', {}, link);
  }));
}

// ------------------------------------------------------------------ charts

/**
 * A horizontal bar chart as SVG, drawn at the container's width (text stays readable on a phone). Labels stand
 * left of the bars when they fit, else above them. Suppressed values get no bar, only their marker as text.
 */
function barChart(allItems, { title, caption, id, sort = false, column = '' }) {
  const drawable = allItems.filter((item) => shown(item.value) && item.value > 0);
  if (!drawable.length) {
    return el('div', {}, el('h3', {}, title), el('p', { class: 'no-chart', id: id + '-caption' },
      'Kein Diagramm: Es gibt hier keine Fälle, oder alle Werte sind zum Schutz kleiner Zahlen verborgen. Die Tabelle zeigt jeden Wert.'));
  }
  // A long list keeps only its bars; the rest (protected or none) is named in one line and stands in the table.
  let items = allItems.length > 12 ? drawable : allItems.slice();
  if (sort) items = items.slice().sort((a, b) => (shown(b.value) ? b.value : -1) - (shown(a.value) ? a.value : -1));
  const left = allItems.length - items.length;
  const width = Math.max(280, Math.floor(ui.viewBody.clientWidth || 640));
  const longest = Math.max(...items.map((item) => item.label.length), 4);
  const side = longest * 7.6 + 16 <= width * 0.42;
  const labelWidth = side ? Math.ceil(longest * 7.6 + 16) : 0;
  const valueRoom = 76;
  const barRoom = Math.max(40, width - labelWidth - valueRoom);
  const rowHeight = side ? 30 : 48;
  const top = 6;
  const height = top + items.length * rowHeight + 6;
  const max = Math.max(...items.map((item) => (shown(item.value) ? item.value : 0)), 0) || 1;
  const captionId = id + '-caption';
  const chart = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': captionId,
    'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', 'font-size': '14' });
  items.forEach((item, index) => {
    const y = top + index * rowHeight;
    const barY = side ? y + 4 : y + 24;
    const labelY = side ? y + 19 : y + 16;
    chart.append(svg('text', { x: 0, y: labelY, fill: TEXT }, item.label));
    if (shown(item.value)) {
      const length = item.value > 0 ? Math.max(2, Math.round((item.value / max) * barRoom)) : 0;
      if (length) chart.append(svg('rect', { x: labelWidth, y: barY, width: length, height: 20, fill: BAR, rx: 2 }));
      chart.append(svg('text', { x: labelWidth + length + 6, y: barY + 15, fill: TEXT, 'font-weight': '600' }, cellText(item.value)));
    } else {
      // no bar: the value is not known to anyone looking at the figures
      chart.append(svg('text', { x: labelWidth + 6, y: barY + 15, fill: MUTED, 'font-style': 'italic' },
        item.value === null || item.value === undefined ? '– (keine Fälle)' : `${cellText(item.value, column)} (geschützt)`));
    }
  });
  chart.append(svg('line', { x1: labelWidth, y1: top, x2: labelWidth, y2: height - 4, stroke: AXIS, 'stroke-width': 1 }));
  const note = left ? ` Nicht im Diagramm: ${left} ${left === 1 ? 'Zeile' : 'Zeilen'} ohne Fälle oder mit geschützten Werten.` : '';
  return el('figure', { class: 'chart' }, el('h3', {}, title), chart, el('figcaption', { id: captionId }, caption + note));
}

// ------------------------------------------------------------------ tables

function table({ caption, id, head, rows, foot }) {
  const headRow = el('tr', {}, head.map((text) => el('th', { scope: 'col' }, text)));
  const bodyRow = (row) => el('tr', { 'data-key': row.key ?? '' },
    el('th', { scope: 'row' }, row.label),
    row.cells.map(([column, value]) => el('td', { 'data-column': column, class: shown(value) ? null : 'hidden-value' }, cellText(value, column))));
  const parts = [el('caption', {}, caption), el('thead', {}, headRow), el('tbody', {}, rows.map(bodyRow))];
  if (foot) parts.push(el('tfoot', {}, bodyRow(foot)));
  return el('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': id + '-caption' },
    (() => {
      const node = el('table', { id }, parts);
      node.querySelector('caption').id = id + '-caption';
      return node;
    })());
}

function legend() {
  return el('p', { class: 'legend' },
    '„< 5“: weniger als 5 Fälle. „x“: gesperrt, damit eine kleine Zahl weder aus der Summe noch aus einer anderen Tabelle errechnet werden kann. ',
    '„–“: keine Fälle oder nicht berechenbar. Geschützte Werte werden nie geschätzt oder nachgerechnet.');
}

function downloads(filter, view) {
  const query = apiQuery(filter, view);
  const csv = el('a', { href: `${API}figures.csv?${query}`, 'data-download': 'csv' }, 'CSV (Excel) herunterladen');
  const json = el('a', { href: `${API}figures?${query}`, 'data-download': 'json' }, 'JSON herunterladen');
  const topics = view.topics ? el('span', { class: 'hint' }, 'Die Themen stehen in der CSV-Datei unter der Tabelle der Kategorien.') : null;
  return el('p', { class: 'downloads' }, csv, json, topics);
}

function hiddenCount(values) {
  return values.filter((value) => value === '<5' || value === 'x').length;
}

// ------------------------------------------------------------------ views

function countSummary(data, view, measure) {
  const labels = data.column_labels;
  const total = data.total[measure];
  const parts = [`Zeitraum: ${periodText(data)}.`];
  const noun = labels[measure];
  if (measure === 'searches') {
    parts.push(shown(total) ? `Insgesamt ${number(total)} Suchen.` : total === '<5' ? 'Insgesamt weniger als 5 Suchen.'
      : 'Die Summe ist gesperrt.');
    const unmet = data.total.unmet;
    if (shown(unmet) && shown(total)) parts.push(`Davon fanden ${number(unmet)} im ganzen Landkreis kein Angebot.`);
  } else if (measure === 'handovers') {
    parts.push(shown(total) ? `Insgesamt ${number(total)} Weitergaben an ein Bildungsbüro.` : total === '<5'
      ? 'Insgesamt weniger als 5 Weitergaben.' : 'Die Summe ist gesperrt.');
  }
  const ranked = data.rows.filter((row) => shown(row[measure]) && row[measure] > 0)
    .sort((a, b) => b[measure] - a[measure]).slice(0, 3);
  if (ranked.length) {
    const list = ranked.map((row) => `${row.label} (${cellText(row[measure])})`).join(', ');
    parts.push(`Höchste Werte (${noun}): ${list}.`);
  }
  const hidden = hiddenCount(data.rows.map((row) => row[measure]));
  if (hidden) parts.push(`${hidden} ${hidden === 1 ? 'Wert ist' : 'Werte sind'} zum Schutz kleiner Zahlen verborgen („<\u00a05“ oder „x“) und in der Rangfolge nicht berücksichtigt.`);
  return parts.join(' ');
}

function renderTableView(data, view, body) {
  const labels = data.column_labels;
  const measure = view.charts[0];
  body.append(el('p', { class: 'summary', id: 'summary' }, countSummary(data, view, measure)));
  if (view.group === 'office') {
    const wait = data.total.median_wait_minutes;
    body.lastChild.append(' ', shown(wait)
      ? `Median bis zur ersten Antwort über alle gezeigten Büros: ${number(wait)} Minuten.`
      : wait === '<5' ? 'Für den Median der Wartezeit gab es weniger als 5 beantwortete Anfragen.' : '');
  }
  const tableId = 'table-' + view.id;
  const caption = `${view.title}, ${periodText(data)}`;
  for (const [index, column] of view.charts.entries()) {
    const items = data.rows.map((row) => ({ label: row.label, value: row[column] }));
    body.append(barChart(items, { id: `chart-${view.id}-${index}`, sort: view.group === 'municipality', column,
      title: `${labels[column]} je ${data.group_label}`,
      caption: `Balkendiagramm: ${labels[column]} je ${data.group_label}. Die Werte stehen auch in der Tabelle „${caption}“.` }));
  }
  const columns = view.columns.filter((column) => column in labels);
  body.append(table({
    id: tableId,
    caption,
    head: [data.group_label, ...columns.map((column) => labels[column])],
    rows: data.rows.map((row) => ({ key: row.key, label: row.label, cells: columns.map((c) => [c, row[c]]) })),
    foot: { key: 'total', label: data.total.label, cells: columns.map((c) => [c, data.total[c]]) },
  }));
  body.append(legend());
}

function renderTopics(data, view, body) {
  const topics = data.unmet_topics;
  const intro = topics.length
    ? `Zeitraum: ${periodText(data)}. ${topics.length} ${topics.length === 1 ? 'Thema wurde' : 'Themen wurden'} mindestens fünfmal ohne Ergebnis gesucht; am häufigsten „${topics[0].topic}“ (${number(topics[0].searches)}).`
    : `Zeitraum: ${periodText(data)}. Kein Thema wurde mindestens fünfmal gesucht, ohne dass sich ein Angebot fand.`;
  body.append(el('p', { class: 'summary', id: 'summary' }, intro));
  if (!topics.length) return;
  const caption = `Themen ohne Angebot im Landkreis, ${periodText(data)}`;
  body.append(barChart(topics.map((t) => ({ label: t.topic, value: t.searches })), { id: 'chart-themen-0',
    title: 'Suchen je Thema ohne Angebot',
    caption: `Balkendiagramm: Suchen je Thema ohne Angebot. Die Werte stehen auch in der Tabelle „${caption}“.` }));
  body.append(table({
    id: 'table-themen', caption, head: ['Thema (gekürzt, ohne persönliche Angaben)', data.column_labels.searches],
    rows: topics.map((t) => ({ key: t.topic, label: t.topic, cells: [['searches', t.searches]] })),
  }));
}

function times(value) {
  if (shown(value)) return `${number(value)}-mal`;
  return value === '<5' ? 'weniger als 5-mal' : value === 'x' ? '(gesperrt)' : 'keinmal';
}

function helpfulShare(yes, no) {
  if (!shown(yes) || !shown(no) || yes + no === 0) return null;
  return Math.round((yes / (yes + no)) * 100);
}

function renderSatisfaction(data, view, body) {
  const s = data.satisfaction;
  const labels = data.column_labels;
  const share = helpfulShare(s.helpful_yes, s.helpful_no);
  const parts = [`Zeitraum: ${periodText(data)}.`];
  parts.push(`„Hat das geholfen?“: ${times(s.helpful_yes)} ja, ${times(s.helpful_no)} nein`
    + (share === null ? ' (kein Anteil, weil eine Zahl geschützt ist oder keine Antworten vorliegen).' : ` – ${share} % hilfreich.`));
  parts.push(shown(s.ratings) ? `${number(s.ratings)} Bewertungen nach einer Beratung` + (shown(s.rating_mean)
    ? `, im Mittel ${number(s.rating_mean, 1)} von 5.` : '.') : s.ratings === '<5' ? 'Weniger als 5 Bewertungen nach einer Beratung.' : '');
  if (data.category) parts.push('Bewertungen nach einer Beratung haben keine Kategorie: Mit einer Kategorie zählen nur die Antworten auf „Hat das geholfen?“.');
  body.append(el('p', { class: 'summary', id: 'summary' }, parts.join(' ')));

  const overall = `Zufriedenheit insgesamt, ${periodText(data)}`;
  body.append(barChart([
    { label: 'Ja, hat geholfen', value: s.helpful_yes },
    { label: 'Nein, hat nicht geholfen', value: s.helpful_no },
  ], { id: 'chart-zufriedenheit-0', title: '„Hat das geholfen?“', caption: `Balkendiagramm: Antworten auf „Hat das geholfen?“. Die Werte stehen auch in der Tabelle „${overall}“.` }));
  body.append(table({
    id: 'table-zufriedenheit', caption: overall, head: ['Kennzahl', 'Wert'],
    rows: [
      { key: 'helpful_yes', label: labels.helpful_yes, cells: [['helpful_yes', s.helpful_yes]] },
      { key: 'helpful_no', label: labels.helpful_no, cells: [['helpful_no', s.helpful_no]] },
      { key: 'helpful_share', label: 'Anteil hilfreich (%)', cells: [['helpful_share', share]] },
      { key: 'ratings', label: labels.ratings, cells: [['ratings', s.ratings]] },
      { key: 'rating_mean', label: labels.rating_mean, cells: [['rating_mean', s.rating_mean]] },
    ],
  }));

  const ratingCaption = `Bewertungen nach einer Beratung (1–5), ${periodText(data)}`;
  const counts = s.rating_counts || {};
  const ratingRows = ['1', '2', '3', '4', '5'].map((value) => ({ key: value, label: RATING_LABELS[value], value: counts[value] }));
  body.append(barChart(ratingRows, { id: 'chart-zufriedenheit-1', title: 'Bewertungen nach einer Beratung',
    caption: `Balkendiagramm: Anzahl der Bewertungen je Note. Die Werte stehen auch in der Tabelle „${ratingCaption}“.` }));
  body.append(table({
    id: 'table-bewertungen', caption: ratingCaption, head: ['Bewertung', 'Anzahl'],
    rows: ratingRows.map((row) => ({ key: row.key, label: row.label, cells: [['rating_count', row.value]] })),
    foot: { key: 'total', label: data.total.label, cells: [['rating_count', s.ratings]] },
  }));

  const columns = ['helpful_yes', 'helpful_no', 'ratings', 'rating_mean'];
  body.append(table({
    id: 'table-zufriedenheit-bueros', caption: `Zufriedenheit nach Bildungsbüro, ${periodText(data)}`,
    head: [data.group_label, ...columns.map((column) => labels[column])],
    rows: data.rows.map((row) => ({ key: row.key, label: row.label, cells: columns.map((c) => [c, row[c]]) })),
    foot: { key: 'total', label: data.total.label, cells: columns.map((c) => [c, data.total[c]]) },
  }));
  body.append(legend());
}

function renderView(data, filter) {
  const view = VIEWS.find((v) => v.id === filter.view);
  const body = document.createDocumentFragment();
  body.append(el('p', { class: 'hint' }, view.intro));
  body.append(downloads(filter, view));
  if (view.topics) renderTopics(data, view, body);
  else if (view.satisfaction) renderSatisfaction(data, view, body);
  else renderTableView(data, view, body);
  ui.viewHeading.textContent = view.title;
  ui.viewBody.replaceChildren(body);
  document.title = `${view.title} – Zahlen und Auswertungen – Bildungslotse`;
}

function renderScope(data) {
  const office = data.office ? state.offices[data.office] || data.office : null;
  const category = data.category ? (state.categories || []).find((c) => c.key === data.category) : null;
  const text = [office ? `Bildungsbüro: ${office}.` : 'Alle Bildungsbüros des Landkreises.'];
  if (!state.me.is_admin) text[0] = `Sie sehen die Zahlen Ihres Bildungsbüros: ${office}.`;
  if (category) text.push(`Kategorie: ${category.label}.`);
  ui.scopeNote.textContent = text.join(' ');
  ui.scopeNote.hidden = false;
}

async function show(filter, { focus = false } = {}) {
  const view = VIEWS.find((v) => v.id === filter.view) || VIEWS[0];
  fillForm(filter);
  renderNav(filter);
  const problem = validate(filter);
  if (problem) {
    showError(problem);
    return;
  }
  showError('');
  const request = ++state.request;
  ui.view.setAttribute('aria-busy', 'true');
  try {
    const data = await api('figures?' + apiQuery(filter, view));
    if (request !== state.request) return;
    state.data = data;
    state.renderedFor = filter;
    if (!filter.from && !filter.to) {
      ui.from.value = data.from.slice(0, 7);
      ui.to.value = data.to.slice(0, 7);
    }
    renderScope(data);
    renderView(data, filter);
    announce(`${view.title} für ${periodText(data)} geladen.`);
    if (focus) ui.viewHeading.focus();
  } catch (error) {
    if (request === state.request) showError(error.message);
  } finally {
    if (request === state.request) ui.view.setAttribute('aria-busy', 'false');
  }
}

// ------------------------------------------------------------------ downloads

async function download(link) {
  showError('');
  try {
    const response = await api(link.href.slice(API.length), { raw: true });
    const blob = await response.blob();
    const disposition = response.headers.get('Content-Disposition') || '';
    const match = /filename="([^"]+)"/.exec(disposition);
    const data = state.data;
    const name = match ? match[1] : `bildungsmonitoring_${data.group_by}_${data.from}_${data.to}.json`;
    const url = URL.createObjectURL(blob);
    const anchor = el('a', { href: url, download: name, hidden: true });
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    announce(`${name} wird heruntergeladen.`);
  } catch (error) {
    showError(error.message);
  }
}

// ------------------------------------------------------------------ login

async function start(token, focus) {
  state.token = token;
  try {
    state.me = await api('auth/me');
    const [offices, categories] = await Promise.all([
      api('offices', { auth: false }),
      api('figures?group_by=category'),
    ]);
    state.offices = Object.fromEntries(offices.map((office) => [office.id, office.name]));
    state.categories = categories.rows.filter((row) => row.key).map((row) => ({ key: row.key, label: row.label }));
  } catch (error) {
    if (state.token) showError(error.message);
    return;
  }
  ui.office.replaceChildren(el('option', { value: '' }, 'Alle Bildungsbüros'),
    ...Object.entries(state.offices).map(([id, name]) => el('option', { value: id }, name)));
  ui.category.replaceChildren(el('option', { value: '' }, 'Alle Kategorien'),
    ...state.categories.map((c) => el('option', { value: c.key }, c.label)));
  ui.officeField.hidden = !state.me.is_admin;
  const officeName = state.offices[state.me.office_id] || state.me.office_id;
  ui.who.textContent = `Angemeldet: ${state.me.username} (${state.me.is_admin ? 'Kreisverwaltung, alle Büros' : officeName})`;
  ui.who.hidden = false;
  ui.logout.hidden = false;
  ui.loginView.hidden = true;
  ui.figuresView.hidden = false;
  await show(readFilter());
  if (focus) ui.viewHeading.focus();
}

function logout(message) {
  const token = state.token;
  state.token = null;
  state.me = null;
  state.request++;
  sessionStorage.removeItem(TOKEN_KEY);
  if (token && !message) {
    fetch(API + 'auth/logout', { method: 'POST', headers: { Authorization: 'Bearer ' + token }, keepalive: true }).catch(() => {});
  }
  ui.figuresView.hidden = true;
  ui.who.hidden = true;
  ui.logout.hidden = true;
  ui.viewBody.replaceChildren();
  ui.loginView.hidden = false;
  ui.password.value = '';
  ui.username.value = ui.username.value || sessionStorage.getItem(USER_KEY) || '';
  showError(message || '');
  (ui.username.value ? ui.password : ui.username).focus();
}

async function onLogin(event) {
  event.preventDefault();
  const username = ui.username.value.trim();
  const password = ui.password.value;
  if (!username || !password) {
    showError('Bitte geben Sie Benutzername und Passwort ein.');
    (username ? ui.password : ui.username).focus();
    return;
  }
  ui.loginButton.disabled = true;
  try {
    const data = await api('auth/token', { method: 'POST', form: { username, password }, auth: false });
    sessionStorage.setItem(TOKEN_KEY, data.access_token);
    sessionStorage.setItem(USER_KEY, username);
    showError('');
    await start(data.access_token, true);
  } catch (error) {
    showError(error.message);
    ui.password.focus();
  } finally {
    ui.loginButton.disabled = false;
  }
}

// ------------------------------------------------------------------ wiring

ui.loginForm.addEventListener('submit', onLogin);
ui.logout.addEventListener('click', () => logout());
ui.filters.addEventListener('submit', (event) => {
  event.preventDefault();
  const filter = formFilter();
  const problem = validate(filter);
  if (problem) {
    showError(problem);
    return;
  }
  history.pushState(null, '', filterQuery(filter));
  show(filter);
});
ui.viewLinks.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-view]');
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  history.pushState(null, '', link.getAttribute('href'));
  show(readFilter(), { focus: true });
});
ui.viewBody.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-download]');
  if (!link) return;
  event.preventDefault();
  download(link);
});
window.addEventListener('popstate', () => { if (state.me) show(readFilter()); });
let resizeTimer = 0;
let lastWidth = window.innerWidth;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (window.innerWidth !== lastWidth && state.data && state.renderedFor) {
      lastWidth = window.innerWidth;
      renderView(state.data, state.renderedFor); // the charts are drawn at the new width
    }
  }, 200);
});

const savedToken = sessionStorage.getItem(TOKEN_KEY);
const exp = savedToken ? Number(decodeClaims(savedToken).exp) : 0;
if (savedToken && exp * 1000 > Date.now() + 5000) {
  start(savedToken, false);
} else {
  if (savedToken) sessionStorage.removeItem(TOKEN_KEY);
  ui.loginView.hidden = false;
  ui.username.value = sessionStorage.getItem(USER_KEY) || '';
  if (savedToken) showError(EXPIRED);
  (ui.username.value ? ui.password : ui.username).focus();
}

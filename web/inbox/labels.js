/** The German words the inbox shows for the API's codes. Language names come from the shared table (web/common). */
import { germanName } from '../common/languages.js';

export const STATUS = { waiting: 'Wartend', active: 'In Bearbeitung', closed: 'Abgeschlossen' };
export const CHANNELS = { web: 'Website-Chat', telegram: 'Telegram' };
export const SENDERS = {
  user: 'Bürgerin/Bürger',
  bot: 'Assistent (Bildungslotse)',
  counsellor: 'Beratung (Bildungsbüro)',
  system: 'Systemhinweis',
};
export const GENDERS = { w: 'Wunsch: Beraterin', m: 'Wunsch: Berater', d: 'Wunsch: divers' };
export const HISTORY = {
  created: 'Anfrage eingegangen',
  claimed: 'übernommen',
  assigned: 'zugewiesen',
  transferred: 'weitergegeben',
  closed: 'abgeschlossen',
  withdrawn: 'von der Bürgerin / dem Bürger zurückgezogen',
  deleted: 'Gespräch von der Bürgerin / dem Bürger gelöscht',
  replied: 'geantwortet',
  released: 'zurück in die Warteschlange',
  callback_requested: 'Rückruf gewünscht',
  callback_done: 'Rückruf erledigt',
  callback_reopened: 'Rückruf wieder offen',
};
export const WEEKDAY_NAMES = ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag'];
export const FIELD_NAMES = { email: 'E-Mail', phone: 'Telefon', address: 'Anschrift', hours: 'Öffnungszeiten', closures: 'Schließtage' };

/** "Türkisch" for "tr"; the code itself when the table does not know it. */
export function languageName(code) {
  return germanName(code);
}

export function languageLabel(code) {
  return code ? 'Sprache: ' + languageName(code) : '';
}

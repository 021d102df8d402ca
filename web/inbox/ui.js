/** The page's elements, looked up once (the script runs deferred, after the markup). */
import { $ } from './dom.js';

export const ui = {
  skip: $('skip'), who: $('who'), logout: $('logout'), alert: $('alert'), live: $('live'),
  loginView: $('login-view'), loginForm: $('login-form'), username: $('username'), password: $('password'),
  loginButton: $('login-button'), inboxView: $('inbox-view'), figures: $('figures'), figuresBody: $('figures-body'),
  tickets: $('tickets'), ticketsHeading: $('tickets-h'), detailEmpty: $('detail-empty'), detailBody: $('detail-body'),
  detailHeading: $('detail-h'), detailMeta: $('detail-meta'), deletedNotice: $('deleted-notice'),
  summary: $('summary'), callback: $('callback'), consent: $('consent'), claim: $('claim'),
  transcript: $('transcript'), replyForm: $('reply-form'), reply: $('reply'), replyHint: $('reply-hint'),
  send: $('send'), closeForm: $('close-form'), closeNote: $('close-note'), close: $('close'),
  closedInfo: $('closed-info'), transferInfo: $('transfer-info'), history: $('history'),
  assignOpen: $('assign-open'), assignForm: $('assign-form'), assignee: $('assignee'), assign: $('assign'),
  transferOpen: $('transfer-open'), transferForm: $('transfer-form'), transferOffice: $('transfer-office'),
  transferReason: $('transfer-reason'), transfer: $('transfer'),
  channelFilter: $('channel-filter'), callbackFilter: $('callback-filter'),
  snippetOpen: $('snippet-open'), snippetPicker: $('snippet-picker'), snippetSearch: $('snippet-search'),
  snippetList: $('snippet-list'), snippetEmpty: $('snippet-empty'),
  callbackList: $('callback-list'), callbacksCount: $('callbacks-count'), callbacksEmpty: $('callbacks-empty'),
  callbackContact: $('callback-contact'), callbackState: $('callback-state'), callbackForm: $('callback-form'),
  callbackNote: $('callback-note'), callbackDone: $('callback-done'),
  officePanel: $('office-panel'), officeForm: $('office-form'), officeSelect: $('office-select'),
  officeClosures: $('office-closures'), officePhone: $('office-phone'), officeEmail: $('office-email'),
  officeAddress: $('office-address'), officeSave: $('office-save'), officeStatus: $('office-status'),
  officeChanges: $('office-changes'), accountsPanel: $('accounts-panel'), accountsBody: $('accounts-body'),
  settingsSound: $('setting-sound'), settingsTitle: $('setting-title'),
  unreadCount: $('unread-count'),
};

export const hoursInputs = Array.from(document.querySelectorAll('input[data-weekday]'));
export const filterButtons = Array.from(document.querySelectorAll('[data-filter]'));

export const groups = {};
for (const section of document.querySelectorAll('.group[data-status]')) {
  groups[section.dataset.status] = {
    section,
    list: section.querySelector('.ticket-list'),
    count: section.querySelector('.count'),
    empty: section.querySelector('.empty'),
  };
}

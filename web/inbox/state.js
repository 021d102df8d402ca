/** The inbox's one state object, shared by the modules. */
export const state = {
  token: null,
  username: '',
  officeId: null,
  session: 0, // bumped at every log-in/log-out: late answers of an old session are dropped
  stream: null, // AbortController of the open live-event stream
  tickets: new Map(), // id -> TicketOut
  items: new Map(), // id -> {li, button, topic, wait, unread, flags, preview, meta}
  known: null, // ids seen so far (null until the first list arrived)
  reads: new Map(), // id -> {seq, unread}: this page's last read of a ticket (unread.mergeReads)
  reading: new Map(), // id -> seq being sent
  filter: 'all',
  channel: '', // '' all, 'web', 'telegram'
  snippets: [], // Textbausteine of the own office, placeholders filled by the server
  callbackOnly: false,
  callbackDone: false,
  selected: null,
  detailGen: 0, // bumped around every action: an older poll answer must not overwrite a newer state
  lastSeq: 0,
  staticSig: '',
  drafts: new Map(),
  notes: new Map(),
  draftOwner: null,
  offices: new Map(),
  isAdmin: false,
  figures: null,
  offline: false,
  timers: {},
  busy: new Set(),
  settings: { sound: false, titleBadge: true },
};

export function officeName(id) {
  return state.offices.get(id) || id || '';
}

/** Who is looking, for the pure list helpers (tickets.js). */
export function viewer() {
  return { username: state.username, isAdmin: state.isAdmin, officeName };
}

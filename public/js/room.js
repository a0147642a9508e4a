// The room page: wires the textarea, the cursor overlay, the member list and the banners to a
// RoomSession, and the history view and authorship colours (history.js, authorship.js) to both.

import { TextareaBinding } from './editor.js';
import { CursorOverlay } from './overlay.js';
import { displayName, renderMembers } from './presence.js';
import { RoomSession } from './session.js';
import { parseLink, roomLink, socketUrl } from './link.js';
import { OwnerToken, tokenClaims } from './owner.js';
import { LocalCopy } from './localcopy.js';
import { forgetRoom, rememberRoom, saveName } from './prefs.js';
import { copyText, showSharePanel } from './share.js';
import { wirePanelToggles } from './panels.js';
import { HistoryView } from './history.js';
import { LiveAuthorship } from './authorship.js';

const $ = (id) => document.getElementById(id);
const NOTICE_MS = 8000;

export function showRoom(link) {
  document.title = `${link.room} · livepad`;
  $('room').hidden = false;
  $('room-title').hidden = false;
  $('topbar-status').hidden = false;
  $('room-name').textContent = link.room;
  $('my-name').value = link.name;

  const textarea = $('editor');
  const overlay = new CursorOverlay(textarea, $('overlay'));
  let session = null;
  let undoing = false;
  const authorship = new LiveAuthorship({
    textarea,
    layer: $('authorship-layer'),
    room: link.room,
    token: () => link.token,
    session: () => session,
    text: () => binding.text,
    failed: (message) => {
      showNotice(message, 'warning');
      $('authorship-toggle').setAttribute('aria-pressed', 'false'); // the toggle says what is shown
      authorship.setEnabled(false);
    },
  });
  const binding = new TextareaBinding(textarea, {
    onLocal: (op, before) => {
      session.localEdit(op, before, undoing);
      authorship.local(op);
    },
    onUndo: (redo) => undo(redo),
    onSelection: () => session.selectionMoved(false),
    onRemote: (op) => authorship.remote(op),
    onReplace: () => authorship.reset(),
  });
  const undo = (redo) => {
    const op = session.undoStep(redo);
    if (!op) return;
    undoing = true;
    try {
      binding.applyOwn(op);
    } finally {
      undoing = false;
    }
  };

  const owner = new OwnerToken(link.room, link.token);
  const historyView = new HistoryView({
    room: link.room, token: () => link.token, name: () => session.name, announce, editor: textarea,
  });
  const view = roomView(link, binding, overlay, () => session, owner, { historyView, authorship });
  const claims = tokenClaims(link.token);
  const rid = claims && typeof claims.rid === 'string' ? claims.rid : null;
  session = new RoomSession({
    room: link.room, token: link.token, name: link.name, editor: binding, view, url: socketUrl(), rid,
  });
  // The authorship colours need to know who sent each op the session applies to the editor.
  const receive = session.receive.bind(session);
  session.receive = (message) => {
    authorship.receiving(message);
    try {
      return receive(message);
    } finally {
      authorship.receiving(null);
    }
  };
  owner.onChange((token) => {
    // Everything that held the old token takes the new one: the next rejoin (after a revocation
    // the old one is refused), the address bar (a bookmark made now must work), the start page.
    session.token = token;
    link.token = token;
    const shown = parseLink(location.hash);
    history.replaceState(null, '', roomLink({ room: link.room, token, name: shown ? shown.name : '' }));
    rememberRoom(link.room, token); // replaces the room's entry, and its old token with it
  });
  wirePanelToggles();
  wireControls(link, session, binding);
  wireAuthorshipToggle(authorship);
  window.livepad = { debug: session.debug() };
  window.addEventListener('beforeunload', (e) => {
    session.keep(); // kept in this browser, unsaved edits are sent when the room is next opened
    if (session.hasUnsaved()) e.preventDefault();
  });
  // The local copy is written shortly after each change; leaving or hiding the page writes it now.
  window.addEventListener('pagehide', () => session.keep());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') session.keep();
  });
  LocalCopy.claim(link.room, rid).then((copy) => session.start(copy));
}

function wireControls(link, session, binding) {
  const nameInput = $('my-name');
  nameInput.addEventListener('change', () => {
    const name = nameInput.value.trim();
    saveName(name);
    history.replaceState(null, '', roomLink({ room: link.room, token: link.token, name }));
    session.rename(name);
  });
  const download = () => downloadText(link.room, binding.text);
  $('download').addEventListener('click', download);
  $('fatal-download').addEventListener('click', download);
  $('recovered-download').addEventListener('click', () => {
    if (session.recovered) downloadText(`${link.room}-my-version`, session.recovered.text);
  });
  $('recovered-apply').addEventListener('click', () => {
    session.reapplyRecovered();
    $('recovered').hidden = true;
  });
  $('recovered-dismiss').addEventListener('click', () => {
    session.dismissRecovered();
    $('recovered').hidden = true;
  });
  $('retry-now').addEventListener('click', () => session.connection.retryNow());
  $('unreachable-retry').addEventListener('click', () => session.connection.retryNow());
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', () => copyText($(button.dataset.copy), button));
  }
}

/** The editor's "Authors" toggle button: colours the live text by who wrote it while pressed. */
function wireAuthorshipToggle(authorship) {
  const toggle = $('authorship-toggle');
  toggle.addEventListener('click', () => {
    const on = toggle.getAttribute('aria-pressed') !== 'true';
    toggle.setAttribute('aria-pressed', String(on));
    authorship.setEnabled(on);
    announce(on ? 'The text is coloured by who wrote it.' : 'Author colours are off.');
  });
}

/** What the session shows, as the `view` it reports to. */
function roomView(link, binding, overlay, sessionRef, owner, { historyView, authorship }) {
  let countdown = 0;
  let shared = false;
  let focused = false;
  let everJoined = false;
  let restored = false; // showing what this browser kept of the room, before any join
  let refusal = null; // why the server turned the last join away ("the room is full"), if it did
  let announced = 'connecting';
  return {
    status(state, until, fallback = false) {
      clearInterval(countdown);
      const said = fallback ? 'connected-fallback' : state;
      if (said !== announced && !sessionRef().stopped) {
        announced = said;
        announce({
          'connected-fallback': 'Connected to the room over plain HTTP: this network blocks WebSockets.',
          connected: 'Connected to the room.',
          reconnecting: 'Connection lost. Reconnecting; your changes are kept on this page.',
          offline: 'This device is offline. Your changes are kept on this page.',
        }[state]);
      }
      if (!everJoined && !restored && !sessionRef().stopped && (state === 'reconnecting' || state === 'offline')) {
        // Never got in: an editor to type into would be a promise the page cannot keep yet.
        showView('unreachable');
        $('unreachable-title').textContent = refusal
          || (state === 'offline' || !navigator.onLine ? 'This device is offline.' : 'The server cannot be reached.');
        refusal = null; // said once: the next attempt may fail for another reason
      }
      const pill = $('connection');
      pill.className = `connection state-${state}`;
      $('retry-now').hidden = state !== 'reconnecting' && state !== 'offline';
      const label = () => {
        if (state === 'reconnecting' && until) {
          const seconds = Math.ceil((until - Date.now()) / 1000);
          return seconds > 0 ? `reconnecting in ${seconds} s…` : 'reconnecting…';
        }
        if (state === 'connected' && fallback) return 'connected (fallback: HTTP)';
        return { connecting: 'connecting…', connected: 'connected', reconnecting: 'reconnecting…', offline: 'offline' }[state];
      };
      pill.textContent = label();
      if (state === 'reconnecting' && until) countdown = setInterval(() => { pill.textContent = label(); }, 500);
      if (sessionRef().stopped) $('retry-now').hidden = true;
    },
    restored(role) {
      restored = true;
      showView('room');
      $('viewer-banner').hidden = role !== 'viewer';
      $('editor').placeholder = role === 'viewer' ? 'Nothing written yet.' : 'Start typing…';
    },
    joined(self) {
      everJoined = true;
      showView('room');
      $('viewer-banner').hidden = self.role !== 'viewer';
      $('editor').placeholder = self.role === 'viewer' ? 'Nothing written yet.' : 'Start typing…';
      if (!focused && self.role !== 'viewer' && document.activeElement === document.body) {
        focused = true;
        $('editor').focus(); // ready to type on arrival
      }
      if (self.role === 'owner' && !shared) {
        shared = true;
        rememberRoom(link.room, link.token); // listed on this browser's start page
        showSharePanel(link.room, owner);
      }
      // Checked at every join, so that a page left open for weeks renews too (when it reconnects).
      if (self.role === 'owner') owner.renewIfDue();
      historyView.setRole(self.role);
      authorship.reset(); // a new clientId, and maybe missed ops: ask who wrote what again
    },
    members(self, others) {
      renderMembers($('members'), self, others);
      const total = others.size + (self ? 1 : 0);
      $('member-count').textContent = total ? `(${total})` : '';
      $('members-toggle-count').textContent = total ? `(${total})` : '';
    },
    presence(event, member) {
      if (event === 'join') announce(`${displayName(member)} joined the room.`);
      else if (event === 'leave') announce(`${displayName(member)} left the room.`);
    },
    peers(others) {
      overlay.update(binding.text, others);
    },
    sync(state, joined, held) {
      const client = sessionRef().client;
      if (client) historyView.revisionSeen(client.revision);
      const element = $('sync-state');
      const waiting = !joined || held; // the edits stay here for a while: say so, not just "saving"
      if (state === 'synchronized') element.textContent = 'All changes saved';
      else if (!joined) element.textContent = 'Unsaved changes kept here until the connection is back';
      else element.textContent = held ? 'Unsaved changes kept here until the server can take them' : 'Saving…';
      element.className = `sync-state sync-${state === 'synchronized' ? 'saved' : waiting ? 'pending' : 'saving'}`;
    },
    notice(message, level) {
      if (!everJoined) refusal = message; // shown by the 'unreachable' view, which hides notices
      showNotice(message, level);
    },
    recovered(count) {
      const session = sessionRef();
      const canApply = !!(session.recovered && session.recovered.op);
      $('recovered-message').textContent = canApply
        ? `You were away long enough that the server no longer had the history to merge your ${count} unsaved `
          + 'characters automatically. The editor shows the server\'s text. Re-apply your changes on top of it, '
          + 'or download your version to compare.'
        : 'The server refused your last change, so the editor shows the server\'s text. Your version is kept: download it to compare.';
      $('recovered-apply').hidden = !canApply;
      $('recovered').hidden = false;
    },
    fatal(message, code, text) {
      showView('failed');
      $('fatal-message').textContent = message;
      $('fatal').hidden = false;
      $('fatal-download').hidden = text === null; // never joined: there is nothing to keep
      $('editor').placeholder = '';
      $('viewer-banner').hidden = true;
      if (['invalid_token', 'no_such_room', 'closed'].includes(code)) forgetRoom(link.room, link.token);
    },
  };
}

/** Says `message` to screen readers through the polite live region (a repeat is said again). */
function announce(message) {
  if (!message) return;
  const region = $('announcer');
  if (region.textContent === message) region.textContent = '';
  setTimeout(() => { region.textContent = message; }, 50);
}

/**
 * Which of the room page's views shows: 'room'; 'unreachable' while the page has never joined and
 * is waiting to try again (the server does not answer, or turned the join away for now); 'failed'
 * when the link cannot work (refused token, deleted room).
 */
function showView(view) {
  document.body.dataset.view = view;
  $('unreachable').hidden = view !== 'unreachable';
}

const shownNotices = new Map(); // message -> element, so a repeated notice is not stacked

function showNotice(message, level) {
  const existing = shownNotices.get(message);
  if (existing) existing.remove();
  const notice = document.createElement('div');
  notice.className = `notice notice-${level}`;
  notice.setAttribute('role', level === 'error' ? 'alert' : 'status');
  notice.dataset.testid = 'notice';
  const text = document.createElement('span');
  text.textContent = message;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'notice-close';
  close.setAttribute('aria-label', 'Dismiss');
  close.textContent = '×';
  const dismiss = () => {
    notice.remove();
    if (shownNotices.get(message) === notice) shownNotices.delete(message);
  };
  close.addEventListener('click', dismiss);
  notice.append(text, close);
  $('notices').append(notice);
  shownNotices.set(message, notice);
  if (level !== 'error') setTimeout(dismiss, NOTICE_MS);
}

/** Saves text as a UTF-8 .txt file built in the browser (no round trip to the server). */
function downloadText(baseName, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${baseName}.txt`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

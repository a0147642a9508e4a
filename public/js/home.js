// The start page: create a room, re-open one created here, or open a pasted link.

import { createRoom } from './api.js';
import { parseLink, roomLink } from './link.js';
import { forgetRoom, ownedRooms, rememberRoom, saveName, savedName } from './prefs.js';

const ROOM_NAME = /^(?!\.\.?$)[A-Za-z0-9._-]{1,64}$/; // "." and ".." are URL path steps
const $ = (id) => document.getElementById(id);

export function showHome() {
  $('home').hidden = false;
  $('create-name').value = savedName();
  $('create-form').addEventListener('submit', (e) => {
    e.preventDefault();
    create();
  });
  $('open-form').addEventListener('submit', (e) => {
    e.preventDefault();
    openPasted();
  });
  renderRecent();
  $('create-room').focus();
}

async function create() {
  const room = $('create-room').value.trim();
  const name = $('create-name').value.trim();
  const error = $('create-error');
  error.hidden = true;
  if (!ROOM_NAME.test(room)) {
    showError(error, 'Room names are 1 to 64 characters: letters, digits, dot, underscore and dash.');
    $('create-room').focus();
    return;
  }
  saveName(name);
  const button = $('create-submit');
  button.disabled = true;
  try {
    const created = await createRoom(room);
    rememberRoom(created.room, created.token);
    location.assign(roomLink({ room: created.room, token: created.token, name }));
  } catch (e) {
    showError(error, e.message);
  } finally {
    button.disabled = false;
  }
}

function openPasted() {
  const value = $('open-link').value.trim();
  const hashAt = value.indexOf('#');
  const link = parseLink(hashAt >= 0 ? value.slice(hashAt) : value);
  if (!link) {
    showError($('open-error'), 'That does not look like a livepad room link (it needs #room=…&token=…).');
    return;
  }
  location.assign(roomLink(link));
}

function renderRecent() {
  const rooms = ownedRooms();
  $('recent-card').hidden = rooms.length === 0;
  $('recent-list').replaceChildren(...rooms.map((r) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = roomLink({ room: r.room, token: r.token, name: savedName() });
    a.textContent = r.room;
    const when = document.createElement('span');
    when.className = 'hint';
    when.textContent = `opened ${new Date(r.openedAt).toLocaleDateString()}`;
    const forget = document.createElement('button');
    forget.type = 'button';
    forget.className = 'link-button';
    forget.textContent = 'Forget';
    forget.setAttribute('aria-label', `Forget room ${r.room} on this browser`);
    forget.addEventListener('click', () => {
      forgetRoom(r.room, r.token);
      renderRecent();
    });
    li.append(a, when, forget);
    return li;
  }));
}

function showError(element, message) {
  element.textContent = message;
  element.hidden = false;
}

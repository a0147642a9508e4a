// What this browser remembers: the display name and the owner links of the rooms it owns.
// Stored in localStorage only; nothing of it is sent anywhere except as part of a join.

const NAME_KEY = 'livepad.name';
const ROOMS_KEY = 'livepad.rooms';
const MAX_ROOMS = 12;

function read(key, fallback) {
  try {
    const value = localStorage.getItem(key);
    return value === null ? fallback : JSON.parse(value);
  } catch (e) {
    return fallback;
  }
}

function write(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch (e) {
    // storage full or disabled: remembering is a convenience only
  }
}

export function savedName() {
  const name = read(NAME_KEY, '');
  return typeof name === 'string' ? name : '';
}

export function saveName(name) {
  write(NAME_KEY, name);
}

/** Owner links of rooms opened as owner on this browser, most recently opened first: [{ room, token, openedAt }]. */
export function ownedRooms() {
  const rooms = read(ROOMS_KEY, []);
  return Array.isArray(rooms) ? rooms.filter((r) => r && r.room && r.token) : [];
}

export function rememberRoom(room, token) {
  const rest = ownedRooms().filter((r) => r.room !== room);
  write(ROOMS_KEY, [{ room, token, openedAt: Date.now() }, ...rest].slice(0, MAX_ROOMS));
}

export function forgetRoom(room, token) {
  write(ROOMS_KEY, ownedRooms().filter((r) => !(r.room === room && r.token === token)));
}

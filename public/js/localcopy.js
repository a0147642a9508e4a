// What a room page keeps in this browser, so that closing the tab (or the browser, or a reload
// while offline) loses nothing: the last text the server confirmed, its revision, and the edits it
// has not confirmed yet, with their ids and frozen messages. Reopening the room restores the OT
// client from it and resumes as after any reconnect, so those edits are sent once, under the ids
// they already had.
//
// One copy per tab, a "slot" in localStorage (`livepad.copy.ROOM.SLOT`), held with a Web Lock of
// the same name for as long as the tab lives. A slot whose lock nobody holds belongs to a closed
// tab: the next page of that room to claim it takes it over, lock and all, so two tabs never send
// the same stored edits as two different things. localStorage rather than IndexedDB because its
// writes are synchronous: a copy written before an op's first send is on disk before the op leaves.
// Storage that is missing, refused or full costs only this copy, never editing.

const PREFIX = 'livepad.copy.';
const VERSION = 1;
const MAX_KEPT = 20; // copies without unsaved edits (only a text to show offline), newest first
// A tab that just closed (or this one, reloading) may hold its lock for a moment after it is gone:
// a slot with unsaved edits that is still held is tried again after these pauses before giving up.
const RETRY_HELD_MS = [100, 250, 500, 1000];

/** A room's copy in this tab: `restored` is the record a closed tab left (or null). */
export class LocalCopy {
  constructor(key, storage, restored) {
    this.key = key;
    this.storage = storage;
    this.restored = restored;
  }

  /** A copy that keeps nothing: no Web Locks, no localStorage, or a session that must not keep. */
  static none() {
    return new LocalCopy(null, null, null);
  }

  get enabled() {
    return this.key !== null;
  }

  /**
   * Claims a slot for `room`: the one a closed tab left with unsaved edits (else with the newest
   * text), if its room incarnation `rid` (the token's claim) is ours; else a new one. Resolves to
   * LocalCopy.none() where nothing can be kept.
   */
  static async claim(room, rid, { storage = defaultStorage(), locks = defaultLocks() } = {}) {
    if (!storage || !locks) return LocalCopy.none();
    try {
      const prefix = `${PREFIX}${room}.`;
      for (let attempt = 0; ; attempt++) {
        const { adopted, heldPending } = await adopt(storage, locks, room, rid ?? null);
        if (adopted) return adopted;
        if (!heldPending || attempt >= RETRY_HELD_MS.length) break;
        await new Promise((resolve) => setTimeout(resolve, RETRY_HELD_MS[attempt]));
      }
      const key = `${prefix}${newSlot()}`;
      return (await hold(locks, key)) ? new LocalCopy(key, storage, null) : LocalCopy.none();
    } catch (e) {
      console.warn('livepad: cannot keep a local copy of this room', e);
      return LocalCopy.none();
    }
  }

  /**
   * Writes `record` (see RoomSession.snapshot) now. Returns false when it could not be kept (storage
   * full even after dropping other rooms' plain texts, or refused).
   */
  save(record) {
    if (!this.enabled) return false;
    const value = JSON.stringify({ v: VERSION, ...record, savedAt: Date.now() });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        this.storage.setItem(this.key, value);
        return true;
      } catch (e) {
        if (attempt === 0 && !evictPlainTexts(this.storage, this.key, 0)) return false;
      }
    }
    return false;
  }

  /** Drops the copy (the room is gone); the slot stays ours. */
  forget() {
    if (!this.enabled) return;
    try {
      this.storage.removeItem(this.key);
    } catch (e) {
      // nothing kept, nothing to drop
    }
  }

  /**
   * The room was joined as incarnation `rid`: copies of the same name from an earlier incarnation
   * (a room deleted and created again) are dead, and so are all but the newest plain texts.
   */
  async sweep(room, rid, locks = defaultLocks()) {
    if (!this.enabled || !locks) return;
    try {
      for (const { key, record } of slots(this.storage, room)) {
        if (key === this.key || (record.rid ?? null) === (rid ?? null)) continue;
        const release = await hold(locks, key);
        if (!release) continue;
        this.storage.removeItem(key);
        release();
      }
      evictPlainTexts(this.storage, this.key, MAX_KEPT);
    } catch (e) {
      // tidying only
    }
  }
}

/**
 * One pass over the room's slots: takes the first free one of incarnation `rid` (those with unsaved
 * edits first, then the newest), and drops the other free ones that hold only a text. Says whether
 * a slot with unsaved edits was held by another page.
 */
async function adopt(storage, locks, room, rid) {
  const candidates = slots(storage, room)
    .filter(({ record }) => (record.rid ?? null) === rid)
    .sort((a, b) => hasPending(b.record) - hasPending(a.record) || b.record.savedAt - a.record.savedAt);
  let adopted = null;
  let releaseAdopted = null;
  let heldPending = false;
  for (const { key, record: seen } of candidates) {
    const release = await hold(locks, key);
    if (!release) { // an open tab's
      heldPending = heldPending || !!hasPending(seen);
      continue;
    }
    const record = read(storage, key); // as its tab left it
    if (!adopted && record) {
      adopted = new LocalCopy(key, storage, record);
      releaseAdopted = release;
    } else if (record && !hasPending(record)) {
      storage.removeItem(key); // an older text of the same room: the adopted one is newer
      release();
    } else {
      release(); // more unsaved edits, from another closed tab: the next page of the room takes them
    }
  }
  if (heldPending && adopted && !hasPending(adopted.restored)) {
    releaseAdopted(); // a page that just closed may be letting go of unsaved edits: wait for those
    adopted = null;
  }
  return { adopted, heldPending: !adopted && heldPending };
}

function hasPending(record) {
  return record.outstanding || record.recovered ? 1 : 0;
}

/**
 * Every readable copy, of `room` only when given, as { key, record }. (Room "a" cannot go by its
 * keys alone: "livepad.copy.a." also starts the keys of room "a.b".)
 */
function slots(storage, room) {
  const found = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (!key || !key.startsWith(PREFIX)) continue;
    const record = read(storage, key);
    if (record && (room === undefined || record.room === room)) found.push({ key, record });
  }
  return found;
}

function read(storage, key) {
  try {
    const record = JSON.parse(storage.getItem(key));
    return record && record.v === VERSION && Number.isInteger(record.rev) && typeof record.text === 'string'
      ? record : null;
  } catch (e) {
    return null;
  }
}

/**
 * Removes copies that hold no unsaved edits (a text to show offline, nothing more), oldest first,
 * beyond the `keep` newest, never `own`. Returns whether anything was removed.
 */
function evictPlainTexts(storage, own, keep) {
  const plain = slots(storage)
    .filter(({ key, record }) => key !== own && !hasPending(record))
    .sort((a, b) => b.record.savedAt - a.record.savedAt)
    .slice(keep);
  plain.forEach(({ key }) => storage.removeItem(key));
  return plain.length > 0;
}

/** Takes the Web Lock `name` if nobody holds it; resolves to its release function, or null. */
function hold(locks, name) {
  return new Promise((resolve, reject) => {
    locks.request(name, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(null);
        return undefined;
      }
      return new Promise((release) => resolve(() => release()));
    }).catch(reject);
  });
}

/**
 * A slot name only needs to be unique in this browser, not unguessable. randomUUID, not
 * getRandomValues: OpIdsIT makes a page's first getRandomValues call predictable to stand for its
 * first op id, and a slot name drawn before it would take those bytes instead.
 */
function newSlot() {
  return crypto.randomUUID();
}

function defaultStorage() {
  try {
    const storage = window.localStorage;
    return storage || null;
  } catch (e) {
    return null; // disabled, or a sandboxed page
  }
}

function defaultLocks() {
  return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null;
}

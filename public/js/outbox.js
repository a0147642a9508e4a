// What leaves the page for a room: the OT client's next op and our cursor, each at a bounded
// rate so that even the fastest typing stays far below the server's message limit.

const MIN_OP_INTERVAL_MS = 40;      // at most 25 ops a second
const MIN_CURSOR_INTERVAL_MS = 100; // at most 10 cursor updates a second

export class Outbox {
  /**
   * `ready()` says whether the room is joined; `client()` is the current OtClient; `keep()` writes
   * the page's local copy, and is called before an op's message leaves for the first time.
   */
  constructor({ room, connection, editor, ready, client, sent, keep = () => {} }) {
    this.room = room;
    this.connection = connection;
    this.editor = editor;
    this.ready = ready;
    this.client = client;
    this.sent = sent;
    this.keep = keep;
    this.lastOpAt = 0;
    this.pausedUntil = 0; // no op leaves before this time (after a rate_limited reply)
    this.opTimer = 0;
    this.lastCursorAt = 0;
    this.cursorTimer = 0;
    this.sentCursor = '';
    this.afterNextSend = null;
  }

  /** Sends the outstanding op if the room is joined and the send interval allows. */
  pump() {
    const client = this.client();
    if (!this.ready() || !client || this.opTimer) return;
    const wait = Math.max(this.lastOpAt + MIN_OP_INTERVAL_MS, this.pausedUntil) - Date.now();
    if (wait > 0) {
      this.opTimer = setTimeout(() => {
        this.opTimer = 0;
        this.pump();
      }, wait);
      return;
    }
    const first = !!client.outstanding && !client.outstanding.sent;
    const next = client.takeSendable();
    if (!next) return;
    // Write-ahead: a tab closed from here on must resend this very message (same id, rev and op),
    // which the server then acknowledges once, and never send the edit again under another id.
    if (first) this.keep();
    this.connection.send({ type: 'op', room: this.room, ...next });
    this.lastOpAt = Date.now();
    this.sent();
    const hook = this.afterNextSend;
    this.afterNextSend = null;
    if (hook) hook();
  }

  /** Holds every op back for `ms` (the server asked us to slow down). */
  pause(ms) {
    this.pausedUntil = Date.now() + ms;
    this.sentCursor = ''; // a dropped cursor is sent again with the next selection change
  }

  /**
   * Shares our selection, only while nothing is unconfirmed: the positions then match the
   * server's text at our revision. `force` resends an unchanged selection.
   */
  cursor(force) {
    const client = this.client();
    if (!this.ready() || !client || client.state !== 'synchronized' || this.cursorTimer) return;
    const wait = this.lastCursorAt + MIN_CURSOR_INTERVAL_MS - Date.now();
    if (wait > 0) {
      this.cursorTimer = setTimeout(() => {
        this.cursorTimer = 0;
        this.cursor(force);
      }, wait);
      return;
    }
    const ranges = this.editor.selection();
    const key = `${client.revision}:${JSON.stringify(ranges)}`;
    if (key === this.sentCursor && !force) return;
    this.sentCursor = key;
    this.lastCursorAt = Date.now();
    this.connection.send({ type: 'cursor', room: this.room, rev: client.revision, ranges });
  }
}

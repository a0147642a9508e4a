// One WebSocket to /ws that keeps coming back: exponential backoff with jitter, a heartbeat
// that notices a silently dead link, and an immediate retry when the browser comes back online.
// When WebSockets cannot be opened at all (a proxy refuses the upgrade), it falls back to the
// HTTP transports (httplink.js), and tries a WebSocket again every minute while on them.

import { HttpLink } from './httplink.js';

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;
const JITTER = 0.3;
const PING_EVERY_MS = 15000;  // the server closes a socket it has heard nothing from for a while
const PONG_WITHIN_MS = 10000; // an unanswered ping means the link is dead even if the socket looks open
const TICK_MS = 5000;
const FALL_BACK_AFTER = 2;     // WebSockets that failed before opening, in a row, before trying HTTP
const WS_RETRY_MS = 60000;     // while on HTTP: how often a WebSocket is tried again

/**
 * The delay before attempt `attempt` (0-based): doubling from `first` up to `max` (for reconnects
 * 0.5 s to 15 s), ±30 % at random so that many clients do not all come back at the same moment.
 */
export function backoffDelay(attempt, random = Math.random, { first = FIRST_DELAY_MS, max = MAX_DELAY_MS } = {}) {
  const base = Math.min(max, first * 2 ** attempt);
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

export class Connection {
  /**
   * Handlers: `open()`, `message(obj)`, `close({ code, reason })`, and `waiting({ until })`
   * while a reconnect is scheduled.
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.socket = null;
    this.attempt = 0;
    this.timer = 0;
    this.heartbeat = 0;
    this.lastSentAt = 0;
    this.lastHeardAt = 0;
    this.pingSentAt = 0;
    this.stopped = false;
    this.holdUntil = 0; // test hook: pretend the network is down until then
    this.immediate = false;
    this.failedBeforeOpen = 0; // WebSockets in a row that closed without ever opening
    this.fallBack = false;     // use the HTTP transports for the next connections
    this.probe = 0;            // the timer of the next WebSocket try while on HTTP
    window.addEventListener('online', () => this.retryNow());
    // The socket of a machine that lost its network may look open for minutes: let it go now.
    window.addEventListener('offline', () => this.closeSocket(4003, 'browser offline'));
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  /** Stops for good (room deleted, token refused): no more attempts. */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.closeSocket(1000, 'done');
  }

  /** The app reached a healthy state (joined): the next drop starts the backoff afresh. */
  healthy() {
    this.attempt = 0;
  }

  send(message) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    this.lastSentAt = Date.now();
    return true;
  }

  get isOpen() {
    return !!this.socket && this.socket.readyState === WebSocket.OPEN;
  }

  /** True while the link is the HTTP transports, not a WebSocket. */
  get onFallback() {
    return this.socket instanceof HttpLink;
  }

  /**
   * Closes the current socket and connects again: at once (to resync, or to rejoin under a new
   * name), or after the usual backoff when `backOff` (the server refused us for now).
   */
  restart(backOff = false) {
    this.immediate = !backOff;
    this.closeSocket(4000, 'client restart');
  }

  /** Test hook: drops the link as a network failure would, and keeps it down for `holdMs`. */
  drop(holdMs = 0) {
    this.holdUntil = Date.now() + holdMs;
    this.closeSocket(4001, 'simulated network drop');
  }

  /** Test hook: ends a simulated drop at once. */
  undrop() {
    this.holdUntil = 0;
    this.retryNow();
  }

  retryNow() {
    if (this.stopped || this.socket || Date.now() < this.holdUntil) return;
    clearTimeout(this.timer);
    this.connect();
  }

  connect() {
    this.timer = 0;
    if (this.stopped) return;
    const held = this.holdUntil - Date.now();
    if (held > 0) {
      this.schedule(held);
      return;
    }
    let socket;
    try {
      socket = this.fallBack ? new HttpLink(httpOrigin(this.url)) : new WebSocket(this.url);
    } catch (e) {
      this.scheduleNext();
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      if (socket instanceof WebSocket) this.failedBeforeOpen = 0;
      else this.probeLater();
      this.lastHeardAt = Date.now();
      this.pingSentAt = 0;
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.tick(), TICK_MS);
      this.handlers.open();
    };
    socket.onmessage = (event) => {
      this.lastHeardAt = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      this.handlers.message(message);
    };
    socket.onclose = (event) => {
      if (!opened && socket instanceof WebSocket && ++this.failedBeforeOpen >= FALL_BACK_AFTER) {
        this.fallBack = true; // refused at the upgrade, again: the network blocks WebSockets
        this.immediate = true;
      } else if (socket instanceof HttpLink && !socket.streamed && socket.join) {
        // HTTP does not get through either: the server is down, not WebSockets blocked. Alternate,
        // so that whichever works first when it is back is the one used.
        this.fallBack = false;
        this.failedBeforeOpen = FALL_BACK_AFTER - 1;
      }
      this.closed(socket, event.code, event.reason);
    };
  }

  /** While on HTTP: in a while, see whether a WebSocket opens now, and if so move back to it. */
  probeLater(delay = WS_RETRY_MS) {
    clearTimeout(this.probe);
    this.probe = setTimeout(() => {
      if (this.stopped || !this.onFallback) return;
      let probe;
      try {
        probe = new WebSocket(this.url);
      } catch (e) {
        this.probeLater();
        return;
      }
      probe.onopen = () => {
        probe.onclose = null;
        probe.close(1000, 'probe');
        this.fallBack = false;
        this.failedBeforeOpen = 0;
        this.restart(); // rejoin over a WebSocket at once; the session resumes where it was
      };
      probe.onclose = () => this.probeLater();
    }, delay);
  }

  /** Detaches a socket at once, so that no late frame from it is handled, and reports the close. */
  closeSocket(code, reason) {
    const socket = this.socket;
    if (!socket) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    try {
      socket.close(code, reason);
    } catch (e) {
      // already closing
    }
    this.closed(socket, code, reason);
  }

  closed(socket, code, reason) {
    if (socket !== this.socket) return;
    this.socket = null;
    clearTimeout(this.probe);
    clearInterval(this.heartbeat);
    this.handlers.close({ code, reason });
    if (!this.stopped) this.scheduleNext();
  }

  scheduleNext() {
    const delay = this.immediate ? 0 : backoffDelay(this.attempt);
    this.immediate = false;
    this.attempt++;
    this.schedule(Math.max(delay, this.holdUntil - Date.now()));
  }

  schedule(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
    this.handlers.waiting({ until: Date.now() + delay });
  }

  /** Keeps the server hearing from us, and notices a link that went silent without closing. */
  tick() {
    const now = Date.now();
    if (this.pingSentAt && this.lastHeardAt < this.pingSentAt && now - this.pingSentAt > PONG_WITHIN_MS) {
      this.closeSocket(4002, 'no answer to ping');
      return;
    }
    if (now - this.lastSentAt >= PING_EVERY_MS && this.send({ type: 'ping', t: now })) this.pingSentAt = now;
  }
}

/** The http(s) origin of a ws(s) URL: where the HTTP transports are. */
function httpOrigin(wsUrl) {
  const url = new URL(wsUrl);
  return `${url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}`;
}

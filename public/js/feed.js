// The dashboard's feed: /admin/events as server-sent events, which the browser's EventSource
// reconnects by itself, and, when the server refuses it, why (a key is needed, or only loopback may
// look), which EventSource cannot tell.

import { backoffDelay } from './connection.js';

const FEED = '/admin/events';
const STALL_MS = 10000; // samples come every second: this long without one means the stream is stuck
const WATCH_MS = 2000;

/**
 * The status the feed answers with now, or 0 when the server cannot be reached. Aborted as soon as
 * the headers are in: a 200 would otherwise stay open as one more stream.
 */
export async function feedStatus() {
  const abort = new AbortController();
  try {
    const response = await fetch(FEED, {
      cache: 'no-store', signal: abort.signal, headers: { Accept: 'text/event-stream' },
    });
    return response.status;
  } catch (e) {
    return 0;
  } finally {
    abort.abort();
  }
}

export class DashboardFeed {
  /**
   * Handlers: `history({ intervalSeconds, samples, recentEvents })` first on every (re)connection,
   * then `sample(sample)` each second, and `state(name)` on every change of 'connecting', 'live',
   * 'reconnecting', 'key' (ADMIN_KEY is set: sign in, then call start() again) or 'forbidden'
   * (no ADMIN_KEY, and this browser is not on the server's loopback).
   */
  constructor(handlers) {
    this.handlers = handlers;
    this.source = null;
    this.state = '';
    this.heardAt = 0;
    this.openedAt = 0;
    this.attempt = 0;
    this.retryTimer = 0;
    this.watchTimer = setInterval(() => this.watch(), WATCH_MS);
  }

  start() {
    this.stop();
    this.enter(this.heardAt ? 'reconnecting' : 'connecting');
    const source = new EventSource(FEED);
    this.source = source;
    this.openedAt = Date.now();
    source.addEventListener('history', (e) => this.receive(source, 'history', e.data));
    source.addEventListener('sample', (e) => this.receive(source, 'sample', e.data));
    source.addEventListener('error', () => this.failed(source));
  }

  stop() {
    clearTimeout(this.retryTimer);
    if (this.source) this.source.close();
    this.source = null;
  }

  receive(source, kind, data) {
    if (source !== this.source) return;
    this.heardAt = Date.now();
    this.attempt = 0;
    this.enter('live');
    this.handlers[kind](JSON.parse(data));
  }

  /**
   * While the stream is open or being retried by the browser, it will come back by itself. Once
   * the browser gave up (the server answered with an error status), ask the server why.
   */
  async failed(source) {
    if (source !== this.source) return;
    if (source.readyState !== EventSource.CLOSED) {
      this.enter('reconnecting');
      return;
    }
    this.stop();
    const status = await feedStatus();
    if (this.source) return; // started again meanwhile
    if (status === 401) {
      this.enter('key');
    } else if (status === 403) {
      this.enter('forbidden');
    } else { // 429, 503, a proxy's error page, or fine again: try later
      this.enter('reconnecting');
      this.retryTimer = setTimeout(() => this.start(), backoffDelay(this.attempt++, Math.random, { first: 1000, max: 30000 }));
    }
  }

  /** A stream that stays silent (a buffering proxy, a half-dead link) is replaced. */
  watch() {
    if (!this.source || this.source.readyState !== EventSource.OPEN) return;
    if (Date.now() - Math.max(this.heardAt, this.openedAt) > STALL_MS) this.start();
  }

  enter(state) {
    if (state === this.state) return;
    this.state = state;
    this.handlers.state(state);
  }
}

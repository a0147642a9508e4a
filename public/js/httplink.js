// The HTTP transports (docs/protocol.md, "HTTP transports") behind a WebSocket's face, for a network
// that blocks WebSocket upgrades. Connection uses it in place of a WebSocket: it has `readyState`,
// `send()`, `close()` and the `onopen`/`onmessage`/`onclose` callbacks, and speaks the same
// messages, so the session's join, resume, retry and error handling are the ones it already has.
//
// - A `join` opens the room's event stream (a `fetch` read as it arrives, since EventSource cannot
//   send the token header), resuming with `Last-Event-ID` from the join's `rev` and `?revId=` from
//   its `revId`. Each event's data is a WebSocket server message.
// - An `op` is POSTed to /api/rooms/R/ops, naming our stream's client id. A refusal becomes an
//   `error` with the server's code. Success is not reported from the answer: the stream carries our
//   own op back, with our id, in its place among the others' ops, and the session takes that as the
//   ack. (The answer can overtake the events before it; an ack ahead of them would look like a gap.)
// - `ping` is answered here while the stream is alive (its comment lines keep it so); `cursor` is
//   not sent (the transports have no cursor call); `leave` ends the stream.

const STREAM_SILENT_MS = 40000; // the server writes at least every 7.5 s; this much silence is a dead stream

export class HttpLink {
  /** `base`: the server's origin, e.g. `https://pad.example.com`. */
  constructor(base) {
    this.base = base;
    this.readyState = WebSocket.CONNECTING;
    this.onopen = null;
    this.onmessage = null;
    this.onclose = null;
    this.join = null;       // the join that opened the stream: room, token, name
    this.clientId = null;   // our stream's, from `joined`
    this.streamed = false;  // the event stream was answered: the server is there
    this.abort = new AbortController();
    this.lastHeardAt = Date.now();
    this.watchdog = 0;
    // Open at once: there is nothing to connect until the session sends its join.
    setTimeout(() => {
      if (this.readyState !== WebSocket.CONNECTING) return;
      this.readyState = WebSocket.OPEN;
      if (this.onopen) this.onopen();
    }, 0);
  }

  send(text) {
    if (this.readyState !== WebSocket.OPEN) return;
    const message = JSON.parse(text);
    switch (message.type) {
      case 'join': this.openStream(message); break;
      case 'op': this.postOp(message); break;
      case 'ping':
        if (Date.now() - this.lastHeardAt < STREAM_SILENT_MS) this.deliver({ type: 'pong', t: message.t });
        break;
      case 'leave':
        this.deliver({ type: 'left', room: message.room });
        this.close(1000, 'left');
        break;
      default: break; // cursor: the HTTP transports have none
    }
  }

  close(code = 1000, reason = '') {
    if (this.readyState === WebSocket.CLOSED) return;
    this.readyState = WebSocket.CLOSED;
    clearInterval(this.watchdog);
    this.abort.abort();
    if (this.onclose) this.onclose({ code, reason });
  }

  deliver(message) {
    if (this.readyState === WebSocket.OPEN && this.onmessage) this.onmessage({ data: JSON.stringify(message) });
  }

  headers(token) {
    return { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  }

  async openStream(join) {
    this.join = join;
    const params = [];
    if (join.name) params.push(`name=${encodeURIComponent(join.name)}`);
    const headers = { Authorization: `Bearer ${join.token}`, Accept: 'text/event-stream' };
    if (typeof join.rev === 'number') {
      headers['Last-Event-ID'] = String(join.rev);
      // The op that made that revision as we saw it: after a restore the number may name another op.
      if (typeof join.revId === 'string') params.push(`revId=${encodeURIComponent(join.revId)}`);
    }
    const query = params.length ? `?${params.join('&')}` : '';
    let response;
    try {
      response = await fetch(`${this.base}/api/rooms/${encodeURIComponent(join.room)}/events${query}`,
        { headers, cache: 'no-store', signal: this.abort.signal });
    } catch (e) {
      this.close(1006, 'event stream unreachable');
      return;
    }
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      this.deliver({ type: 'error', code: body.error || 'unavailable', message: body.message || '', room: join.room,
        ref: 'join' });
      this.close(4004, 'event stream refused');
      return;
    }
    this.streamed = true;
    this.lastHeardAt = Date.now();
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastHeardAt > STREAM_SILENT_MS) this.close(4002, 'event stream went silent');
    }, 5000);
    await this.read(response.body.getReader());
  }

  /** Reads server-sent events: `data:` lines until a blank line make one event; `:` lines are comments. */
  async read(reader) {
    const decoder = new TextDecoder();
    let buffered = '';
    let data = [];
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.lastHeardAt = Date.now();
        buffered += decoder.decode(value, { stream: true });
        let newline;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).replace(/\r$/, '');
          buffered = buffered.slice(newline + 1);
          if (line === '') {
            if (data.length) this.event(data.join('\n'));
            data = [];
          } else if (line.startsWith('data:')) {
            data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
          }
        }
      }
    } catch (e) {
      // aborted, or the network went: reported below
    }
    this.close(1006, 'event stream ended');
  }

  event(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (message.type === 'joined') this.clientId = message.clientId;
    this.deliver(message);
  }

  async postOp(op) {
    const join = this.join;
    if (!join || this.readyState !== WebSocket.OPEN) return;
    const body = { rev: op.rev, id: op.id, op: op.op, clientId: this.clientId };
    if (join.name) body.name = join.name;
    let response;
    try {
      response = await fetch(`${this.base}/api/rooms/${encodeURIComponent(op.room)}/ops`, {
        method: 'POST', headers: this.headers(join.token), body: JSON.stringify(body), cache: 'no-store',
        signal: this.abort.signal,
      });
    } catch (e) {
      // Lost on the way, or its answer was: the link is as good as dead, and the session resends
      // the same message (same id) on the next one, which applies it once.
      this.close(1006, 'op could not be posted');
      return;
    }
    if (response.ok) return; // acknowledged by our own op on the stream, in order
    const answer = await response.json().catch(() => ({}));
    this.deliver({ type: 'error', code: answer.error || 'unavailable', message: answer.message || '',
      room: op.room, ref: op.id });
  }
}

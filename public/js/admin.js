// The operations dashboard (/admin): headline figures, charts of the last minutes, the busiest
// rooms and recent events, all pushed by the server's feed. Room names and error details come
// from users: they go in as text, never as markup.

import { startAdminSession } from './api.js';
import { LineChart } from './chart.js';
import { DashboardFeed } from './feed.js';
import { formatClock, formatCount, formatMs, formatRate, formatSpan } from './units.js';

const $ = (id) => document.getElementById(id);
const MAX_WINDOW_MS = 10 * 60 * 1000; // as much as the server keeps
const MIN_WINDOW_MS = 60 * 1000;      // a server up for seconds still gets a readable time axis
const KEPT_SAMPLES = 600;
const KEPT_EVENTS = 50;

const STATES = {
  connecting: ['connecting…', 'state-connecting'],
  live: ['live', 'state-connected'],
  reconnecting: ['reconnecting…', 'state-reconnecting'],
  key: ['key needed', 'state-offline'],
  forbidden: ['forbidden', 'state-offline'],
};

const EVENT_KINDS = {
  error: ['error', 'event-error'],
  slow_consumer: ['slow consumer', 'event-slow'],
};

function element(name, className, text) {
  const e = document.createElement(name);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

class Dashboard {
  constructor(chartsParent) {
    this.samples = [];
    this.intervalMs = 1000;
    this.charts = [
      new LineChart(chartsParent, { title: 'Connections', format: formatCount, minTop: 5,
        series: [{ value: (s) => s.connections }] }),
      new LineChart(chartsParent, { title: 'Ops per second', format: formatRate, minTop: 5,
        series: [{ value: (s) => s.opsPerSecond }] }),
      new LineChart(chartsParent, { title: 'Ack latency', format: formatMs, unit: 'ms', minTop: 5,
        series: [{ label: 'p50', value: (s) => s.ackP50Ms }, { label: 'p99', value: (s) => s.ackP99Ms }] }),
      new LineChart(chartsParent, { title: 'Errors per second', format: formatRate, minTop: 1,
        series: [{ value: (s) => s.errorsPerSecond }] }),
    ];
  }

  /** The first message of every connection: replaces whatever was shown before. */
  history({ intervalSeconds, samples, recentEvents }) {
    this.intervalMs = (intervalSeconds || 1) * 1000;
    this.samples = samples.slice(-KEPT_SAMPLES);
    $('events').replaceChildren();
    this.addEvents(recentEvents);
    this.render();
  }

  sample(sample) {
    this.samples.push(sample);
    if (this.samples.length > KEPT_SAMPLES) this.samples.splice(0, this.samples.length - KEPT_SAMPLES);
    this.addEvents(sample.events);
    this.render();
  }

  render() {
    $('waiting').hidden = true;
    $('dashboard').hidden = false;
    const latest = this.samples[this.samples.length - 1];
    if (!latest) return;
    showFigures(latest);
    showBusiest(latest.busiestRooms || []);
    const span = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, latest.time - this.samples[0].time));
    const fromLabel = `${formatSpan(span)} ago`;
    $('span-label').textContent = formatSpan(span);
    for (const chart of this.charts) {
      chart.draw(this.samples, { start: latest.time - span, end: latest.time, intervalMs: this.intervalMs, fromLabel });
    }
  }

  /** Events arrive oldest first; the list shows the newest first. */
  addEvents(events = []) {
    const list = $('events');
    for (const event of events) list.prepend(eventItem(event));
    while (list.children.length > KEPT_EVENTS) list.lastElementChild.remove();
    $('events-empty').hidden = list.children.length > 0;
  }
}

function showFigures(s) {
  const text = (id, value) => { $(id).textContent = value; };
  text('sampled-at', `at ${formatClock(s.time)}`);
  text('fig-connections', formatCount(s.connections));
  text('fig-members', `${formatCount(s.members)} room membership${s.members === 1 ? '' : 's'}`);
  text('fig-active', formatCount(s.activeRooms));
  text('fig-stored', `of ${formatCount(s.rooms)} stored`);
  text('fig-loaded', `${formatCount(s.loadedRooms)} loaded in memory`);
  text('fig-ops', formatRate(s.opsPerSecond));
  text('fig-messages', `messages/s: ${formatRate(s.messagesInPerSecond)} in, ${formatRate(s.messagesOutPerSecond)} out`);
  text('fig-p50', formatMs(s.ackP50Ms));
  text('fig-p99', formatMs(s.ackP99Ms));
  text('fig-commit', `store commit p99: ${formatMs(s.commitP99Ms)}${s.commitP99Ms == null ? '' : ' ms'}`);
  text('fig-errors', formatRate(s.errorsPerSecond));
  text('fig-slow', formatCount(s.slowConsumersClosed));
}

function showBusiest(rooms) {
  $('busiest-rows').replaceChildren(...rooms.map((r) => {
    const row = document.createElement('tr');
    const name = element('th', 'room-cell', r.room);
    name.scope = 'row';
    row.append(name, element('td', 'num', formatCount(r.members)), element('td', 'num', formatRate(r.opsPerSecond)));
    return row;
  }));
  $('busiest-empty').hidden = rooms.length > 0;
}

function eventItem(event) {
  const [kindLabel, kindClass] = EVENT_KINDS[event.kind] || [event.kind, 'event-other'];
  const at = event.time;
  const item = element('li', `event ${kindClass}`);
  const head = element('div', 'event-head');
  const time = element('time', 'event-time', formatClock(at));
  time.dateTime = new Date(at).toISOString();
  const where = [event.room != null ? `room ${event.room}` : '', event.client ? `client ${event.client}` : '']
    .filter(Boolean).join(' · ');
  head.append(time, element('span', 'event-kind', kindLabel), element('code', 'event-code', event.code),
    element('span', 'event-where', where));
  item.append(head, element('p', 'event-detail', event.detail));
  return item;
}

function showState(state) {
  const [label, className] = STATES[state];
  const badge = $('admin-state');
  badge.textContent = label;
  badge.className = `connection ${className}`;
  const gated = state === 'key' || state === 'forbidden';
  $('key-view').hidden = state !== 'key';
  $('forbidden-view').hidden = state !== 'forbidden';
  if (gated) {
    $('dashboard').hidden = true;
    $('waiting').hidden = true;
  } else if ($('dashboard').hidden) {
    $('waiting').hidden = false;
  }
  if (state === 'key') $('admin-key').focus();
}

function wireKeyForm(feed) {
  const input = $('admin-key');
  const error = $('key-error');
  const button = $('key-submit');
  const refuse = (message) => {
    error.textContent = message;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.select();
    input.focus();
  };
  $('key-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    input.removeAttribute('aria-invalid');
    if (!input.value) {
      refuse('Enter the admin key.');
      return;
    }
    button.disabled = true;
    try {
      await startAdminSession(input.value);
      input.value = '';
      feed.start();
    } catch (err) {
      if (err.code === 'forbidden') {
        feed.start(); // the server has no key (any more): the feed says who may look
      } else {
        refuse(err.code === 'invalid_token' ? 'That is not the admin key.' : err.message);
      }
    } finally {
      button.disabled = false;
    }
  });
}

const dashboard = new Dashboard($('charts'));
const feed = new DashboardFeed({
  history: (h) => dashboard.history(h),
  sample: (s) => dashboard.sample(s),
  state: showState,
});
wireKeyForm(feed);
feed.start();

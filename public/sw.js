// The service worker: keeps the client's own files (the page, its style, its modules, its icon)
// so that a room's link opens without a network, where the page shows what this browser kept of
// the room (js/localcopy.js) and sends it once the server is back. Network first, so a deploy is
// picked up at the next load that reaches the server; the cache answers only when it does not
// (or not within NETWORK_WAIT_MS). Nothing else is touched: the API, the WebSocket, the status,
// metrics, health and admin endpoints always go to the network, and are never stored.

const CACHE = 'livepad-client-v1';
const NETWORK_WAIT_MS = 4000;
const SHELL = [
  '/', '/favicon.svg', '/css/app.css',
  '/js/api.js', '/js/app.js', '/js/authorship.js', '/js/client.js', '/js/connection.js', '/js/editor.js',
  '/js/errors.js', '/js/history.js', '/js/home.js', '/js/httplink.js', '/js/ids.js', '/js/link.js', '/js/localcopy.js',
  '/js/ot.js', '/js/outbox.js', '/js/overlay.js', '/js/owner.js', '/js/panels.js', '/js/peers.js',
  '/js/prefs.js', '/js/presence.js', '/js/room.js', '/js/session.js', '/js/share.js', '/js/undo.js',
];
const NEVER = /^\/(api|ws|status|metrics|health|ready|admin)(\/|$)|^\/admin\.html$|^\/sw\.js$/;

self.addEventListener('install', (event) => {
  // One file missing from the list must not cost the others: each is kept on its own.
  event.waitUntil(caches.open(CACHE)
    .then((cache) => Promise.all(SHELL.map((url) => cache.add(new Request(url, { cache: 'no-cache' }))
      .catch(() => undefined))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith('livepad-') && n !== CACHE)
      .map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || NEVER.test(url.pathname)) return;
  // Every room link is `/` with a fragment, which never reaches here: the page is one entry. Stored
  // by path alone, so that no query string makes a second copy.
  const key = url.pathname === '/index.html' ? '/' : url.pathname;
  event.respondWith(networkFirst(request, key));
});

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NETWORK_WAIT_MS);
    if (response.ok && response.type === 'basic') await cache.put(key, response.clone());
    return response;
  } catch (e) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw e;
  }
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer from the network')), ms);
    promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    }, (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

// Entry point: a link with #room=…&token=… opens that room, anything else the start page.

import { parseLink } from './link.js';
import { savedName } from './prefs.js';
import { showHome } from './home.js';
import { showRoom } from './room.js';

const link = parseLink(location.hash);
if (link) {
  showRoom({ ...link, name: link.name || savedName() });
} else {
  showHome();
}
// Keeps the client's files for opening a room without a network (sw.js); a browser without service
// workers, or one that refuses this one, simply needs the network to load the page.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((e) => {
    console.info('livepad: no offline copy of the page', e);
  });
}
// A different room (or the start page) is a fresh page: no session state carries over.
window.addEventListener('hashchange', () => location.reload());

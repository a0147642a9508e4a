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
// A different room (or the start page) is a fresh page: no session state carries over.
window.addEventListener('hashchange', () => location.reload());

// Room links carry everything in the URL fragment, which browsers never send to the server:
// /#room=R&token=T&name=N.

/** The room, token and optional name in a location hash, or null if it names no room. */
export function parseLink(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const room = params.get('room');
  const token = params.get('token');
  if (!room || !token) return null;
  return { room, token, name: params.get('name') || '' };
}

/** A full link to a room; `name` is included only when given. */
export function roomLink({ room, token, name }) {
  let fragment = `room=${encodeURIComponent(room)}&token=${encodeURIComponent(token)}`;
  if (name) fragment += `&name=${encodeURIComponent(name)}`;
  return `${location.origin}/#${fragment}`;
}

/** The WebSocket address of this server. */
export function socketUrl() {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

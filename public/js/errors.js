// Plain-language messages for every error code the server can send (docs/protocol.md).

const MESSAGES = {
  invalid_token: 'This link is not valid: its token is damaged, or belongs to a room that was deleted. '
    + 'Ask the room\'s owner for a new link.',
  token_expired: 'This link has expired. Ask the room\'s owner for a new invite link.',
  wrong_room: 'This link\'s token belongs to a different room. Check that the link was copied whole.',
  no_such_room: 'This room does not exist any more: it was deleted, or the name is mistyped.',
  forbidden: 'You can read this room but not edit it: you joined with a viewer link.',
  rate_limited: 'You are sending changes faster than the server accepts. Slowing down; nothing is lost.',
  doc_too_large: 'The document has reached the server\'s size limit, so your last change was not saved.',
  bad_op: 'The server could not apply a change from this page. Reloading the document from the server.',
  bad_rev: 'This page fell too far behind the server. Reloading the document from the server.',
  not_joined: 'This page was no longer in the room. Rejoining.',
  bad_json: 'This page sent the server a message it could not read (a bug in the client).',
  bad_request: 'This page sent the server a request it could not carry out (a bug in the client).',
  closed: 'This room was deleted by its owner. The text below is what you had; download it to keep it.',
  invalid_room_name: 'Room names are 1 to 64 characters: letters, digits, dot, underscore and dash.',
  room_exists: 'A room with this name already exists. Pick another name, or ask its owner for a link.',
  unavailable: 'The server is temporarily unavailable. Trying again shortly.',
  internal: 'The server ran into a problem. Trying again shortly.',
};

/** Codes after which reconnecting with the same link cannot help. */
const FATAL_ON_JOIN = new Set(['invalid_token', 'token_expired', 'wrong_room', 'no_such_room', 'bad_request']);

export function describeError(code, fallback) {
  return MESSAGES[code] || fallback || `The server reported an error (${code}).`;
}

export function isFatalOnJoin(code) {
  return FATAL_ON_JOIN.has(code);
}

/** What a WebSocket close code means to the user, or null when a plain reconnect says enough. */
export function describeClose(code) {
  switch (code) {
    case 1012: return 'The server is restarting. Reconnecting; your changes are kept.';
    case 1013: return 'The connection could not keep up with the room. Reconnecting and catching up.';
    case 1008: return 'The server closed the connection after too many messages. Reconnecting.';
    case 1009: return 'A change was too large for the server to accept in one message.';
    default: return null;
  }
}

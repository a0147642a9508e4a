// Plain-language messages for every error code the server can send (docs/protocol.md).

const MESSAGES = {
  invalid_token: 'This link is not valid: its token is damaged, was revoked by the room\'s owner, or belongs '
    + 'to a room that was deleted. Ask the room\'s owner for a new link.',
  token_expired: 'This link has expired. Ask the room\'s owner for a new invite link.',
  wrong_room: 'This link\'s token belongs to a different room. Check that the link was copied whole.',
  no_such_room: 'This room does not exist any more: it was deleted, or the name is mistyped.',
  forbidden: 'You can read this room but not edit it: you joined with a viewer link.',
  rate_limited: 'You are sending changes faster than the server accepts. Slowing down; nothing is lost.',
  doc_too_large: 'The document has reached the server\'s size limit, so your last change was not saved.',
  bad_op: 'The server refused a change from this page, so the editor now shows the server\'s text.',
  bad_rev: 'This page fell too far behind the server. Reloading the document from the server.',
  not_joined: 'This page was no longer in the room. Rejoining.',
  bad_json: 'This page sent the server a message it could not read (a bug in the client).',
  bad_request: 'This page sent the server a request it could not carry out (a bug in the client).',
  closed: 'This room was deleted by its owner. You can still download the text you had.',
  invalid_room_name: 'Room names are 1 to 64 characters: letters, digits, dot, underscore and dash.',
  room_exists: 'A room with this name already exists. Pick another name, or ask its owner for a link.',
  limit_exceeded: 'The server\'s limit is reached (the room is full, or this page is in too many rooms).',
  not_found: 'The server does not know this address.',
  too_large: 'The request was too large for the server.',
  unavailable: 'The server is temporarily unavailable. Trying again shortly.',
  internal: 'The server ran into a problem. Trying again shortly.',
};

/** Where the same code means something else: joining a room, or an HTTP call. */
const IN_CONTEXT = {
  join: {
    rate_limited: 'The server is limiting requests from this address. Trying again shortly.',
    limit_exceeded: 'This room is full right now. Trying again shortly.',
  },
  op: {
    bad_request: 'The server kept refusing your last change, even sent again under new ids, so the editor '
      + 'now shows the server\'s text.',
    bad_rev: 'The server kept refusing your last change as too far behind, so the editor now shows the '
      + 'server\'s text.',
  },
  held: { // an op the server could not take now, kept and sent again later (same id)
    unavailable: 'The server cannot take new text right now. Your changes are kept here and sent again '
      + 'shortly; you can keep typing.',
  },
  http: {
    rate_limited: 'Too many requests from this address. Wait a minute and try again.',
    forbidden: 'Only the owner of this room can do that.',
    limit_exceeded: 'The server\'s limit is reached. Try again later.',
  },
};

/** Codes after which reconnecting with the same link cannot help. */
const FATAL_ON_JOIN = new Set(['invalid_token', 'token_expired', 'wrong_room', 'no_such_room', 'bad_request']);

/**
 * A message for people; `context` is 'join', 'op' (an edit refused for good), 'held' (an edit kept
 * to be sent again), 'http' or absent.
 */
export function describeError(code, fallback, context) {
  const special = context && IN_CONTEXT[context] && IN_CONTEXT[context][code];
  return special || MESSAGES[code] || fallback || `The server reported an error (${code}).`;
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

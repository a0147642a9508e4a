// The HTTP half of the protocol: create rooms, mint invites, renew and revoke tokens, delete rooms;
// and the dashboard's sign-in.

import { describeError } from './errors.js';

/** A refused HTTP call, with the server's error code and a message for people. */
export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

async function call(method, path, { body, token } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError('network', 'The server cannot be reached. Check your connection and try again.');
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    // answered below
  }
  if (!response.ok) {
    const code = data && data.error ? data.error : `http_${response.status}`;
    throw new ApiError(code, describeError(code, data && data.message, 'http'));
  }
  return data;
}

/** Creates a room; resolves to { room, token } with the owner's token. */
export function createRoom(name) {
  return call('POST', '/api/rooms', { body: { name } });
}

/** Mints an invite token for `role` ("editor" or "viewer") lasting `ttlSeconds`. */
export async function mintInvite(room, ownerToken, role, ttlSeconds) {
  const data = await call('POST', `/api/rooms/${encodeURIComponent(room)}/tokens`, {
    body: { role, ttlSeconds }, token: ownerToken,
  });
  return data.token;
}

export function deleteRoom(room, ownerToken) {
  return call('DELETE', `/api/rooms/${encodeURIComponent(room)}`, { token: ownerToken });
}

/** A fresh owner token for the room, lasting the server's full owner-token lifetime. */
export async function renewOwnerToken(room, ownerToken) {
  const data = await call('POST', `/api/rooms/${encodeURIComponent(room)}/owner-token`, { token: ownerToken });
  return data.token;
}

/**
 * Revokes every token of the room minted so far (invites and owner tokens alike); resolves to the
 * owner's new token, the only one left that manages the room.
 */
export async function revokeLinks(room, ownerToken) {
  const data = await call('POST', `/api/rooms/${encodeURIComponent(room)}/revoke`, { token: ownerToken });
  return data.token;
}

/** Trades the server's ADMIN_KEY for a dashboard session: an HttpOnly cookie sent with /admin/events. */
export function startAdminSession(key) {
  return call('POST', '/admin/session', { body: { key } });
}

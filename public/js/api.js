// The HTTP half of the protocol: create rooms, mint invites, renew and revoke tokens, delete rooms,
// read a room's history and restore a revision; and the dashboard's sign-in.

import { describeError } from './errors.js';

/** A refused HTTP call, with the server's error code and a message for people. */
export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** `as: 'text'` reads a successful answer as plain text (the text at a revision) instead of JSON. */
async function call(method, path, { body, token, as = 'json' } = {}) {
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
  if (response.ok && as === 'text') return response.text();
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

const roomPath = (room, rest) => `/api/rooms/${encodeURIComponent(room)}/${rest}`;

/** The room's text at revision `rev`; any member's token will do. */
export function revisionText(room, token, rev) {
  return call('GET', roomPath(room, `text?rev=${rev}`), { token, as: 'text' });
}

/**
 * Resolves to { head, revisions: [{ rev, clientId, name, time, inserted, deleted }] }: at most `limit`
 * revisions below `before` (undefined: up to the head), newest first.
 */
export function revisionList(room, token, before, limit) {
  const query = [before === undefined ? null : `before=${before}`, `limit=${limit}`].filter(Boolean).join('&');
  return call('GET', roomPath(room, `history?${query}`), { token });
}

/** Resolves to { rev, spans: [{ length, clientId, name }] }: who wrote each part of the text at `rev`. */
export function revisionAuthors(room, token, rev) {
  return call('GET', roomPath(room, `authors?rev=${rev}`), { token });
}

/** Turns the room's text back into that of revision `rev` (owner or editor), as one new op; resolves to { rev }. */
export function restoreRevision(room, token, rev, name) {
  const body = { rev };
  if (name) body.name = name.slice(0, 64);
  return call('POST', roomPath(room, 'restore'), { body, token });
}

/** Trades the server's ADMIN_KEY for a dashboard session: an HttpOnly cookie sent with /admin/events. */
export function startAdminSession(key) {
  return call('POST', '/admin/session', { body: { key } });
}

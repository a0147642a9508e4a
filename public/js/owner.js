// The owner's token. It does not last for ever: it expires (30 days after it was minted, by
// default) and revoking every link replaces it. This module keeps the one current copy, renews it
// once more than half of its life is gone, and tells whoever keeps a copy (the session for its
// rejoins, the address bar, the share panel, the start page's list) when it changes.

import { renewOwnerToken, revokeLinks } from './api.js';

/**
 * The claims of a JWT, or null if it is not one. Read only to learn when the token was minted and
 * when it expires: not verified (only the server can), and the token goes nowhere but the server.
 */
export function tokenClaims(token) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[1])) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? claims : null;
  } catch (e) {
    return null;
  }
}

/**
 * True once less than half of the token's lifetime (from `iat` to `exp`) is left: early enough
 * that an owner who opens the room now and then never finds the link expired, late enough that
 * opening the room does not mint a token every time. False when the times cannot be read.
 */
export function dueForRenewal(token, now = Date.now()) {
  const claims = tokenClaims(token);
  if (!claims || !Number.isFinite(claims.iat) || !Number.isFinite(claims.exp) || claims.exp <= claims.iat) return false;
  return claims.exp * 1000 - now < ((claims.exp - claims.iat) * 1000) / 2;
}

export class OwnerToken {
  constructor(room, token) {
    this.room = room;
    this.value = token;
    this.listeners = [];
    this.renewing = null;
  }

  /** `listener(token, previous)` runs whenever the token is replaced. */
  onChange(listener) {
    this.listeners.push(listener);
  }

  replace(token) {
    const previous = this.value;
    if (token === previous) return;
    this.value = token;
    for (const listener of this.listeners) listener(token, previous);
  }

  /**
   * Renews the token if it is due. A failure changes nothing (the old token still works until it
   * expires) and is tried again on the next join, so it is only noted in the console.
   */
  renewIfDue() {
    if (this.renewing || !dueForRenewal(this.value)) return this.renewing;
    const sent = this.value;
    this.renewing = renewOwnerToken(this.room, sent).then((token) => {
      // A revocation answered meanwhile has replaced the token we renewed: ours is of the old
      // generation, refused already, and must not overwrite the new one.
      if (this.value === sent) this.replace(token);
    }, (e) => {
      console.info(`livepad: could not renew the owner token (${e.code}); trying again on the next join`);
    }).finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  /** Makes every link of the room handed out so far stop working, and takes the new owner token. */
  async revokeAll() {
    this.replace(await revokeLinks(this.room, this.value));
  }
}

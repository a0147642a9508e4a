// The other members of the room as this page knows them, with their selections kept in local
// positions: moved through every op applied here, as ot.js does for other clients' cursors.

import { transformRanges } from './ot.js';
import { colorFor, displayName } from './presence.js';

export class Peers {
  /** `changed(membership)` is told after every change; `membership` is true when someone came or went. */
  constructor(changed) {
    this.byId = new Map(); // clientId -> { clientId, name, role, color, ranges }
    this.changed = changed;
  }

  /** Everyone listed in a `joined` reply. */
  reset(members) {
    this.byId = new Map(members.map((m) => [m.clientId, peer(m)]));
    this.changed(true);
  }

  clear() {
    this.byId.clear();
    this.changed(true);
  }

  presence(event, member) {
    if (event === 'join') this.byId.set(member.clientId, peer(member));
    else this.byId.delete(member.clientId);
    this.changed(true);
  }

  /** Sets a member's ranges, already moved into local positions. */
  setRanges(clientId, ranges) {
    const p = this.byId.get(clientId);
    if (!p) return;
    p.ranges = ranges;
    this.changed(false);
  }

  /** Moves every selection through an op applied to the local text. */
  transform(op) {
    for (const p of this.byId.values()) p.ranges = transformRanges(p.ranges, op);
    this.changed(false);
  }
}

function peer(member) {
  return { ...member, name: displayName(member), color: colorFor(member.clientId), ranges: [] };
}

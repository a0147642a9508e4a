// Who is in the room: a stable colour per member and the member list.

/**
 * A colour derived from the clientId: a strong one for carets and names, a soft one for
 * selections. Server ids end in a sequence number ("c12"); stepping the hue by the golden angle
 * per number keeps people who joined one after the other far apart on the colour wheel.
 */
export function colorFor(clientId) {
  const digits = /(\d+)$/.exec(clientId);
  let n = digits ? Number(digits[1]) : 0;
  if (!digits) {
    for (let i = 0; i < clientId.length; i++) n = (Math.imul(n, 31) + clientId.charCodeAt(i)) >>> 0;
  }
  const hue = Math.round(210 + n * 137.508) % 360;
  return { strong: `hsl(${hue} 65% 42%)`, soft: `hsl(${hue} 85% 60% / 0.3)` };
}

export function displayName(member) {
  return member.name && member.name.trim() ? member.name.trim() : 'Anonymous';
}

const ROLE_LABELS = { owner: 'owner', editor: 'editor', viewer: 'viewer' };

/** Renders `self` first, then the others in the order they joined. */
export function renderMembers(list, self, others) {
  const items = [];
  if (self) items.push(item(self, true));
  for (const member of others.values()) items.push(item(member, false));
  list.replaceChildren(...items);
}

function item(member, isSelf) {
  const li = document.createElement('li');
  li.className = 'member';
  li.dataset.clientId = member.clientId;
  const dot = document.createElement('span');
  dot.className = 'member-dot';
  dot.style.backgroundColor = colorFor(member.clientId).strong;
  dot.setAttribute('aria-hidden', 'true');
  const name = document.createElement('span');
  name.className = 'member-name';
  name.textContent = displayName(member) + (isSelf ? ' (you)' : '');
  const role = document.createElement('span');
  role.className = `member-role role-${member.role}`;
  role.textContent = ROLE_LABELS[member.role] || member.role;
  li.append(dot, name, role);
  return li;
}

// Who is in the room: a stable colour per member and the member list.

/**
 * A colour derived from the clientId: a strong one for carets and names, a soft one for
 * selections, a fainter tint for the text a member wrote (authorship colours, history). Server ids end in a sequence number ("c12"); stepping the hue by the golden angle
 * per number keeps people who joined one after the other far apart on the colour wheel.
 */
export function colorFor(clientId) {
  const digits = /(\d+)$/.exec(clientId);
  let n = digits ? Number(digits[1]) : 0;
  if (!digits) {
    for (let i = 0; i < clientId.length; i++) n = (Math.imul(n, 31) + clientId.charCodeAt(i)) >>> 0;
  }
  const hue = Math.round(210 + n * 137.508) % 360;
  // Caret labels are white text on the strong colour: at 42 % lightness yellows and greens are too
  // pale for that, so darken each hue until white on it reaches WCAG AA's 4.5:1.
  let lightness = 42;
  while (lightness > 20 && contrastWithWhite(hue, 65, lightness) < 4.5) lightness -= 2;
  return {
    strong: `hsl(${hue} 65% ${lightness}%)`, soft: `hsl(${hue} 85% 60% / 0.3)`, tint: `hsl(${hue} 85% 60% / 0.2)`,
  };
}

/** The WCAG contrast ratio of white on hsl(hue, s%, l%). */
function contrastWithWhite(hue, s, l) {
  const a = (s / 100) * Math.min(l / 100, 1 - l / 100);
  const channel = (k) => {
    const c = l / 100 - a * Math.max(-1, Math.min((k + hue / 30) % 12 - 3, 9 - (k + hue / 30) % 12, 1));
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(8) + 0.0722 * channel(4);
  return 1.05 / (luminance + 0.05);
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

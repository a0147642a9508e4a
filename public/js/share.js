// The owner's panel: the owner link, invite links for editors and viewers, revoking every link
// handed out so far, deleting the room.

import { deleteRoom, mintInvite } from './api.js';
import { roomLink } from './link.js';
import { forgetRoom } from './prefs.js';

const $ = (id) => document.getElementById(id);

const TTL_LABELS = { 3600: '1 hour', 86400: '1 day', 604800: '7 days', 2592000: '30 days' };

/** `owner` is the OwnerToken: the panel always uses its current value, and shows its current link. */
export function showSharePanel(room, owner) {
  $('share').hidden = false;
  $('share-toggle').hidden = false;
  const showOwnerLink = () => { $('owner-link').value = roomLink({ room, token: owner.value }); };
  showOwnerLink();
  owner.onChange(showOwnerLink);
  $('invite-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const role = $('invite-role').value;
    const ttl = Number($('invite-ttl').value);
    const error = $('invite-error');
    const button = $('invite-submit');
    error.hidden = true;
    button.disabled = true;
    try {
      const token = await mintInvite(room, owner.value, role, ttl);
      addInvite(roomLink({ room, token }), role, ttl);
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  $('delete-room').addEventListener('click', async () => {
    if (!window.confirm(`Delete room "${room}" for everyone? Its text is gone for good.`)) return;
    try {
      await deleteRoom(room, owner.value);
      forgetRoom(room, owner.value);
    } catch (err) {
      window.alert(err.message);
    }
  });
  wireRevoke(owner);
}

/**
 * "Revoke all links": a dialog says what it does first, because it cannot be undone and reaches
 * further than the invites listed here: every copy of the owner link too (bookmarks, other
 * browsers). The dialog is a native modal <dialog>: it traps focus, starts on Cancel, and Escape
 * closes it, so the keyboard alone can answer it.
 */
function wireRevoke(owner) {
  const dialog = $('revoke-dialog');
  const button = $('revoke-links');
  const status = $('revoke-status');
  const error = $('revoke-error');
  button.addEventListener('click', () => {
    dialog.returnValue = '';
    dialog.showModal();
  });
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'revoke') return;
    button.disabled = true;
    status.textContent = 'Revoking every link…';
    error.hidden = true;
    try {
      await owner.revokeAll();
      $('invites').replaceChildren(); // they are dead links now
      status.textContent = 'Done: every link handed out before has stopped working, the old owner link '
        + 'included. The owner link above is your new one. People already in the room stay until they leave.';
    } catch (err) {
      status.textContent = '';
      error.textContent = `The links could not be revoked: ${err.message}`;
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
}

function addInvite(link, role, ttl) {
  const li = document.createElement('li');
  li.className = 'invite';
  const label = document.createElement('span');
  label.className = `member-role role-${role}`;
  label.textContent = role;
  const expiry = document.createElement('span');
  expiry.className = 'hint';
  expiry.textContent = `valid for ${TTL_LABELS[ttl] || `${ttl} s`}`;
  const row = document.createElement('div');
  row.className = 'copy-row';
  const input = document.createElement('input');
  input.readOnly = true;
  input.value = link;
  input.setAttribute('aria-label', `Invite link for a ${role}`);
  input.dataset.testid = 'invite-link';
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.textContent = 'Copy';
  copy.addEventListener('click', () => copyText(input, copy));
  row.append(input, copy);
  li.append(label, expiry, row);
  $('invites').prepend(li);
  input.select();
}

/** Copies an input's text, confirming on the button. */
export async function copyText(input, button) {
  try {
    await navigator.clipboard.writeText(input.value);
  } catch (e) {
    input.select();
    document.execCommand('copy');
  }
  const label = button.textContent;
  button.textContent = 'Copied';
  setTimeout(() => { button.textContent = label; }, 1500);
}

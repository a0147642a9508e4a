// Op ids. The server broadcasts every op's id to every member of the room, and it recognises a
// retry by its id, so an id must tell nobody anything about the next one: a member who could
// predict another's next id could send its own op under it first and have the victim's edit
// refused (or, on an older server, acknowledged without being applied). Every id is therefore
// drawn afresh: 128 random bits, nothing shared between the ids of one page.

const ID_BYTES = 16;

/** A fresh op id: 16 random bytes as unpadded base64url, 22 characters. */
export function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(ID_BYTES));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Each user's notes, in the isolate's memory: enough for an example (a restart forgets them).
 * A real app keeps them in its database, keyed by the user id the gate vouched for.
 */
export interface Note {
  readonly text: string;
  readonly created_at: string;
}

const MAX_NOTES_PER_USER = 50;
const notesByUser = new Map<string, Note[]>();

export function notesOf(userId: string): readonly Note[] {
  return notesByUser.get(userId) ?? [];
}

export function addNote(userId: string, text: string, now: Date): Note {
  const note = { text, created_at: now.toISOString() };
  notesByUser.set(userId, [note, ...notesOf(userId)].slice(0, MAX_NOTES_PER_USER));
  return note;
}

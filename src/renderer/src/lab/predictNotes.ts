/**
 * What of a prediction job's progress messages is worth keeping once the job is done: a note the
 * app attaches to an image, such as a channel conversion (a gray image through an RGB model).
 * Project images report `name` or `name: note`; a folder job reports `N image(s): note` at the
 * end. Returns the note, or null for a plain progress message.
 */
export function predictionNote(message: string, imageNames: readonly string[]): string | null {
  if (/^\d+ image\(s\): ./.test(message)) return message;
  for (const name of imageNames) {
    if (message.startsWith(`${name}: `) && message.length > name.length + 2) return message;
  }
  return null;
}

/** The job's notes with `note` added once (the same note may come for every image). */
export function withNote(notes: readonly string[], note: string | null): readonly string[] {
  return note === null || notes.includes(note) ? notes : [...notes, note];
}

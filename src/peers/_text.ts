// The text of a peer record as every backend can hold it. Names and
// usernames come from Telegram, but also from files, strings and callers;
// what no backend could store, or no lookup could use, is normalised here,
// the same for every backend:
// - a NUL or a lone surrogate becomes U+FFFD (PostgreSQL cannot store
//   either in text; SQLite and Deno KV could, and would then disagree);
// - a name longer than MAX_NAME UTF-16 units is cut there (Telegram's own
//   limits are 64 + 64 for a user's name and 128 for a title);
// - a username longer than MAX_USERNAME is dropped (Telegram's are at most
//   32), and a peer keeps its first MAX_USERNAMES usernames.
// Private to the library.

/** The longest name or title kept, in UTF-16 units. */
export const MAX_NAME = 256;
/** The longest username kept, in UTF-16 units. */
export const MAX_USERNAME = 64;
/** How many usernames a peer keeps (its primary one first). */
export const MAX_USERNAMES = 64;

// NUL, or a surrogate not in a pair.
const UNSTORABLE =
  /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// Whether the text may hold what storableText replaces: a NUL or any
// surrogate. A loop over char codes: every name and username of every
// entity passes here, and almost none holds either.
function mayNeedFix(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || (c & 0xf800) === 0xd800) return true;
  }
  return false;
}

/** Text with every NUL and lone surrogate replaced by U+FFFD. */
export function storableText(text: string): string {
  if (!mayNeedFix(text)) return text;
  UNSTORABLE.lastIndex = 0;
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE, "\ufffd") : text;
}

/** A name or title as stored: storable, at most MAX_NAME units, or null. */
export function storableName(name: string | null): string | null {
  if (name === null || name.length === 0) return null;
  let out = storableText(name);
  if (out.length > MAX_NAME) {
    // Never cut a surrogate pair in two.
    const end = /[\ud800-\udbff]/.test(out[MAX_NAME - 1]!)
      ? MAX_NAME - 1
      : MAX_NAME;
    out = out.slice(0, end);
  }
  return out;
}

/**
 * One username as stored (lower-cased, storable), or undefined when it is
 * no username to keep: not a string, empty, or longer than MAX_USERNAME.
 */
export function storableUsername(u: unknown): string | undefined {
  return typeof u === "string" && u.length > 0 && u.length <= MAX_USERNAME
    ? storableText(u.toLowerCase())
    : undefined;
}

/**
 * Usernames as stored: lower-cased, storable, each at most MAX_USERNAME
 * units, without repeats, at most MAX_USERNAMES of them (in order). Linear
 * in the length of the list.
 */
export function storableUsernames(list: Iterable<unknown>): string[] {
  // Most peers have one username or none: no set for those.
  if (Array.isArray(list) && list.length < 2) {
    const one = storableUsername(list[0]);
    return one === undefined ? [] : [one];
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const u of list) {
    if (out.length >= MAX_USERNAMES) break;
    const clean = storableUsername(u);
    if (clean === undefined) continue;
    if (seen.has(clean)) continue;
    seen.add(clean);
    out.push(clean);
  }
  return out;
}

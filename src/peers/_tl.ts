// Reading TL objects in the shapes clients produce: GramJS (`className`,
// camelCase, big-integer ids), mtcute (`_`, camelCase, number ids, Long or
// bigint hashes) and plain JSON such as Telethon's to_dict (`_`, snake_case).
// These run for every key and entity a client hands over: nothing here
// builds a string that a small table already holds.

/** A TL object as a plain record. */
export type TlObject = Record<string, unknown>;

/** Whether the value is a non-null, non-array object. */
export function isObject(value: unknown): value is TlObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Constructor names as written ("User", "types.User", "user") → as read
// ("user"). The names come from callers' objects, so the table stops
// growing at a bound: a caller inventing names costs time, never memory.
const NAMES = new Map<string, string | undefined>();
const MAX_CACHED = 512;
// The last name read, and what it reads as ("" reads as undefined).
let lastRaw = "";
let lastName: string | undefined;

function bareName(raw: string): string | undefined {
  const bare = raw.includes(".") ? raw.slice(raw.lastIndexOf(".") + 1) : raw;
  if (bare.length === 0) return undefined;
  return bare[0]!.toLowerCase() + bare.slice(1);
}

/**
 * The constructor name with a lower-case first letter ("user",
 * "inputPeerUser"), or undefined when the object carries none.
 */
export function constructorName(o: TlObject): string | undefined {
  const raw = typeof o._ === "string"
    ? o._
    : typeof o.className === "string"
    ? o.className
    : undefined;
  if (raw === undefined) return undefined;
  // Entities of one result mostly share a constructor: the last one read
  // is kept aside.
  if (raw === lastRaw) return lastName;
  let name = NAMES.get(raw);
  if (name === undefined && !NAMES.has(raw)) {
    name = bareName(raw);
    if (NAMES.size < MAX_CACHED) NAMES.set(raw, name);
  }
  lastRaw = raw;
  lastName = name;
  return name;
}

// camelCase field names → snake_case. Only the library's own field names
// are read (a fixed set), so the table stays small; a name without capitals
// maps to itself and is not read twice.
const SNAKE = new Map<string, string>();

function snake(camel: string): string {
  let s = SNAKE.get(camel);
  if (s === undefined) {
    s = camel.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
    SNAKE.set(camel, s);
  }
  return s;
}

/** A field by its camelCase name, or by the snake_case one. */
export function field(o: TlObject, camel: string): unknown {
  const v = o[camel];
  if (v !== undefined) return v;
  const s = snake(camel);
  return s === camel ? undefined : o[s];
}

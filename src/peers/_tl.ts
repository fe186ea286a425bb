// Reading TL objects in the shapes clients produce: GramJS (`className`,
// camelCase, big-integer ids), mtcute (`_`, camelCase, number ids, Long or
// bigint hashes) and plain JSON such as Telethon's to_dict (`_`, snake_case).

/** A TL object as a plain record. */
export type TlObject = Record<string, unknown>;

/** Whether the value is a non-null, non-array object. */
export function isObject(value: unknown): value is TlObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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
  const bare = raw.includes(".") ? raw.slice(raw.lastIndexOf(".") + 1) : raw;
  if (bare.length === 0) return undefined;
  return bare[0]!.toLowerCase() + bare.slice(1);
}

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}

/** A field by its camelCase name, or by the snake_case one. */
export function field(o: TlObject, camel: string): unknown {
  const v = o[camel];
  if (v !== undefined) return v;
  return o[snake(camel)];
}

/** A TL flag: true only for `true`. */
export function flag(o: TlObject, camel: string): boolean {
  return field(o, camel) === true;
}

/** A non-empty string field, or null. */
export function text(o: TlObject, camel: string): string | null {
  const v = field(o, camel);
  return typeof v === "string" && v.length > 0 ? v : null;
}

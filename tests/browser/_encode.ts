// JSON for what a page hands back: bigint and bytes kept exact ("123n",
// {"hex": "00ff"}), so the test runner compares them with its own.

/** `value` with bigints and byte arrays made JSON-safe and exact. */
export function encodeExact(value: unknown): unknown {
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Uint8Array) {
    return {
      hex: [...value].map((b) => b.toString(16).padStart(2, "0")).join(""),
    };
  }
  if (Array.isArray(value)) return value.map(encodeExact);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, encodeExact(v)]),
    );
  }
  return value;
}

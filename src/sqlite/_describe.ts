// Names what a foreign SQLite database looks like, from its table names,
// for error messages. (The full reader of Telethon and Pyrogram files lives
// in src/foreign/.)

/** A short description of a database that is not an mtsession file. */
export function describeForeignTables(tables: readonly string[]): string {
  const has = (t: string) => tables.includes(t);
  if (tables.length === 0) {
    return "an SQLite database with no tables, not made by mtsession";
  }
  if (has("sessions") && has("entities") && has("version")) {
    return "a Telethon session file";
  }
  if (has("datacenter") && has("version")) return "a Telethon 2 session file";
  if (has("sessions") && has("peers") && has("version")) {
    return "a Pyrogram session file";
  }
  const shown = tables.slice(0, 5).join(", ");
  return `an SQLite database of another program (tables: ${shown}${
    tables.length > 5 ? ", …" : ""
  })`;
}

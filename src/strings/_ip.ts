// IP literals: packing to bytes and printing in the compressed form
// Python's ipaddress module uses (Telethon prints addresses that way).

/** The 4 bytes of a dotted IPv4 literal, or undefined. */
export function parseIpv4(text: string): Uint8Array | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map((x) => Number(x));
  if (
    parts.some((p, i) =>
      p > 255 || (m[i + 1]!.length > 1 && m[i + 1]![0] === "0")
    )
  ) {
    return undefined;
  }
  return Uint8Array.from(parts);
}

/** The 16 bytes of an IPv6 literal (full or compressed), or undefined. */
export function parseIpv6(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(text) || text.length < 2) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (halves.length === 2 ? fill < 1 : head.length !== 8) return undefined;
  const all = [...head, ...Array(fill).fill("0"), ...tail];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/** Dotted IPv4 text of 4 bytes. */
export function formatIpv4(b: Uint8Array): string {
  return [...b].join(".");
}

/** Compressed IPv6 text of 16 bytes (longest zero run of 2+ groups → ::). */
export function formatIpv6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(":");
  return hex.slice(0, best).join(":") + "::" +
    hex.slice(best + bestLen).join(":");
}

/** Normalises an IP literal to its canonical text; other text is kept. */
export function canonicalAddress(text: string): string {
  const v6 = parseIpv6(text);
  return v6 ? formatIpv6(v6) : text;
}

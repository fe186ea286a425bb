// `mtsession info`: what a session holds, redacted unless asked.

import { toHex as hex } from "../_hex.ts";
import { authSummary } from "../_redacted.ts";
import type { Session } from "../session.ts";
import type { AuthState } from "../types.ts";

/** The 8-byte auth key id, sha1(key)[12..20], as hex. */
export async function authKeyId(key: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-1", key as Uint8Array<ArrayBuffer>),
  );
  return hex(digest.subarray(12, 20));
}

/** The JSON object `info --json` prints. */
export async function infoObject(
  source: string,
  session: Session,
  options: { showKey: boolean; peers: boolean; showPhones?: boolean },
): Promise<Record<string, unknown>> {
  const a: AuthState = session.getAuth();
  const out: Record<string, unknown> = {
    source,
    ...authSummary(a),
    date: a.date,
    takeoutId: a.takeoutId === null ? null : a.takeoutId.toString(),
    authKeyId: a.authKey === null ? null : await authKeyId(a.authKey),
  };
  out.dataCenters = await dataCenters(session, options.showKey);
  if (options.showKey) out.authKey = a.authKey === null ? null : hex(a.authKey);
  if (options.peers) {
    const peers = await session.listPeers();
    peers.sort((x, y) => x.id - y.id);
    // A contact's phone number is personal data: printed only when asked
    // for by name (--show-phones); otherwise only whether there is one.
    out.peers = peers.map((p) => ({
      id: p.id,
      type: p.type,
      accessHash: p.accessHash.toString(),
      usernames: [...p.usernames],
      ...(options.showPhones === true
        ? { phone: p.phone }
        : { hasPhone: p.phone !== null }),
      name: p.name,
    }));
    const states = await session.getUpdateStates();
    states.sort((x, y) => x.entityId - y.entityId);
    out.updateStates = states.map((s) => ({ ...s }));
    const files = await session.listCachedFiles();
    out.files = files.map((f) => ({
      md5: hex(f.md5),
      size: f.size,
      type: f.type,
      id: f.id.toString(),
      accessHash: f.accessHash.toString(),
    }));
  }
  return out;
}

/**
 * Every DC the session knows, by id (non-media first): its entries'
 * addresses, and the key id of each DC that has a key (the main DC's
 * too). A DC with a key and no entry is listed with the address the auth
 * state gives (the main DC) or none.
 */
async function dataCenters(
  session: Session,
  showKey: boolean,
): Promise<Record<string, unknown>[]> {
  const a = session.getAuth();
  const keys = new Map(session.authKeys().map((k) => [k.dcId, k.key]));
  const rows: Record<string, unknown>[] = session.dataCenters.map((d) => ({
    ...d,
  }));
  const listed = new Set(rows.filter((r) => !r.mediaOnly).map((r) => r.id));
  for (const id of [...(a.dcId === null ? [] : [a.dcId]), ...keys.keys()]) {
    if (listed.has(id)) continue;
    listed.add(id);
    const main = id === a.dcId && a.serverAddress !== null;
    const v6 = main && a.serverAddress!.includes(":");
    rows.push({
      id,
      testMode: a.testMode,
      mediaOnly: false,
      ipv4: main && !v6 ? a.serverAddress : null,
      ipv6: v6 ? a.serverAddress : null,
      port: main ? a.port : null,
    });
  }
  rows.sort((x, y) =>
    Number(x.id) - Number(y.id) || Number(x.mediaOnly) - Number(y.mediaOnly)
  );
  for (const r of rows) {
    const key = r.mediaOnly ? undefined : keys.get(Number(r.id));
    r.main = r.id === a.dcId && !r.mediaOnly;
    r.authKeyId = key === undefined ? null : await authKeyId(key);
    if (showKey && !r.mediaOnly) {
      r.authKey = key === undefined ? null : hex(key);
    }
  }
  return rows;
}

/** The human-readable `info` text. */
export function infoText(o: Record<string, unknown>): string {
  const show = (
    v: unknown,
  ) => (v === null || v === undefined ? "unknown" : String(v));
  const lines = [
    `source       ${show(o.source)}`,
    `dc           ${show(o.dcId)}${
      o.serverAddress === null ? "" : ` (${o.serverAddress}:${show(o.port)})`
    }`,
    `test mode    ${show(o.testMode)}`,
    `api id       ${show(o.apiId)}`,
    `user id      ${show(o.userId)}`,
    `bot          ${show(o.isBot)}`,
    `date         ${
      typeof o.date === "number"
        ? new Date(o.date * 1000).toISOString()
        : "unknown"
    }`,
    `takeout id   ${show(o.takeoutId)}`,
    `auth key id  ${
      o.authKeyId === null ? "none (no auth key)" : show(o.authKeyId)
    }`,
    `auth key     ${
      "authKey" in o
        ? show(o.authKey)
        : o.authKeyId === null
        ? "none"
        : "hidden (--show-key prints it)"
    }`,
  ];
  const dcs = Array.isArray(o.dataCenters)
    ? o.dataCenters as Array<Record<string, unknown>>
    : [];
  if (dcs.length > 0) lines.push(`data centers ${dcs.length}`);
  for (const d of dcs) {
    const port = show(d.port);
    const addresses = [
      ...(d.ipv4 === null ? [] : [`${d.ipv4}:${port}`]),
      ...(d.ipv6 === null ? [] : [`[${d.ipv6}]:${port}`]),
    ];
    const name = `DC ${d.id}${d.mediaOnly ? " media" : ""}${
      d.main ? " (main)" : ""
    }${d.testMode ? " test" : ""}`;
    lines.push(
      `  ${name.padEnd(16)} ${
        addresses.length === 0 ? "no address" : addresses.join(" ")
      }${
        d.mediaOnly
          ? ""
          : d.authKeyId === null
          ? ", no auth key"
          : `, auth key id ${show(d.authKeyId)}${
            "authKey" in d ? ` key ${show(d.authKey)}` : ""
          }`
      }`,
    );
  }
  if (Array.isArray(o.peers)) {
    lines.push(`peers        ${o.peers.length}`);
    for (const p of o.peers as Array<Record<string, unknown>>) {
      const names = (p.usernames as string[]).map((u) => "@" + u).join(" ");
      const phone = typeof p.phone === "string" ? ` +${p.phone}` : "";
      lines.push(
        `  ${String(p.id).padStart(15)} ${String(p.type).padEnd(10)} ${
          show(p.name)
        }${names ? " " + names : ""}${phone}`,
      );
    }
    lines.push(`update states ${(o.updateStates as unknown[]).length}`);
    lines.push(`cached files  ${(o.files as unknown[]).length}`);
  }
  return lines.join("\n") + "\n";
}

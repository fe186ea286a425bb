// Defensive copies of records crossing the storage boundary.

import type {
  AuthState,
  CachedFile,
  DataCenter,
  DcAuthKey,
  MessageRef,
  PeerRecord,
  TempAuthKey,
  UpdateState,
} from "./types.ts";

export function copyPeer(p: PeerRecord): PeerRecord {
  const out: PeerRecord = {
    id: p.id,
    type: p.type,
    accessHash: p.accessHash,
    usernames: [...p.usernames],
    phone: p.phone,
    name: p.name,
    updatedAt: p.updatedAt,
  };
  if (p.min === true) out.min = true;
  if (p.raw !== undefined) out.raw = p.raw.slice();
  return out;
}

export function copyAuth(a: AuthState): AuthState {
  return { ...a, authKey: a.authKey === null ? null : a.authKey.slice() };
}

export function copyState(s: UpdateState): UpdateState {
  return {
    entityId: s.entityId,
    pts: s.pts,
    qts: s.qts,
    date: s.date,
    seq: s.seq,
  };
}

export function copyFile(f: CachedFile): CachedFile {
  return {
    md5: f.md5.slice(),
    size: f.size,
    type: f.type,
    id: f.id,
    accessHash: f.accessHash,
  };
}

/** An auth state with every field unknown. */
export function emptyAuth(): AuthState {
  return {
    dcId: null,
    serverAddress: null,
    port: null,
    authKey: null,
    testMode: null,
    apiId: null,
    userId: null,
    isBot: null,
    date: null,
    takeoutId: null,
  };
}

export function copyDc(d: DataCenter): DataCenter {
  return {
    id: d.id,
    testMode: d.testMode,
    mediaOnly: d.mediaOnly,
    ipv4: d.ipv4,
    ipv6: d.ipv6,
    port: d.port,
  };
}

export function copyDcKey(k: DcAuthKey): DcAuthKey {
  return { dcId: k.dcId, key: k.key.slice() };
}

export function copyTempKey(k: TempAuthKey): TempAuthKey {
  return {
    dcId: k.dcId,
    index: k.index,
    key: k.key.slice(),
    expiresAt: k.expiresAt,
  };
}

export function copyRef(r: MessageRef): MessageRef {
  return { peerId: r.peerId, chatId: r.chatId, messageId: r.messageId };
}

// Defensive copies of records crossing the storage boundary.

import type {
  AuthState,
  CachedFile,
  PeerRecord,
  UpdateState,
} from "./types.ts";

export function copyPeer(p: PeerRecord): PeerRecord {
  return {
    id: p.id,
    type: p.type,
    accessHash: p.accessHash,
    usernames: [...p.usernames],
    phone: p.phone,
    name: p.name,
    updatedAt: p.updatedAt,
  };
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

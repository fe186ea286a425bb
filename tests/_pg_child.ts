// Child process for the PostgreSQL tests (run by tests/_pg_env.ts in the
// runtime at hand). Modes:
//   open SCHEMA ID [WAIT_MS]  open a session: exit 0 opened, 3 in use
//   hold SCHEMA ID            open a session and keep it until killed
//   migrate SCHEMA            create the schema (racing other children)
//   write SCHEMA ID WORKER ROUNDS SHARED OWN
//                             write shared and own peers (exclusive: false)
//   restart-writer SCHEMA URL STOPFILE
//                             store peer after peer, save() each, print
//                             `ack N` once save() resolved (peers 1…N are
//                             acknowledged) until STOPFILE exists; then
//                             store one more and close the store (the
//                             server is down by then), printing how long
//                             close() took and what it threw
// Exit 1 (with the error on stdout) on anything else.

import { existsSync } from "node:fs";
import process from "node:process";
import {
  openPostgresStore,
  PostgresConnectionLostError,
  SessionInUseError,
} from "../adapters/postgres.ts";
import { pgWorkerRecords, restartPeer } from "./_pg_writes.ts";

const url = process.env.DATABASE_URL!;
const [mode, schema, ...rest] = process.argv.slice(2);

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

try {
  switch (mode) {
    case "open": {
      const [id, wait] = rest;
      const store = await openPostgresStore(url, { schema: schema! });
      try {
        const s = await store.open(id!, wait ? { wait: Number(wait) } : {});
        out(`opened dc=${s.dcId}`);
        await s.close();
      } finally {
        await store.close();
      }
      break;
    }
    case "hold": {
      const store = await openPostgresStore(url, { schema: schema! });
      await store.open(rest[0]!);
      out("holding");
      await new Promise(() => {}); // until killed
      break;
    }
    case "migrate": {
      const store = await openPostgresStore(url, { schema: schema! });
      out("migrated");
      await store.close();
      break;
    }
    case "write": {
      const [id, worker, rounds, shared, own] = rest.map((x, i) =>
        i === 0 ? x : Number(x)
      ) as [string, number, number, number, number];
      const store = await openPostgresStore(url, {
        schema: schema!,
        exclusive: false,
        flushDelayMs: 2,
        maxBatch: 25,
      });
      const session = await store.open(id);
      for (let r = 0; r < rounds; r++) {
        await session.storage.putPeers(
          pgWorkerRecords(worker, r, shared, own),
        );
        if (r % 7 === 0) await session.save();
        if (r % 3 === 0) await new Promise((res) => setTimeout(res, 1));
      }
      await session.save();
      await store.close();
      out("done");
      break;
    }
    case "restart-writer": {
      const [target, stopFile] = rest as [string, string];
      const store = await openPostgresStore(target, {
        schema: schema!,
        flushDelayMs: 2,
        closeTimeout: 3,
      });
      const session = await store.open("writer");
      let id = 0;
      let failures = 0;
      while (!existsSync(stopFile)) {
        await session.storage.putPeers([restartPeer(++id)]);
        try {
          await session.save();
          out(`ack ${id}`);
        } catch (e) {
          // The batch stays queued: the next save() that resolves acks it.
          if (!(e instanceof PostgresConnectionLostError)) throw e;
          failures++;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      await session.storage.putPeers([restartPeer(++id)]);
      const started = Date.now();
      const error = await store.close().then(() => null, (e: unknown) => e);
      const ms = Date.now() - started;
      const lost = error instanceof PostgresConnectionLostError;
      out(
        `closed ms=${ms} failures=${failures} error=${
          error === null ? "none" : (error as Error).name
        } unwritten=${lost ? error.unwritten : 0}`,
      );
      if (error !== null && !lost) throw error;
      break;
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
  process.exit(0);
} catch (e) {
  out(`${(e as Error).name}: ${(e as Error).message}`);
  process.exit(e instanceof SessionInUseError ? 3 : 1);
}

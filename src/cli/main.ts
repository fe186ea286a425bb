/**
 * The `mtsession` command: `info` shows what a session holds (redacted),
 * `convert` writes it in another format. A thin shell over the library.
 *
 * @module
 */

import process from "node:process";
import { PassphraseError, SessionError } from "../errors.ts";
import { parseArgs, USAGE, UsageError } from "./_args.ts";
import { convert } from "./_convert.ts";
import { infoObject, infoText } from "./_info.ts";
import { loadSource } from "./_source.ts";
import { isDirectory } from "../tdata/_read.ts";

/** Where the CLI writes. */
export interface CliOutput {
  /** Standard output. */
  stdout(text: string): void;
  /** Standard error: never given a secret. */
  stderr(text: string): void;
}

function secretFromEnv(
  args: { flags: Map<string, string | true> },
  flag: string,
): string | undefined {
  const name = args.flags.get(flag);
  if (typeof name !== "string") return undefined;
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new UsageError(
      `--${flag} ${name}: that environment variable is not set`,
    );
  }
  return value;
}

function integer(
  value: string | true | undefined,
  name: string,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^\d+$/.test(value)) {
    throw new UsageError(`--${name} needs a positive integer`);
  }
  return Number(value);
}

/** What to add for the CLI to a library error that names an option. */
function hint(e: Error): string {
  if (e instanceof PassphraseError && e.format === null) {
    return " (on the command line: --passcode-env VAR, VAR holding the passcode)";
  }
  return "";
}

/**
 * Runs the CLI.
 *
 * @param argv Arguments after the script name.
 * @param out Where to write (default: the process's stdout and stderr).
 * @returns The exit code: 0 ok, 1 bad input, 2 usage.
 */
export async function runCli(
  argv: readonly string[],
  out: CliOutput = {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
  },
): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.command === "help") {
      out.stdout(USAGE + "\n");
      return 0;
    }
    const passphrase = secretFromEnv(args, "passphrase-env");
    const passcode = secretFromEnv(args, "passcode-env");
    const apiId = integer(args.flags.get("api-id"), "api-id");
    const userId = integer(args.flags.get("user-id"), "user-id");
    const account = integer(args.flags.get("account"), "account");
    if (
      args.command === "info" && args.source !== undefined &&
      args.source !== "-" && await isDirectory(args.source)
    ) {
      // A tdata folder: every account, not one session.
      const { tdataInfoObject, tdataInfoText } = await import(
        "./_tdata_info.ts"
      );
      const o = await tdataInfoObject(
        args.source,
        passcode,
        args.flags.has("show-key"),
      );
      out.stdout(
        args.flags.has("json")
          ? JSON.stringify(o, null, 2) + "\n"
          : tdataInfoText(o),
      );
      return 0;
    }
    const { source, session, notes: readNotes } = await loadSource(
      args.source,
      passphrase,
      { account, passcode },
    );
    for (const n of readNotes) out.stderr(n + "\n");
    if (args.command === "info") {
      const o = await infoObject(source, session, {
        showKey: args.flags.has("show-key"),
        peers: args.flags.has("peers"),
        showPhones: args.flags.has("show-phones"),
      });
      out.stdout(
        args.flags.has("json")
          ? JSON.stringify(o, null, 2) + "\n"
          : infoText(o),
      );
      return 0;
    }
    const notes = await convert(session, {
      to: String(args.flags.get("to")),
      out: args.flags.get("out") as string | undefined,
      force: args.flags.has("force"),
      apiId,
      userId,
      isBot: args.flags.has("bot"),
      testMode: args.flags.has("test-mode"),
      passphrase,
      passcode,
    }, out.stdout);
    for (const n of notes) out.stderr(n + "\n");
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      out.stderr(`mtsession: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (
      e instanceof SessionError || e instanceof TypeError ||
      e instanceof RangeError
    ) {
      out.stderr(`mtsession: ${e.message}${hint(e)}\n`);
      return 1;
    }
    throw e;
  }
}

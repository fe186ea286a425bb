// Command-line parsing for the mtsession CLI: a command, at most one
// positional SOURCE, and known flags only. Session strings are never taken
// from argv (shell history and process lists would keep them).

/** A usage error: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * How a message names something the user typed. A session string pasted
 * as an argument by mistake (or any long run of base64) is not repeated:
 * stderr ends up in terminals, CI logs and bug reports.
 */
export function shownArgument(value: string): string {
  if (value.length >= 40 && /^(?:mts1e?:)?[\w+/=-]+$/.test(value)) {
    return `the ${value.length}-character argument (it looks like a ` +
      "session string: pass session strings on standard input, not as " +
      "arguments)";
  }
  return value.length > 200 ? `a ${value.length}-character argument` : value;
}

/** Parsed command line. */
export interface ParsedArgs {
  command: "info" | "convert" | "help";
  source: string | undefined;
  flags: Map<string, string | true>;
}

const FLAGS: Record<string, { takes: boolean; commands: string[] }> = {
  json: { takes: false, commands: ["info"] },
  "show-key": { takes: false, commands: ["info"] },
  peers: { takes: false, commands: ["info"] },
  "show-phones": { takes: false, commands: ["info"] },
  to: { takes: true, commands: ["convert"] },
  out: { takes: true, commands: ["convert"] },
  force: { takes: false, commands: ["convert"] },
  "api-id": { takes: true, commands: ["convert"] },
  "user-id": { takes: true, commands: ["convert"] },
  bot: { takes: false, commands: ["convert"] },
  "test-mode": { takes: false, commands: ["convert"] },
  "passphrase-env": { takes: true, commands: ["info", "convert"] },
  account: { takes: true, commands: ["convert"] },
  "passcode-env": { takes: true, commands: ["info", "convert"] },
};

/** Parses argv (without the runtime and script). */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  if (
    command === undefined || command === "help" || command === "--help" ||
    command === "-h"
  ) {
    return { command: "help", source: undefined, flags: new Map() };
  }
  if (command !== "info" && command !== "convert") {
    throw new UsageError(
      /^[a-z][a-z-]{0,19}$/.test(command)
        ? `unknown command "${command}"`
        : `unknown command ${shownArgument(command)}`,
    );
  }
  const flags = new Map<string, string | true>();
  let source: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--help" || arg === "-h") {
      return { command: "help", source: undefined, flags: new Map() };
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      const spec = FLAGS[name];
      if (!spec || !spec.commands.includes(command)) {
        throw new UsageError(`unknown option --${name} for ${command}`);
      }
      if (spec.takes) {
        const value = eq === -1 ? rest[++i] : arg.slice(eq + 1);
        if (value === undefined || value === "") {
          throw new UsageError(`--${name} needs a value`);
        }
        flags.set(name, value);
      } else {
        if (eq !== -1) throw new UsageError(`--${name} takes no value`);
        flags.set(name, true);
      }
    } else if (source === undefined) {
      source = arg;
    } else {
      throw new UsageError(
        "too many arguments: give one SOURCE (a file, a tdata folder, or " +
          "- for stdin)",
      );
    }
  }
  if (command === "convert" && !flags.has("to")) {
    throw new UsageError("convert needs --to FORMAT");
  }
  return { command, source, flags };
}

/** The help text. */
export const USAGE = `usage:
  mtsession info [SOURCE] [--json] [--show-key] [--peers] [--show-phones]
                 [--passphrase-env VAR] [--passcode-env VAR]
  mtsession convert [SOURCE] --to FORMAT [--out PATH] [--force]
                    [--api-id N] [--user-id N] [--bot] [--test-mode]
                    [--passphrase-env VAR] [--account N] [--passcode-env VAR]

SOURCE is a session file, a Telegram Desktop tdata folder, or - (the
default) to read a session string from standard input. Strings are never
taken from the command line.

FORMAT: telethon, pyrogram, gramjs, mtcute, mtkruto, mtsession (strings);
telethon-file, telethon2-file, pyrogram-file, mtsession-file (files; need
--out); tdata (a Telegram Desktop folder; --out must be a new path or an
empty folder, never replaced). info lists every data center (addresses,
auth key id), of every account for a tdata folder; --peers lists the cached
peers, their phone numbers only with --show-phones; convert names on stderr
what the target cannot carry (a DC, another DC's key).
--account N picks the account of a tdata folder that holds several (info
lists their indexes). --passcode-env names an environment variable holding
a tdata folder's local passcode (to read it, and to protect the folder
--to tdata writes).
--api-id, --user-id, --bot and --test-mode fill what the source lacks
(without --bot the account is taken as a user, without --test-mode as
production). --passphrase-env names an environment variable holding the
passphrase of an encrypted mtsession string (read) or to encrypt with
(write). --out writes with mode 0600 and never replaces a file unless
--force.

exit codes: 0 ok, 1 bad input, 2 usage`;

// Child of tests/reliability_leftovers_test.ts: one file operation of the
// library, which the parent kills (SIGKILL) or freezes (SIGSTOP) while its
// temporary file exists. Prints "done" when the operation has ended.
//
//   <runtime> tests/_rel_leftover_child.ts write FORMAT SOURCE TARGET
//   <runtime> tests/_rel_leftover_child.ts read SOURCE
//   <runtime> tests/_rel_leftover_child.ts import SOURCE INTO

import process from "node:process";
import {
  importSessionFile,
  readSessionFile,
  type SessionFileFormat,
  writeSessionFile,
} from "../mod.ts";

const [mode, ...args] = process.argv.slice(2);

if (mode === "write") {
  const [format, source, target] = args as [SessionFileFormat, string, string];
  const data = await readSessionFile(source);
  await writeSessionFile(target, format, data);
} else if (mode === "read") {
  await readSessionFile(args[0]!);
} else if (mode === "import") {
  const session = await importSessionFile(args[0]!, { into: args[1]! });
  await session.close();
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write("done\n");

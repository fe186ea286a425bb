// Symbols that Node, Bun and Deno consult when they print an object. Classes
// that hold secrets implement both so that console.log, util.inspect and
// Deno.inspect show a redacted form.

/** Node's and Bun's `util.inspect.custom`. */
export const nodeInspect: unique symbol = Symbol.for(
  "nodejs.util.inspect.custom",
) as never;

/** Deno's `Deno.customInspect`. */
export const denoInspect: unique symbol = Symbol.for(
  "Deno.customInspect",
) as never;

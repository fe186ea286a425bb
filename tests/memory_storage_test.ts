import { MemoryStorage } from "../mod.ts";
import { describeSessionStorage } from "./_conformance.ts";

describeSessionStorage("memory", () => new MemoryStorage());

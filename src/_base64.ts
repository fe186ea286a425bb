// Base64 in both alphabets, strict on input. Uses the platform's atob/btoa
// (present on Deno, Bun and Node), with our own alphabet checks in front.

const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URLSAFE = /^[A-Za-z0-9_-]*={0,2}$/;

/** Which alphabet a base64 text may use. */
export type Base64Alphabet = "standard" | "urlsafe" | "either";

/**
 * Decodes base64. Padding is optional but, when present, must be right.
 * Returns undefined for anything that is not valid base64 in the alphabet.
 */
export function decodeBase64(
  text: string,
  alphabet: Base64Alphabet,
): Uint8Array | undefined {
  const okStandard = STANDARD.test(text);
  const okUrl = URLSAFE.test(text);
  if (
    (alphabet === "standard" && !okStandard) ||
    (alphabet === "urlsafe" && !okUrl) ||
    (alphabet === "either" && !okStandard && !okUrl &&
      !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text))
  ) {
    return undefined;
  }
  const body = text.replace(/=+$/, "");
  const padded = text.length - body.length;
  if (body.length % 4 === 1) return undefined;
  if (padded > 0 && (body.length + padded) % 4 !== 0) return undefined;
  const std = body.replace(/-/g, "+").replace(/_/g, "/");
  let binary: string;
  try {
    binary = atob(std + "=".repeat((4 - (std.length % 4)) % 4));
  } catch {
    return undefined;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Encodes bytes as base64, with or without `=` padding. */
export function encodeBase64(
  bytes: Uint8Array,
  alphabet: "standard" | "urlsafe",
  pad: boolean,
): string {
  let binary = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  let out = btoa(binary);
  if (alphabet === "urlsafe") out = out.replace(/\+/g, "-").replace(/\//g, "_");
  return pad ? out : out.replace(/=+$/, "");
}

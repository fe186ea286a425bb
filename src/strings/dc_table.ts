/**
 * Telegram's data centers, for the formats that store only a DC id
 * (Pyrogram, MTKruto): production and test, IPv4 and IPv6, as Pyrogram's
 * `DataCenter` table has them.
 *
 * @module
 */

import { canonicalAddress } from "./_ip.ts";

/** One data center's address. */
export interface DcAddress {
  /** The data center id. */
  readonly dcId: number;
  /** Whether it is a test-server data center. */
  readonly testMode: boolean;
  /** Whether the address is IPv6. */
  readonly ipv6: boolean;
  /** The IP address. */
  readonly address: string;
  /** The port (443 in production, 80 on the test servers). */
  readonly port: number;
}

const PROD: Record<number, string> = {
  1: "149.154.175.53",
  2: "149.154.167.51",
  3: "149.154.175.100",
  4: "149.154.167.91",
  5: "91.108.56.130",
  203: "91.105.192.100",
};
const TEST: Record<number, string> = {
  1: "149.154.175.10",
  2: "149.154.167.40",
  3: "149.154.175.117",
};
const PROD_V6: Record<number, string> = {
  1: "2001:b28:f23d:f001::a",
  2: "2001:67c:4e8:f002::a",
  3: "2001:b28:f23d:f003::a",
  4: "2001:67c:4e8:f004::a",
  5: "2001:b28:f23f:f005::a",
};
const TEST_V6: Record<number, string> = {
  1: "2001:b28:f23d:f001::e",
  2: "2001:67c:4e8:f002::e",
  3: "2001:b28:f23d:f003::e",
};

/**
 * The address of a data center, or undefined when Telegram has no such DC.
 *
 * @param dcId Data-center id.
 * @param testMode Test servers instead of production.
 * @param ipv6 The IPv6 address instead of IPv4.
 * @returns The address and port.
 *
 * @example Usage
 * ```ts
 * import { dcAddress } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(dcAddress(2, false), {
 *   dcId: 2, testMode: false, ipv6: false, address: "149.154.167.51", port: 443,
 * });
 * assert.equal(dcAddress(2, true)?.port, 80);
 * assert.equal(dcAddress(9, false), undefined);
 * ```
 */
export function dcAddress(
  dcId: number,
  testMode: boolean,
  ipv6 = false,
): DcAddress | undefined {
  const table = testMode ? (ipv6 ? TEST_V6 : TEST) : (ipv6 ? PROD_V6 : PROD);
  const address = table[dcId];
  if (address === undefined) return undefined;
  return { dcId, testMode, ipv6, address, port: testMode ? 80 : 443 };
}

/**
 * Finds which data center an address belongs to.
 *
 * @param address An IP address (IPv6 in any spelling is compared compressed).
 * @returns The entry, or undefined for an address not in the table.
 */
export function findDcByAddress(address: string): DcAddress | undefined {
  const canonical = canonicalAddress(address);
  const tables: Array<[Record<number, string>, boolean, boolean]> = [
    [PROD, false, false],
    [TEST, true, false],
    [PROD_V6, false, true],
    [TEST_V6, true, true],
  ];
  for (const [table, testMode, ipv6] of tables) {
    for (const [id, a] of Object.entries(table)) {
      if (a === canonical) return dcAddress(Number(id), testMode, ipv6);
    }
  }
  return undefined;
}

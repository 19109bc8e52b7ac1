import { createHash } from 'node:crypto';
import { expect } from 'vitest';

/**
 * The hashing rules of docs/AUDIT.md sections 1, 2 and 5, written from the doc with node:crypto only:
 * SHA-256, hex and canonical base64, canonical JSON, and the RFC 9162 tree with its proofs.
 */

export const sha256 = (...parts: Array<string | Uint8Array>): Buffer => {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part);
  return digest.digest();
};
export const sha256Hex = (data: string | Uint8Array) => sha256(data).toString('hex');
const ZERO = Buffer.from([0x00]);
export const ONE = Buffer.from([0x01]);
const HEX64 = /^[0-9a-f]{64}$/;
/** The standard JSON indentation the doc names: two spaces, a final newline. */
export const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
export const fileTime = (iso: string) => iso.replaceAll(':', '-');

export function hex(value: string): Buffer {
  expect(value).toMatch(HEX64);
  return Buffer.from(value, 'hex');
}

/** Section 1: base64 with padding, accepted only when it re-encodes to the same text. */
export function base64(value: string): Buffer {
  const bytes = Buffer.from(value, 'base64');
  expect(bytes.toString('base64')).toBe(value);
  return bytes;
}

// Section 2.
function jsonString(text: string): string {
  const short: Record<number, string> = {
    8: '\\b',
    9: '\\t',
    10: '\\n',
    12: '\\f',
    13: '\\r',
    34: '\\"',
    92: '\\\\',
  };
  let out = '"';
  for (let at = 0; at < text.length; at += 1) {
    const unit = text.charCodeAt(at);
    const paired =
      unit >= 0xd800 && unit <= 0xdbff
        ? (text.charCodeAt(at + 1) & 0xfc00) === 0xdc00
        : unit >= 0xdc00 && unit <= 0xdfff
          ? (text.charCodeAt(at - 1) & 0xfc00) === 0xd800
          : true;
    if (short[unit]) out += short[unit];
    else if (unit < 0x20 || !paired) out += `\\u${unit.toString(16).padStart(4, '0')}`;
    else out += text[at];
  }
  return `${out}"`;
}

export function canonical(value: unknown): string {
  if (value === null || value === true || value === false) return String(value);
  if (typeof value === 'number') {
    expect(Number.isFinite(value)).toBe(true);
    return String(value);
  }
  if (typeof value === 'string') return jsonString(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value as object).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((key) => `${jsonString(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
}

// Section 5: RFC 9162 section 2.1, over leaf hashes.
export const leafOf = (data: Uint8Array) => sha256(ZERO, data);
const node = (left: Buffer, right: Buffer) => sha256(ONE, left, right);
const split = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
export function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = split(leaves.length);
  return node(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
export function path(m: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}
export function subproof(m: number, leaves: readonly Buffer[], whole: boolean): Buffer[] {
  const n = leaves.length;
  if (m === n) return whole ? [] : [mth(leaves)];
  const k = split(n);
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), whole), mth(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}
/** RFC 9162 section 2.1.3.2. */
export function inclusionHolds(
  index: number,
  size: number,
  leaf: Buffer,
  proof: Buffer[],
  root: Buffer,
): boolean {
  if (index >= size) return false;
  let [fn, sn, r] = [index, size - 1, leaf];
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn >> 1, sn >> 1];
    } else r = node(r, p);
    [fn, sn] = [fn >> 1, sn >> 1];
  }
  return sn === 0 && r.equals(root);
}
/** RFC 9162 section 2.1.4.2. */
export function consistencyHolds(
  first: number,
  second: number,
  firstRoot: Buffer,
  secondRoot: Buffer,
  proof: Buffer[],
) {
  const nodes = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : proof;
  let [fn, sn] = [first - 1, second - 1];
  while (fn % 2 === 1) [fn, sn] = [fn >> 1, sn >> 1];
  let [fr, sr] = [nodes[0] as Buffer, nodes[0] as Buffer];
  for (const c of nodes.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      [fr, sr] = [node(c, fr), node(c, sr)];
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn >> 1, sn >> 1];
    } else sr = node(sr, c);
    [fn, sn] = [fn >> 1, sn >> 1];
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

import { createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { keyIdOf, type NoteSignature, rawPublicKey } from './checkpoint-note.js';
import { MecError } from './errors.js';

/**
 * Witness cosignatures in the C2SP `tlog-cosignature` format, Ed25519 type 0x04 (`cosignature/v1`).
 * A cosignature is a signed-note signature line whose bytes are
 *
 *     key ID (4) || timestamp (8, big-endian POSIX seconds) || Ed25519 signature (64)
 *
 * over `cosignature/v1\ntime <timestamp>\n` followed by the checkpoint's whole text. The key ID is
 * SHA-256(name || 0x0A || 0x04 || public key)[:4], and a verifier key is written
 * `<name>+<key ID hex>+<base64(0x04 || public key)>`.
 */

const COSIGNATURE_V1 = 0x04;
const NAME = /^[^\s+]+$/;
/** 8 bytes of timestamp and 64 of Ed25519 signature follow the key ID. */
const SIGNATURE_BYTES = 8 + 64;

export interface CosignatureVerifier {
  name: string;
  /** The four-byte key ID, as eight hex digits. */
  keyId: string;
  publicKey: KeyObject;
}

/** A cosignature's signature bytes, read apart. */
export interface Cosignature {
  /** When the witness cosigned, in POSIX seconds. */
  timestampSeconds: number;
  /** The 64-byte Ed25519 signature. */
  signature: Buffer;
}

/** The message a `cosignature/v1` signature covers: two header lines, then the checkpoint text. */
export function cosignedMessage(checkpointText: string, timestampSeconds: number): string {
  return `cosignature/v1\ntime ${timestampSeconds}\n${checkpointText}`;
}

/** The verifier key text of an Ed25519 cosigner key: `<name>+<key ID>+<base64(0x04 || key)>`. */
export function cosignatureVerifierKeyOf(name: string, publicKey: KeyObject): string {
  const raw = rawPublicKey(publicKey);
  const encoded = Buffer.concat([Buffer.from([COSIGNATURE_V1]), raw]).toString('base64');
  return `${name}+${keyIdOf(name, raw, COSIGNATURE_V1)}+${encoded}`;
}

/** Reads a cosigner's verifier key (type 0x04); throws naming what is wrong with it. */
export function parseCosignatureVerifierKey(vkey: string): CosignatureVerifier {
  // Only the first two '+' separate fields: the base64 key may hold '+' of its own.
  const [name = '', keyId = ''] = vkey.split('+', 2);
  const encoded = vkey.slice(name.length + keyId.length + 2);
  const bytes = Buffer.from(encoded, 'base64');
  if (
    !NAME.test(name) ||
    !/^[0-9a-f]{8}$/.test(keyId) ||
    vkey.split('+').length < 3 ||
    bytes.toString('base64') !== encoded
  )
    throw new MecError(
      'checkpoint_malformed',
      `${JSON.stringify(vkey)} is not a verifier key <name>+<key ID>+<base64 key>`,
    );
  if (bytes.length !== 33 || bytes[0] !== COSIGNATURE_V1)
    throw new MecError(
      'checkpoint_malformed',
      `the verifier key of ${name} is not an Ed25519 cosignature key (type 0x04, 32 bytes)`,
    );
  const raw = bytes.subarray(1);
  const expected = keyIdOf(name, raw, COSIGNATURE_V1);
  if (expected !== keyId)
    throw new MecError(
      'checkpoint_malformed',
      `the verifier key of ${name} has key ID ${keyId}, but its key hashes to ${expected}`,
    );
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
  return { name, keyId, publicKey };
}

/** Splits a cosignature's bytes (what follows the key ID); undefined when they are not 72 bytes. */
export function readCosignature(signature: Buffer): Cosignature | undefined {
  if (signature.length !== SIGNATURE_BYTES) return undefined;
  const timestamp = signature.readBigUInt64BE(0);
  // The spec allows up to 2^63 - 1; anything past 2^53 seconds is hundreds of millions of years away.
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return { timestampSeconds: Number(timestamp), signature: signature.subarray(8) };
}

/**
 * Whether `cosignature`, a parsed signature line, is a valid cosignature by `verifier` of the checkpoint
 * whose note text is `checkpointText` (with its final newline). A line by another name or key ID is not
 * the verifier's, and counts as false: the caller ignores it rather than failing the note.
 */
export function verifyCosignature(
  cosignature: NoteSignature,
  checkpointText: string,
  verifier: CosignatureVerifier,
): boolean {
  if (!isBy(cosignature, verifier)) return false;
  const read = readCosignature(cosignature.signature);
  if (!read) return false;
  const message = Buffer.from(cosignedMessage(checkpointText, read.timestampSeconds));
  return verify(null, message, verifier.publicKey, read.signature);
}

/** Whether a signature line names the verifier's key (its name and key ID), valid or not. */
export function isBy(signature: NoteSignature, verifier: { name: string; keyId: string }): boolean {
  return signature.name === verifier.name && signature.keyId === verifier.keyId;
}

/**
 * A cosignature of `checkpointText` at `timestampSeconds` (POSIX seconds) by the cosigner `name`, as a
 * parsed signature line; `formatNote` writes it out. For the witness stand-in and tests: mec-bot itself
 * never cosigns.
 */
export function cosign(
  checkpointText: string,
  cosigner: { name: string; privateKey: KeyObject },
  timestampSeconds: number,
): NoteSignature {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0)
    throw new MecError('invariant_violated', `${timestampSeconds} is not a POSIX timestamp in seconds`);
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(timestampSeconds));
  const signed = sign(
    null,
    Buffer.from(cosignedMessage(checkpointText, timestampSeconds)),
    cosigner.privateKey,
  );
  const raw = rawPublicKey(createPublicKey(cosigner.privateKey));
  return {
    name: cosigner.name,
    keyId: keyIdOf(cosigner.name, raw, COSIGNATURE_V1),
    signature: Buffer.concat([timestamp, signed]),
  };
}

import { createPublicKey, hash, type KeyObject, verify } from 'node:crypto';
import { MecError } from './errors.js';

/**
 * Checkpoints in the C2SP `tlog-checkpoint` format, as C2SP `signed-note` notes with Ed25519
 * signatures:
 *
 *     <origin>\n<tree size>\n<base64 root hash>\n
 *     \n
 *     — <key name> base64(key ID || signature)\n
 *
 * The key ID is the first four bytes of SHA-256(key name || 0x0A || 0x01 || public key); a verifier key
 * is written `<name>+<key ID hex>+<base64(0x01 || public key)>`, as Go's `note` package reads it.
 */

const ED25519 = 0x01;
const SIGNATURE_PREFIX = '— ';
/** A key name or origin: no spaces, no '+', as the signed-note spec asks. */
const NAME = /^[^\s+]+$/;

export interface Checkpoint {
  origin: string;
  size: number;
  /** The tree's root hash, 32 bytes. */
  root: Buffer;
}

export interface NoteSignature {
  name: string;
  /** The four-byte key ID, as eight hex digits. */
  keyId: string;
  /** What follows the key ID. */
  signature: Buffer;
}

/** A signed note split into its text and its signature lines. */
export interface SignedNote {
  text: string;
  signatures: NoteSignature[];
}

export interface NoteVerifier {
  name: string;
  keyId: string;
  publicKey: KeyObject;
}

export function checkpointText({ origin, size, root }: Checkpoint): string {
  return `${origin}\n${size}\n${root.toString('base64')}\n`;
}

/** Reads a checkpoint note's text; extension lines after the root are allowed and ignored. */
export function parseCheckpoint(text: string): Checkpoint {
  const [origin = '', size = '', root = ''] = text.split('\n');
  if (!NAME.test(origin))
    throw new MecError('checkpoint_malformed', `the origin line ${JSON.stringify(origin)} is not a log name`);
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size)))
    throw new MecError(
      'checkpoint_malformed',
      `the size line ${JSON.stringify(size)} is not a decimal number`,
    );
  const rootHash = Buffer.from(root, 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== root)
    throw new MecError(
      'checkpoint_malformed',
      `the root line ${JSON.stringify(root)} is not a base64 SHA-256 hash`,
    );
  return { origin, size: Number(size), root: rootHash };
}

/** Splits a signed note; its text keeps its final newline. */
export function parseNote(note: string): SignedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n'))
    throw new MecError('checkpoint_malformed', 'a signed note ends with a blank line and signatures');
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2, -1)
    .split('\n')
    .map(parseSignatureLine);
  return { text, signatures };
}

export function formatNote({ text, signatures }: SignedNote): string {
  const lines = signatures.map(
    ({ name, keyId, signature }) =>
      `${SIGNATURE_PREFIX}${name} ${Buffer.concat([Buffer.from(keyId, 'hex'), signature]).toString('base64')}\n`,
  );
  return `${text}\n${lines.join('')}`;
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX))
    throw new MecError('checkpoint_malformed', `${JSON.stringify(line)} is not a signature line`);
  const [name = '', encoded = '', ...rest] = line.slice(SIGNATURE_PREFIX.length).split(' ');
  const bytes = Buffer.from(encoded, 'base64');
  if (!NAME.test(name) || rest.length > 0 || bytes.length < 5 || bytes.toString('base64') !== encoded)
    throw new MecError('checkpoint_malformed', `${JSON.stringify(line)} is not a signature line`);
  return { name, keyId: bytes.subarray(0, 4).toString('hex'), signature: bytes.subarray(4) };
}

/** The signed-note key ID of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || key)[:4], as hex. */
export function keyIdOf(name: string, rawPublicKey: Uint8Array, type = ED25519): string {
  const digest = hash(
    'sha256',
    Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([type]), rawPublicKey]),
    'buffer',
  );
  return digest.subarray(0, 4).toString('hex');
}

/** The 32 raw bytes of an Ed25519 public key. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  const { x } = publicKey.export({ format: 'jwk' });
  return Buffer.from(x as string, 'base64url');
}

/** The verifier key text `<name>+<key ID>+<base64(0x01 || key)>` of an Ed25519 public key. */
export function verifierKeyOf(name: string, publicKey: KeyObject): string {
  const raw = rawPublicKey(publicKey);
  return `${name}+${keyIdOf(name, raw)}+${Buffer.concat([Buffer.from([ED25519]), raw]).toString('base64')}`;
}

/** Reads a verifier key; throws naming what is wrong with it. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  // Only the first two '+' separate fields: the base64 key may hold '+' of its own.
  const [name = '', keyId = ''] = vkey.split('+', 2);
  const bytes = Buffer.from(vkey.slice(name.length + keyId.length + 2), 'base64');
  if (!NAME.test(name) || !/^[0-9a-f]{8}$/.test(keyId) || vkey.split('+').length < 3)
    throw new MecError(
      'checkpoint_malformed',
      `${JSON.stringify(vkey)} is not a verifier key <name>+<key ID>+<base64 key>`,
    );
  if (bytes.length !== 33 || bytes[0] !== ED25519)
    throw new MecError(
      'checkpoint_malformed',
      `the verifier key of ${name} is not an Ed25519 key (type 0x01, 32 bytes)`,
    );
  const raw = bytes.subarray(1);
  if (keyIdOf(name, raw) !== keyId)
    throw new MecError(
      'checkpoint_malformed',
      `the verifier key of ${name} has key ID ${keyId}, but its key hashes to ${keyIdOf(name, raw)}`,
    );
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
  return { name, keyId, publicKey };
}

/**
 * Whether `note` carries a valid signature by `verifier`. A signature by the verifier's name and key ID
 * that does not verify fails the note, as the spec asks; signatures by other keys are ignored.
 */
export function verifyNote(note: SignedNote, verifier: NoteVerifier): boolean {
  const ours = note.signatures.filter(
    (signature) => signature.name === verifier.name && signature.keyId === verifier.keyId,
  );
  return (
    ours.length > 0 &&
    ours.every((signature) => verify(null, Buffer.from(note.text), verifier.publicKey, signature.signature))
  );
}

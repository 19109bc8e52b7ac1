import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkpointText,
  formatNote,
  keyIdOf,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  verifierKeyOf,
  verifyNote,
} from '../../src/domain/checkpoint-note.js';

// The test key and note of Go's golang.org/x/mod/sumdb/note, which C2SP signed-note describes.
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SEED = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
const PETER_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_NOTE = `${PETER_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const peterKey = createPrivateKey({
  key: Buffer.concat([PKCS8_ED25519, PETER_SEED]),
  format: 'der',
  type: 'pkcs8',
});

describe('signed notes', () => {
  it("verify Go's reference note with its verifier key", () => {
    const note = parseNote(PETER_NOTE);
    expect(note.text).toBe(PETER_TEXT);
    expect(verifyNote(note, parseVerifierKey(PETER_VKEY))).toBe(true);
  });

  it("sign to Go's exact bytes, and derive Go's verifier key from the private key", () => {
    const verifier = parseVerifierKey(PETER_VKEY);
    const signature = sign(null, Buffer.from(PETER_TEXT), peterKey);
    const note = formatNote({
      text: PETER_TEXT,
      signatures: [{ name: 'PeterNeumann', keyId: verifier.keyId, signature }],
    });
    expect(note).toBe(PETER_NOTE);
    expect(verifierKeyOf('PeterNeumann', createPublicKey(peterKey))).toBe(PETER_VKEY);
    expect(
      keyIdOf(
        'PeterNeumann',
        Buffer.from('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'base64').subarray(1),
      ),
    ).toBe('c74f20a3');
  });

  it('fail a changed text, a changed signature, and a note signed by another key of the same name', () => {
    const verifier = parseVerifierKey(PETER_VKEY);
    expect(verifyNote(parseNote(PETER_NOTE.replace('answer', 'question')), verifier)).toBe(false);
    const note = parseNote(PETER_NOTE);
    const [signature] = note.signatures;
    if (!signature) throw new Error('no signature');
    const flipped = Buffer.from(signature.signature);
    flipped[0] = (flipped[0] as number) ^ 1;
    expect(verifyNote({ ...note, signatures: [{ ...signature, signature: flipped }] }, verifier)).toBe(false);
    expect(verifyNote({ ...note, signatures: [{ ...signature, keyId: '00000000' }] }, verifier)).toBe(false);
  });

  it.each([
    ['no blank line', 'text\n— a AAAAAAA=\n'],
    ['no signature', 'text\n\n'],
    ['a line that is not a signature', 'text\n\nsigned by me\n'],
    ['a name with a plus', 'text\n\n— a+b AAAAAAA=\n'],
  ])('refuse a note with %s', (_, note) => {
    expect(() => parseNote(note)).toThrow(/signed note|signature line/);
  });

  it("read a verifier key whose base64 holds a '+', which is no field separator", () => {
    const vkey = 'mec.example/ledger+bc134744+AROY9ixtGkV8UbpqS189vS9p/KkyFiGNyJl+QWvRfZPK';
    expect(verifierKeyOf('mec.example/ledger', parseVerifierKey(vkey).publicKey)).toBe(vkey);
  });

  it.each([
    ['a name with a space', 'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['a wrong key ID', 'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['another key type', 'PeterNeumann+c74f20a3+Alpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['a short key', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10'],
  ])('refuse a verifier key with %s', (_, vkey) => {
    expect(() => parseVerifierKey(vkey)).toThrow();
  });
});

describe('checkpoints', () => {
  it('write origin, size and base64 root on three lines, and read them back', () => {
    const root = Buffer.from('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328', 'hex');
    const text = checkpointText({ origin: 'example.com/mec-ledger', size: 8, root });
    expect(text).toBe('example.com/mec-ledger\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n');
    expect(parseCheckpoint(text)).toEqual({ origin: 'example.com/mec-ledger', size: 8, root });
  });

  it.each([
    ['an origin with a space', 'a b\n1\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n'],
    ['a size with a leading zero', 'a\n01\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n'],
    ['a negative size', 'a\n-1\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n'],
    ['a short root', 'a\n1\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQ==\n'],
  ])('refuse a checkpoint with %s', (_, text) => {
    expect(() => parseCheckpoint(text)).toThrow();
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkpointText, formatNote, parseNote } from '../../src/domain/checkpoint-note.js';
import {
  cosign,
  cosignatureVerifierKeyOf,
  cosignedMessage,
  parseCosignatureVerifierKey,
  readCosignature,
  verifyCosignature,
} from '../../src/domain/cosignature.js';

// A cosigner's verifier key published in transparency-dev/formats' tests (a real witness, remora).
const REMORA_VKEY = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
// The example cosignature line of C2SP tlog-cosignature, made at the spec's "time 1679315147".
const SPEC_COSIGNATURE =
  'jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';
// A cosignature from transparency-dev/formats' timestamp test, made at 1727964367.
const FORMATS_COSIGNATURE =
  'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==';

const TEXT = checkpointText({ origin: 'mec.example/ledger', size: 7, root: Buffer.alloc(32, 7) });
const witnessKey = generateKeyPairSync('ed25519');
const witness = { name: 'witness.example/w1', privateKey: witnessKey.privateKey };
const witnessVerifier = parseCosignatureVerifierKey(
  cosignatureVerifierKeyOf(witness.name, witnessKey.publicKey),
);

describe('cosignature verifier keys', () => {
  it("read a published cosigner key and check its key ID against the spec's hash", () => {
    const verifier = parseCosignatureVerifierKey(REMORA_VKEY);
    expect(verifier.name).toBe('remora.n621.de');
    expect(verifier.keyId).toBe('da77ade7');
    expect(cosignatureVerifierKeyOf(verifier.name, verifier.publicKey)).toBe(REMORA_VKEY);
  });

  it("read a key whose base64 holds a '+', which is no field separator", () => {
    const vkey = 'witness.example/w1+fea3b187+BBOY9ixtGkV8UbpqS189vS9p/KkyFiGNyJl+QWvRfZPK';
    const verifier = parseCosignatureVerifierKey(vkey);
    expect(verifier.keyId).toBe('fea3b187');
    expect(cosignatureVerifierKeyOf(verifier.name, verifier.publicKey)).toBe(vkey);
  });

  it.each([
    ['a checkpoint-signing key (type 0x01)', 'TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6'],
    ['a wrong key ID', REMORA_VKEY.replace('da77ade7', 'da77ade8')],
    ['a missing key', 'remora.n621.de+da77ade7'],
    ['a key ID that is not hex', 'remora.n621.de+NOT_A_ID+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2'],
    ['a short key', 'remora.n621.de+da77ade7+BOvN63jn'],
    ['text that is not base64', 'remora.n621.de+da77ade7+THIS_IS_NOT_BASE64!'],
  ])('refuse %s', (_, vkey) => {
    expect(() => parseCosignatureVerifierKey(vkey)).toThrow(
      expect.objectContaining({ code: 'checkpoint_malformed' }),
    );
  });
});

describe('cosignatures', () => {
  it.each([
    [SPEC_COSIGNATURE, 1679315147],
    [FORMATS_COSIGNATURE, 1727964367],
  ])('read the timestamp of a published cosignature', (encoded, timestampSeconds) => {
    const bytes = Buffer.from(encoded, 'base64');
    expect(readCosignature(bytes.subarray(4))?.timestampSeconds).toBe(timestampSeconds);
  });

  it('refuse a plain Ed25519 note signature as a cosignature: it has no timestamp', () => {
    const plain = Buffer.from(
      'eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=',
      'base64',
    );
    expect(readCosignature(plain.subarray(4))).toBeUndefined();
  });

  it("sign the spec's message: the header line, the time line, then the checkpoint text", () => {
    expect(cosignedMessage(TEXT, 1679315147)).toBe(
      `cosignature/v1\ntime 1679315147\nmec.example/ledger\n7\n${Buffer.alloc(32, 7).toString('base64')}\n`,
    );
  });

  it('verify with the witness key, through a formatted and re-parsed note line', () => {
    const line = cosign(TEXT, witness, 1_800_000_000);
    const [parsed] = parseNote(formatNote({ text: TEXT, signatures: [line] })).signatures;
    if (!parsed) throw new Error('no signature line');
    expect(parsed.keyId).toBe(witnessVerifier.keyId);
    expect(readCosignature(parsed.signature)?.timestampSeconds).toBe(1_800_000_000);
    expect(verifyCosignature(parsed, TEXT, witnessVerifier)).toBe(true);
  });

  it('fail with another key, another text, another timestamp, or a flipped byte', () => {
    const line = cosign(TEXT, witness, 1_800_000_000);
    const other = generateKeyPairSync('ed25519').publicKey;
    const impostor = parseCosignatureVerifierKey(cosignatureVerifierKeyOf(witness.name, other));
    expect(verifyCosignature(line, TEXT, impostor)).toBe(false);
    expect(verifyCosignature(line, TEXT.replace('\n7\n', '\n8\n'), witnessVerifier)).toBe(false);
    const later = Buffer.from(line.signature);
    later.writeBigUInt64BE(1_800_000_001n);
    expect(verifyCosignature({ ...line, signature: later }, TEXT, witnessVerifier)).toBe(false);
    const flipped = Buffer.from(line.signature);
    flipped[20] = (flipped[20] as number) ^ 1;
    expect(verifyCosignature({ ...line, signature: flipped }, TEXT, witnessVerifier)).toBe(false);
  });

  it("do not count a line under another key ID or name as the verifier's", () => {
    const line = cosign(TEXT, witness, 0);
    expect(verifyCosignature({ ...line, keyId: '00000000' }, TEXT, witnessVerifier)).toBe(false);
    expect(verifyCosignature({ ...line, name: 'witness.example/w2' }, TEXT, witnessVerifier)).toBe(false);
  });
});

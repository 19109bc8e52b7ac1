import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Ed25519CheckpointSigner } from '../../../src/adapters/node-crypto/ed25519-checkpoint-signer.js';
import {
  checkpointText,
  keyIdOf,
  parseVerifierKey,
  rawPublicKey,
  verifierKeyOf,
  verifyNote,
} from '../../../src/domain/checkpoint-note.js';
import { testLedgerKey } from '../../support/ledger-key.js';

const ORIGIN = 'mec.test/release-ledger';
const TEXT = checkpointText({ origin: ORIGIN, size: 3, root: Buffer.alloc(32, 7) });

describe('Ed25519CheckpointSigner', () => {
  it('signs notes that verify under its own verifier key, and not once the text changes', () => {
    const signer = new Ed25519CheckpointSigner(ORIGIN, testLedgerKey());
    const verifier = parseVerifierKey(signer.verifierKey);
    const signature = { name: ORIGIN, keyId: signer.keyId, signature: signer.sign(TEXT) };
    expect(verifyNote({ text: TEXT, signatures: [signature] }, verifier)).toBe(true);
    const other = TEXT.replace('\n3\n', '\n4\n');
    expect(verifyNote({ text: other, signatures: [signature] }, verifier)).toBe(false);
  });

  it('has the key ID and verifier key the domain computes for its public key and name', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const signer = new Ed25519CheckpointSigner(ORIGIN, privateKey);
    const publicKey = createPublicKey(privateKey);
    expect(signer.name).toBe(ORIGIN);
    expect(signer.keyId).toBe(keyIdOf(ORIGIN, rawPublicKey(publicKey)));
    expect(signer.verifierKey).toBe(verifierKeyOf(ORIGIN, publicKey));
  });

  it('matches the example config: the test key under its origin is its ledger.publicKey', () => {
    const signer = new Ed25519CheckpointSigner('mec.example.com/release-ledger', testLedgerKey());
    expect(signer.verifierKey).toBe(
      'mec.example.com/release-ledger+043a9c0a+AZ8cjEDsbwtVbKwU6O/lSz8odzZSkvrpk37gvnuMlblu',
    );
  });

  it('puts none of the private key into JSON, only the verifier key', () => {
    const privateKey = testLedgerKey();
    const signer = new Ed25519CheckpointSigner(ORIGIN, privateKey);
    const json = JSON.stringify({ signer });
    const { d } = privateKey.export({ format: 'jwk' });
    const der = privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer;
    expect(JSON.parse(json)).toEqual({ signer: { verifierKey: signer.verifierKey } });
    for (const secret of [d as string, der.subarray(-32).toString('base64'), der.toString('base64')])
      expect(json).not.toContain(secret);
  });
});

import { createPublicKey, type KeyObject, sign } from 'node:crypto';
import type { CheckpointSigner } from '../../app/ports/checkpoint-signer.js';
import { keyIdOf, rawPublicKey, verifierKeyOf } from '../../domain/checkpoint-note.js';

/** Signs checkpoints with an Ed25519 key held in this process only (node:crypto). */
export class Ed25519CheckpointSigner implements CheckpointSigner {
  readonly name: string;
  readonly keyId: string;
  readonly verifierKey: string;
  readonly #privateKey: KeyObject;

  constructor(name: string, privateKey: KeyObject) {
    const publicKey = createPublicKey(privateKey);
    this.name = name;
    this.keyId = keyIdOf(name, rawPublicKey(publicKey));
    this.verifierKey = verifierKeyOf(name, publicKey);
    this.#privateKey = privateKey;
  }

  sign(text: string): Buffer {
    return sign(null, Buffer.from(text), this.#privateKey);
  }

  /** Nothing of the key in logs or JSON: only its public name. */
  toJSON(): { verifierKey: string } {
    return { verifierKey: this.verifierKey };
  }
}

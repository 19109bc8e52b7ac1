/**
 * The ledger's Ed25519 signing key, as signed-note signatures need it. The private key never leaves
 * the adapter: only signatures do.
 */
export interface CheckpointSigner {
  /** The key name, which is the log's origin. */
  readonly name: string;
  /** The signed-note key ID, eight hex digits. */
  readonly keyId: string;
  /** The verifier key `<name>+<key ID>+<base64 key>`, as the config names it. */
  readonly verifierKey: string;
  /** The Ed25519 signature of `text`'s UTF-8 bytes. */
  sign(text: string): Buffer;
}

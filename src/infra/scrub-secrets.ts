/** What stands in for a secret in scrubbed text. */
const REDACTED = '[redacted]';

/**
 * `text` with every occurrence of each secret replaced by `[redacted]`. Longer secrets go first, so a
 * secret that contains a shorter one is replaced whole; empty secrets are ignored.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  const ordered = [...new Set(secrets.filter((secret) => secret !== ''))].sort((a, b) => b.length - a.length);
  return ordered.reduce((scrubbed, secret) => scrubbed.replaceAll(secret, REDACTED), text);
}

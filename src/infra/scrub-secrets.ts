/** What stands in for a secret in scrubbed text. */
export const REDACTED = '[redacted]';

/**
 * `text` with every occurrence of each secret replaced by `[redacted]`. Longer secrets go first, so a
 * secret that contains a shorter one is replaced whole; empty secrets are ignored.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  const ordered = [...new Set(secrets.filter((secret) => secret !== ''))].sort((a, b) => b.length - a.length);
  return ordered.reduce((scrubbed, secret) => scrubbed.replaceAll(secret, REDACTED), text);
}

/**
 * Shapes of secrets that can be recognised without knowing them: Slack tokens (bot, user, app-level,
 * refresh, configuration), a response_url or incoming webhook (whoever holds one may post as the bot),
 * a bearer credential, and the password in a URL's user info (`redis://:secret@host`).
 */
const SECRET_SHAPES: ReadonlyArray<[RegExp, string]> = [
  [/\bxox[a-z]-[A-Za-z0-9-]+/g, REDACTED],
  [/\bxapp-[A-Za-z0-9-]+/g, REDACTED],
  [/https?:\/\/hooks\.slack\.com\/[^\s"'<>]*/gi, REDACTED],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/:@]*:[^\s/@]+@/gi, `$1${REDACTED}@`],
];

/** `text` with everything that has the shape of a secret (see SECRET_SHAPES) replaced by `[redacted]`. */
export function scrubSecretShapes(text: string): string {
  return SECRET_SHAPES.reduce((scrubbed, [shape, replacement]) => scrubbed.replace(shape, replacement), text);
}

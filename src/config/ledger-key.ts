import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { verifierKeyOf } from '../domain/checkpoint-note.js';
import type { LedgerConfig } from './ledger-config.js';

/** Where the sandbox keeps the ledger key it made itself, relative to the working directory. */
export const SANDBOX_LEDGER_KEY = '.mec-sandbox/ledger-key.pem';

export type LedgerKeyResult =
  | { ok: true; privateKey: KeyObject; verifierKey: string }
  | { ok: false; problem: string };

/**
 * The ledger's Ed25519 signing key: MEC_LEDGER_KEY as a PEM, or the path of one. The sandbox, given
 * none, makes its own on first start and keeps it (mode 0600) for the next. The key must be the one
 * whose verifier key the config names. No message ever quotes the key itself.
 */
export async function loadLedgerKey(
  value: string | undefined,
  ledger: LedgerConfig,
  options: { cwd: string; sandbox: boolean },
): Promise<LedgerKeyResult> {
  let pem: string;
  if (value?.trim()) {
    const inline = value.trimStart().startsWith('-----BEGIN');
    try {
      // A PEM pasted into an env file often starts on the line after the quote; node:crypto refuses that.
      pem = inline ? value.trimStart() : await readFile(resolve(options.cwd, value), 'utf8');
    } catch (error) {
      return problem(`cannot read the file it names (${(error as NodeJS.ErrnoException).code ?? error})`);
    }
  } else if (options.sandbox) {
    pem = await sandboxKey(resolve(options.cwd, SANDBOX_LEDGER_KEY));
  } else {
    return problem(
      'is not set; give the Ed25519 private key that signs ledger checkpoints, as a PEM or the path of one (npm run ledger-key -- --out FILE makes one)',
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    return problem(
      'is not a private key in PEM form; give a PKCS#8 Ed25519 key (npm run ledger-key makes one)',
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    return problem(`is a ${privateKey.asymmetricKeyType} key; checkpoints are signed with Ed25519 only`);
  const verifierKey = verifierKeyOf(ledger.origin, createPublicKey(privateKey));
  if (ledger.publicKey === undefined && !options.sandbox)
    return problem(`has no verifier key in the config; set ledger.publicKey to ${verifierKey}`);
  if (ledger.publicKey !== undefined && ledger.publicKey !== verifierKey)
    return problem(
      `is not the key of ledger.publicKey (${ledger.publicKey}); its verifier key under origin ${ledger.origin} is ${verifierKey}`,
    );
  return { ok: true, privateKey, verifierKey };
}

/**
 * The sandbox's own key. It is written whole under a name of its own, then linked into place, which
 * fails if another process got there first: so a reader never sees a half-written key, and two
 * processes starting at once keep the same one.
 */
async function sandboxKey(path: string): Promise<string> {
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing !== undefined) return existing;
  const { privateKey } = generateKeyPairSync('ed25519');
  await mkdir(dirname(path), { recursive: true });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, pem, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
    return pem;
  } catch {
    return readFile(path, 'utf8');
  } finally {
    await rm(temporary, { force: true });
  }
}

const problem = (text: string): LedgerKeyResult => ({ ok: false, problem: `env MEC_LEDGER_KEY: ${text}` });

/** The verifier key of the sandbox's own ledger key, when the sandbox has made one. */
export async function sandboxVerifierKey(cwd: string, origin: string): Promise<string | undefined> {
  const pem = await readFile(resolve(cwd, SANDBOX_LEDGER_KEY), 'utf8').catch(() => undefined);
  return pem === undefined ? undefined : verifierKeyOf(origin, createPublicKey(createPrivateKey(pem)));
}

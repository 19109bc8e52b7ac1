import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LedgerConfig } from '../../src/config/ledger-config.js';
import {
  type LedgerKeyResult,
  loadLedgerKey,
  SANDBOX_LEDGER_KEY,
  sandboxVerifierKey,
} from '../../src/config/ledger-key.js';
import { verifierKeyOf } from '../../src/domain/checkpoint-note.js';
import { TEST_LEDGER_KEY_PATH } from '../support/ledger-key.js';

const ORIGIN = 'mec.example.com/release-ledger';
const PUBLIC_KEY = `${ORIGIN}+043a9c0a+AZ8cjEDsbwtVbKwU6O/lSz8odzZSkvrpk37gvnuMlblu`;
const LEDGER: LedgerConfig = { origin: ORIGIN, publicKey: PUBLIC_KEY };
const PEM = await readFile(TEST_LEDGER_KEY_PATH, 'utf8');

const tempDir = () => mkdtemp(join(tmpdir(), 'mec-ledger-key-'));
const pemOf = (key: KeyObject) => key.export({ format: 'pem', type: 'pkcs8' }).toString();
/** The PEM's base64 lines, any of which in a message would leak the key. */
const secretLines = (pem: string) => pem.split('\n').filter((line) => line && !line.startsWith('-----'));

function problemOf(result: LedgerKeyResult): string {
  if (result.ok) throw new Error('expected a problem, got a key');
  for (const line of secretLines(PEM)) expect(result.problem).not.toContain(line);
  return result.problem;
}

describe('loadLedgerKey', () => {
  it('takes the key as a PEM inline or as a path, relative to the working directory', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'key.pem'), PEM);
    for (const value of [PEM, `\n  ${PEM}`, 'key.pem', TEST_LEDGER_KEY_PATH]) {
      const result = await loadLedgerKey(value, LEDGER, { cwd, sandbox: false });
      if (!result.ok) throw new Error(result.problem);
      expect(result.verifierKey).toBe(PUBLIC_KEY);
      expect(result.privateKey.asymmetricKeyType).toBe('ed25519');
    }
  });

  it('names the error code when the path cannot be read', async () => {
    const result = await loadLedgerKey('no-such-key.pem', LEDGER, { cwd: await tempDir(), sandbox: false });
    expect(problemOf(result)).toBe('env MEC_LEDGER_KEY: cannot read the file it names (ENOENT)');
  });

  it('refuses a file that is no private key, without quoting it', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'public.pem'), PEM.replace('PRIVATE KEY', 'PUBLIC KEY'));
    const result = await loadLedgerKey('public.pem', LEDGER, { cwd, sandbox: false });
    expect(problemOf(result)).toContain('is not a private key in PEM form');
    const inline = await loadLedgerKey(`${PEM.slice(0, 60)}`, LEDGER, { cwd, sandbox: false });
    expect(problemOf(inline)).toContain('is not a private key in PEM form');
  });

  it.each([
    ['rsa', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey],
    ['ec', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
  ])('refuses an %s key: checkpoints are Ed25519 only', async (type, make) => {
    const pem = pemOf(make());
    const result = await loadLedgerKey(pem, LEDGER, { cwd: await tempDir(), sandbox: false });
    if (result.ok) throw new Error('accepted');
    expect(result.problem).toBe(
      `env MEC_LEDGER_KEY: is a ${type} key; checkpoints are signed with Ed25519 only`,
    );
    for (const line of secretLines(pem)) expect(result.problem).not.toContain(line);
  });

  it("refuses a key that is not ledger.publicKey's, naming the verifier key it has", async () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const result = await loadLedgerKey(pemOf(other), LEDGER, { cwd: await tempDir(), sandbox: true });
    const expected = verifierKeyOf(ORIGIN, other);
    if (result.ok) throw new Error('accepted');
    expect(result.problem).toContain(`is not the key of ledger.publicKey (${PUBLIC_KEY})`);
    expect(result.problem).toContain(`its verifier key under origin ${ORIGIN} is ${expected}`);
    for (const line of secretLines(pemOf(other))) expect(result.problem).not.toContain(line);
  });

  it('asks for ledger.publicKey outside the sandbox, giving the line to set', async () => {
    const result = await loadLedgerKey(PEM, { origin: ORIGIN }, { cwd: await tempDir(), sandbox: false });
    expect(problemOf(result)).toBe(
      `env MEC_LEDGER_KEY: has no verifier key in the config; set ledger.publicKey to ${PUBLIC_KEY}`,
    );
  });

  it.each([undefined, '', '   '])('asks for the key when it is %j outside the sandbox', async (value) => {
    const cwd = await tempDir();
    const result = await loadLedgerKey(value, LEDGER, { cwd, sandbox: false });
    expect(problemOf(result)).toMatch(/^env MEC_LEDGER_KEY: is not set; .*npm run ledger-key -- --out FILE/);
    await expect(stat(join(cwd, SANDBOX_LEDGER_KEY))).rejects.toThrow();
  });

  it('makes the sandbox its own key once, mode 0600, and uses the same one on the next start', async () => {
    const cwd = await tempDir();
    const sandbox = { origin: ORIGIN };
    expect(await sandboxVerifierKey(cwd, ORIGIN)).toBeUndefined();
    const first = await loadLedgerKey(undefined, sandbox, { cwd, sandbox: true });
    if (!first.ok) throw new Error(first.problem);
    const path = join(cwd, SANDBOX_LEDGER_KEY);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const written = await readFile(path, 'utf8');
    const second = await loadLedgerKey('', sandbox, { cwd, sandbox: true });
    if (!second.ok) throw new Error(second.problem);
    expect(second.verifierKey).toBe(first.verifierKey);
    expect(await readFile(path, 'utf8')).toBe(written);
    expect(first.verifierKey).toBe(verifierKeyOf(ORIGIN, createPrivateKey(written)));
    expect(await sandboxVerifierKey(cwd, ORIGIN)).toBe(first.verifierKey);
  });

  it('gives two sandbox processes starting at once the same key', async () => {
    for (let round = 0; round < 20; round++) {
      const cwd = await tempDir();
      const results = await Promise.all(
        [1, 2, 3].map(() => loadLedgerKey(undefined, { origin: ORIGIN }, { cwd, sandbox: true })),
      );
      const keys = results.map((result) => (result.ok ? result.verifierKey : result.problem));
      expect(new Set(keys).size).toBe(1);
      expect(keys[0]).toBe(await sandboxVerifierKey(cwd, ORIGIN));
    }
  });
});

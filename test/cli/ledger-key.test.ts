import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { verifierKeyOf } from '../../src/domain/checkpoint-note.js';
import { TEST_LEDGER_KEY_PATH } from '../support/ledger-key.js';

const run = promisify(execFile);
const ORIGIN = 'mec.example.com/release-ledger';

async function ledgerKey(...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['--import', 'tsx', 'src/cli/ledger-key.ts', ...args], {
      env: { PATH: process.env.PATH, MEC_CONFIG: 'examples/m6/mec.config.yml' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const publicKeyLine = (stdout: string) => stdout.split('\n').find((line) => line.startsWith('  publicKey: '));

describe('npm run ledger-key', () => {
  it('makes a 0600 Ed25519 key with --out, whose --public line is the same, and never overwrites it', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'mec-ledger-key-cli-')), 'ledger.pem');
    const made = await ledgerKey('--out', path);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(`Wrote ${path}.`);
    expect(made.stdout).toContain(`ledger:\n  origin: ${ORIGIN}\n`);
    const pem = await readFile(path, 'utf8');
    expect(createPrivateKey(pem).asymmetricKeyType).toBe('ed25519');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(publicKeyLine(made.stdout)).toBe(`  publicKey: ${verifierKeyOf(ORIGIN, createPrivateKey(pem))}`);
    expect(made.stdout).not.toContain(pem.split('\n')[1]);

    const shown = await ledgerKey('--public', path);
    expect(shown.code).toBe(0);
    expect(publicKeyLine(shown.stdout)).toBe(publicKeyLine(made.stdout));

    const again = await ledgerKey('--out', path);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Failed: EEXIST');
    expect(await readFile(path, 'utf8')).toBe(pem);
  });

  it("prints the example config's publicKey for the test key", async () => {
    const shown = await ledgerKey('--public', TEST_LEDGER_KEY_PATH);
    expect(publicKeyLine(shown.stdout)).toBe(
      `  publicKey: ${ORIGIN}+043a9c0a+AZ8cjEDsbwtVbKwU6O/lSz8odzZSkvrpk37gvnuMlblu`,
    );
  });

  it('exits 1 for a file that is not a key, and 2 with the usage for bad flags', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'mec-ledger-key-cli-')), 'not-a-key.pem');
    await writeFile(path, 'hello\n');
    expect((await ledgerKey('--public', path)).code).toBe(1);
    for (const args of [[], ['--out'], ['--show', path]]) {
      const result = await ledgerKey(...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('usage: npm run ledger-key -- --out FILE | --public FILE');
    }
  });
});

import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { loadSettings } from '../config/load-settings.js';
import { verifierKeyOf } from '../domain/checkpoint-note.js';

// `npm run ledger-key -- --out FILE` makes an Ed25519 key for MEC_LEDGER_KEY (mode 0600, never
// overwriting) and prints the ledger.publicKey line for the config; `--public FILE` prints that line
// for a key made before. The origin is the config's ledger.origin.
const [flag, path] = process.argv.slice(2);
const settings = await loadSettings(process.env);
if ((flag !== '--out' && flag !== '--public') || !path) {
  console.error('usage: npm run ledger-key -- --out FILE | --public FILE');
  process.exitCode = 2;
} else if (!settings.ok) {
  console.error(
    `Configuration problems:\n${settings.problems.map((problem) => `  - ${problem}`).join('\n')}`,
  );
  process.exitCode = 2;
} else {
  const { origin } = settings.settings.config.ledger;
  try {
    let pem: string;
    if (flag === '--out') {
      pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      await writeFile(path, pem, { mode: 0o600, flag: 'wx' });
      console.log(`Wrote ${path}. Set MEC_LEDGER_KEY to it (or to its content), and put this in the config:`);
    } else pem = await readFile(path, 'utf8');
    console.log(
      `ledger:\n  origin: ${origin}\n  publicKey: ${verifierKeyOf(origin, createPublicKey(createPrivateKey(pem)))}`,
    );
  } catch (error) {
    console.error(`Failed: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    process.exitCode = 1;
  }
}

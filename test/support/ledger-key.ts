import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The example config's test key: its verifier key is the `ledger.publicKey` of examples/m6. */
export const TEST_LEDGER_KEY_PATH = resolve('test/fixtures/ledger-key.pem');

export const testLedgerKey = (): KeyObject => createPrivateKey(readFileSync(TEST_LEDGER_KEY_PATH, 'utf8'));

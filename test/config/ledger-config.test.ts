import { describe, expect, it } from 'vitest';
import { ledgerConfig } from '../../src/config/ledger-config.js';

const ORIGIN = 'mec.example.com/release-ledger';
const PUBLIC_KEY = `${ORIGIN}+043a9c0a+AZ8cjEDsbwtVbKwU6O/lSz8odzZSkvrpk37gvnuMlblu`;

const problems = (input: unknown) => {
  const result = ledgerConfig.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('the ledger config', () => {
  it('takes an origin and its verifier key, and no witness by default', () => {
    expect(ledgerConfig.parse({ origin: ORIGIN, publicKey: PUBLIC_KEY })).toEqual({
      origin: ORIGIN,
      publicKey: PUBLIC_KEY,
    });
    expect(ledgerConfig.parse({ origin: ORIGIN })).toEqual({ origin: ORIGIN });
  });

  it.each([
    ['a space', 'mec.example.com/release ledger'],
    ['a plus', 'mec.example.com+ledger'],
    ['nothing', ''],
    ['more than 200 characters', `mec.example.com/${'x'.repeat(200)}`],
  ])('refuses an origin with %s', (_what, origin) => {
    expect(problems({ origin })).toEqual([expect.stringMatching(/^origin: /)]);
  });

  it('names what is wrong with the origin and shows one that works', () => {
    expect(problems({ origin: 'a b' })).toEqual([
      'origin: must be a name without spaces or "+", like mec.example.com/release-ledger',
    ]);
  });

  it.each([
    ['not a verifier key', 'nope', 'is not a verifier key'],
    [
      'another key ID',
      PUBLIC_KEY.replace('043a9c0a', '043a9c0b'),
      'has key ID 043a9c0b, but its key hashes to',
    ],
    [
      'not Ed25519',
      `${ORIGIN}+043a9c0a+Ap8cjEDsbwtVbKwU6O/lSz8odzZSkvrpk37gvnuMlblu`,
      'is not an Ed25519 key',
    ],
  ])('refuses a publicKey that is %s, saying how to print the right line', (_what, publicKey, says) => {
    const [problem, ...rest] = problems({ origin: ORIGIN, publicKey });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^publicKey: /);
    expect(problem).toContain(says);
    expect(problem).toContain('npm run ledger-key -- --public FILE');
  });

  it('gives a witness a 5 s timeout unless it says otherwise, and reads durations', () => {
    const url = 'https://witness.example.com/';
    expect(ledgerConfig.parse({ origin: ORIGIN, witness: { url } }).witness).toEqual({ url, timeout: 5_000 });
    expect(ledgerConfig.parse({ origin: ORIGIN, witness: { url, timeout: '250ms' } }).witness?.timeout).toBe(
      250,
    );
  });

  it.each([
    ['a timeout that is no duration', { url: 'https://w.example.com/', timeout: 'soon' }, 'witness.timeout'],
    ['a URL that is not HTTP', { url: 'ftp://w.example.com/' }, 'witness.url'],
    ['an unknown field', { url: 'https://w.example.com/', retries: 3 }, 'witness'],
    ['an empty publicKey', { url: 'https://w.example.com/', publicKey: '' }, 'witness.publicKey'],
  ])('refuses a witness with %s', (_what, witness, path) => {
    const found = problems({ origin: ORIGIN, witness });
    expect(found).toHaveLength(1);
    expect(found[0]?.startsWith(`${path}: `)).toBe(true);
  });

  it('says how to write a duration it cannot read', () => {
    expect(problems({ origin: ORIGIN, witness: { url: 'https://w.example.com/', timeout: 'soon' } })).toEqual(
      ['witness.timeout: "soon" is not a duration; write it like 5s or 250ms'],
    );
  });

  it('refuses fields it does not know', () => {
    expect(problems({ origin: ORIGIN, key: 'x' })).toHaveLength(1);
  });
});

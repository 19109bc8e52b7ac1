import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../src/domain/ledger-entry.js';
import { entryOf, parseStoredEntry, storedEntryText } from '../../src/domain/stored-entry.js';

const HASH = 'ab'.repeat(32);
const BODY = '{"action":"ramp","detail":{"note":"a } and a \\"quote\\""},"v":1}';
const GOOD = storedEntryText(12, GENESIS_HASH, HASH, BODY);

describe('storedEntryText', () => {
  it('writes the exact stored shape: seq, prevHash, hash, then the body text as is', () => {
    expect(GOOD).toBe(`{"seq":12,"prevHash":"${GENESIS_HASH}","hash":"${HASH}","body":${BODY}}`);
  });

  it('round-trips through parseStoredEntry, keeping the body text byte for byte', () => {
    expect(parseStoredEntry(GOOD)).toEqual({ seq: 12, prevHash: GENESIS_HASH, hash: HASH, bodyText: BODY });
  });
});

describe('parseStoredEntry', () => {
  it('reads a body that is not an object, and one that is itself JSON text with braces', () => {
    expect(parseStoredEntry(storedEntryText(1, GENESIS_HASH, HASH, '7'))?.bodyText).toBe('7');
    expect(parseStoredEntry(storedEntryText(1, GENESIS_HASH, HASH, '"}"'))?.bodyText).toBe('"}"');
  });

  it.each([
    ['an empty string', ''],
    ['no seq', GOOD.replace('{"seq":12,', '{')],
    ['seq 0', storedEntryText(0, GENESIS_HASH, HASH, BODY)],
    ['a seq with a leading zero', GOOD.replace('"seq":12', '"seq":012')],
    ['a negative seq', GOOD.replace('"seq":12', '"seq":-12')],
    ['a fractional seq', GOOD.replace('"seq":12', '"seq":1.5')],
    ['a seq with white space', GOOD.replace('"seq":12', '"seq": 12')],
    ['no prevHash', GOOD.replace(`,"prevHash":"${GENESIS_HASH}"`, '')],
    ['no hash', GOOD.replace(`,"hash":"${HASH}"`, '')],
    ['no body', GOOD.replace(`,"body":${BODY}`, '')],
    ['an empty body', storedEntryText(12, GENESIS_HASH, HASH, '')],
    ['a prevHash in upper case', storedEntryText(12, 'AB'.repeat(32), HASH, BODY)],
    ['a hash with a non-hex digit', storedEntryText(12, GENESIS_HASH, `${'a'.repeat(63)}g`, BODY)],
    ['a hash one digit short', storedEntryText(12, GENESIS_HASH, 'a'.repeat(63), BODY)],
    ['a hash one digit long', storedEntryText(12, GENESIS_HASH, 'a'.repeat(65), BODY)],
    ['fields in another order', `{"prevHash":"${GENESIS_HASH}","seq":12,"hash":"${HASH}","body":${BODY}}`],
    ['white space between fields', GOOD.replace(',"hash"', ', "hash"')],
    ['trailing junk after the closing brace', `${GOOD} `],
    ['a trailing newline', `${GOOD}\n`],
    ['junk before the opening brace', ` ${GOOD}`],
    ['a missing closing brace', storedEntryText(12, GENESIS_HASH, HASH, '7').slice(0, -1)],
  ])('rejects %s', (_what, text) => {
    expect(parseStoredEntry(text)).toBeUndefined();
  });
});

describe('entryOf', () => {
  it('parses the body text into the entry', () => {
    const stored = parseStoredEntry(GOOD);
    if (!stored) throw new Error('the good entry did not parse');
    expect(entryOf(stored)).toEqual({
      seq: 12,
      prevHash: GENESIS_HASH,
      hash: HASH,
      body: { action: 'ramp', detail: { note: 'a } and a "quote"' }, v: 1 },
    });
  });

  it('throws when the body is not JSON', () => {
    expect(() => entryOf({ seq: 1, prevHash: GENESIS_HASH, hash: HASH, bodyText: '{nope' })).toThrow(
      SyntaxError,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/domain/sha256.js';

describe('sha256Hex', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('gives the FIPS 180-2 digest of %j, in lowercase hex', (text, digest) => {
    expect(sha256Hex(text)).toBe(digest);
  });

  it("hashes a string's UTF-8 bytes, the same as the bytes themselves", () => {
    expect(sha256Hex('ünïcödé')).toBe(sha256Hex(new TextEncoder().encode('ünïcödé')));
    expect(sha256Hex('ünïcödé')).not.toBe(sha256Hex(Buffer.from('ünïcödé', 'latin1')));
  });
});

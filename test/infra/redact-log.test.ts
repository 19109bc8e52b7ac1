import { describe, expect, it } from 'vitest';
import { isSecretKey, redactForLog } from '../../src/infra/redact-log.js';

describe('isSecretKey', () => {
  it.each([
    ['token', true],
    ['botToken', true],
    ['SLACK_APP_TOKEN', true],
    ['signingSecret', true],
    ['Authorization', true],
    ['response_url', true],
    ['responseUrl', true],
    ['redisPassword', true],
    ['MEC_LEDGER_KEY', true],
    ['secrets', true],
    ['set-cookie', true],
    ['user', false],
    ['rolloutId', false],
    ['tokens_used_by', false],
  ])('%s is a secret key: %s', (key, secret) => {
    expect(isSecretKey(key)).toBe(secret);
  });
});

describe('redactForLog', () => {
  it('walks arrays and nested objects, and leaves what is not secret as it was', () => {
    expect(
      redactForLog({ a: [{ b: { Token: 'x' } }, 3, null], when: new Date(0), text: 'plain', n: 1 }),
    ).toEqual({ a: [{ b: { Token: '[redacted]' } }, 3, null], when: new Date(0), text: 'plain', n: 1 });
  });

  it("makes an error plain with its own fields, and walks its cause's", () => {
    const error = new Error('outer', { cause: Object.assign(new Error('inner'), { token: 'in-cause' }) });
    const redacted = redactForLog(error) as Record<string, unknown>;
    expect(redacted).toMatchObject({ type: 'Error', message: expect.stringContaining('outer') });
    expect(JSON.stringify(redacted)).not.toContain('in-cause');
  });

  it('prints bytes as their length, not their contents', () => {
    expect(redactForLog({ body: Buffer.from('xoxb-secret') })).toEqual({ body: '[11 bytes]' });
  });

  it('cuts a cycle, inside arrays too', () => {
    const list: unknown[] = ['a'];
    list.push(list);
    expect(redactForLog(list)).toEqual(['a', '[circular]']);
  });
});

import { describe, expect, it } from 'vitest';
import {
  approvalButtonValue,
  parseButtonValue,
  rolloutButtonValue,
} from '../../../../src/adapters/slack/views/button-values.js';

const ROOT = 'a'.repeat(64);

describe('parseButtonValue', () => {
  it('reads the values mec-bot draws', () => {
    expect(parseButtonValue(rolloutButtonValue, '{"r":"R1","v":3,"w":25}')).toEqual({ r: 'R1', v: 3, w: 25 });
    expect(parseButtonValue(rolloutButtonValue, '{"r":"R1","v":3,"c":"smoke"}')).toEqual({
      r: 'R1',
      v: 3,
      c: 'smoke',
    });
    expect(
      parseButtonValue(
        approvalButtonValue,
        JSON.stringify({ r: 'R1', root: ROOT, role: 'sre_oncall', n: 2 }),
      ),
    ).toEqual({ r: 'R1', root: ROOT, role: 'sre_oncall', n: 2 });
    expect(parseButtonValue(rolloutButtonValue, '{"r":"R1","v":3,"go":true,"n":1}')).toEqual({
      r: 'R1',
      v: 3,
      go: true,
      n: 1,
    });
  });

  it.each([
    ['no value', undefined],
    ['text that is not JSON', 'ramp please'],
    ['a key mec-bot never draws', '{"r":"R1","v":3,"admin":true}'],
    ['a weight above 100', '{"r":"R1","v":3,"w":101}'],
    ['a check that does not exist', '{"r":"R1","v":3,"c":"vibes"}'],
    ['a version that is not a whole number', '{"r":"R1","v":1.5}'],
    ['a value longer than Slack allows', JSON.stringify({ r: 'R1', v: 1, role: 'x'.repeat(2_100) })],
  ])('takes %s as not drawn by mec-bot', (_what, raw) => {
    expect(parseButtonValue(rolloutButtonValue, raw)).toBeUndefined();
  });

  it('takes an approval button without a real artifact root as not drawn by mec-bot', () => {
    expect(
      parseButtonValue(approvalButtonValue, JSON.stringify({ r: 'R1', root: 'latest', role: 'sre_oncall' })),
    ).toBeUndefined();
  });
});

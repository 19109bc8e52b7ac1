import { describe, expect, it } from 'vitest';
import { parseCommand, VERBS } from '../../../src/adapters/slack/parse-command.js';

const WEIGHTS = [5, 25, 60, 100];

describe('parseCommand', () => {
  it.each([
    ['', { verb: 'help' }],
    ['help', { verb: 'help' }],
    ['STATUS', { verb: 'status' }],
    ['ramp 25', { verb: 'ramp', weightPct: 25, dryRun: false }],
    ['ramp 25%', { verb: 'ramp', weightPct: 25, dryRun: false }],
    ['  ramp   100  ', { verb: 'ramp', weightPct: 100, dryRun: false }],
    ['ramp 60 --dry-run', { verb: 'ramp', weightPct: 60, dryRun: true }],
    ['ramp --dry-run 5', { verb: 'ramp', weightPct: 5, dryRun: true }],
    ['rollback', { verb: 'rollback', dryRun: false }],
    ['rollback --dry-run', { verb: 'rollback', dryRun: true }],
    ['rollback error budget burn', { verb: 'rollback', dryRun: false, reason: 'error budget burn' }],
    ['nogo p99 regressed', { verb: 'nogo', reason: 'p99 regressed' }],
    ['pause', { verb: 'pause' }],
    ['abort wrong build', { verb: 'abort', reason: 'wrong build' }],
    // Slack escapes & < > in command text; the reason is what was typed.
    [
      'rollback --dry-run p99 &gt; 2s &amp;&amp; &lt;!here&gt; &amp;lt;',
      { verb: 'rollback', dryRun: true, reason: 'p99 > 2s && <!here> &lt;' },
    ],
    ['pause R&amp;D asked', { verb: 'pause', reason: 'R&D asked' }],
    ['ledger', { verb: 'ledger' }],
    ['ledger --page 2', { verb: 'ledger', page: 2 }],
    ['ledger 3', { verb: 'ledger', page: 3 }],
  ])('reads %j', (text, command) => {
    expect(parseCommand(text, WEIGHTS)).toEqual({ ok: true, command });
  });

  it('reads "ramp 25%" and "ramp 25" as the same command', () => {
    expect(parseCommand('ramp 25%', WEIGHTS)).toEqual(parseCommand('ramp 25', WEIGHTS));
  });

  it.each([
    ['an unknown verb', 'deploy', /`deploy` is not a \/mec command/],
    [
      'a weight that is not a plan step',
      'ramp 33',
      /33% is not a step of the plan; the plan's steps are 5%, 25%, 60%, 100%/,
    ],
    ['a word for a weight', 'ramp abc', /`abc` is not a percentage/],
    ['a negative weight', 'ramp -5', /`-5` is not a percentage/],
    ['a fraction', 'ramp 2.5', /`2.5` is not a percentage/],
    ['no weight', 'ramp', /Say which step to ramp to/],
    ['two weights', 'ramp 25 60', /takes one percentage/],
    ['extra arguments', 'status now please', /`status` takes no arguments/],
    ['an abort without a reason', 'abort', /needs a reason/],
    ['several kilobytes of text', `rollback ${'x'.repeat(5_000)}`, /at most 500/],
    ['a user mention', 'rollback <@U0PRIYANAT|priya> said so', /Mentions/],
    ['a channel mention', 'pause <#C0RELEASE01|release>', /Mentions/],
    ['@here', 'rollback <!here>', /Mentions/],
    ['a NUL byte', 'ramp 25\u0000', /control characters/],
    ['a newline', 'rollback one\ntwo', /control characters/],
    ['an escape sequence', 'status \u001b[2J', /control characters/],
  ])('refuses %s, saying what is wrong', (_what, text, error) => {
    const result = parseCommand(text, WEIGHTS);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(error);
    expect(result.ok ? undefined : result.usage).toBeDefined();
  });

  it('documents every verb with a usage and an example that parses', () => {
    for (const [verb, spec] of Object.entries(VERBS)) {
      const parsed = parseCommand(spec.example.replace('/mec ', ''), WEIGHTS);
      expect(parsed, spec.example).toMatchObject({ ok: true, command: { verb } });
    }
  });

  it.each([
    ['ledger --page 0'],
    ['ledger --page two'],
    ['ledger -1'],
    ['ledger --page'],
    ['ledger 2 3'],
    ['ledger 1.5'],
  ])('answers %j with what a page is and the valid form', (text) => {
    const parsed = parseCommand(text, WEIGHTS);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatch(/page/);
    expect(parsed.usage).toBe('ledger');
  });
});

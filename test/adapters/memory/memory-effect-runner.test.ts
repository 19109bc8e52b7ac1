import { MemoryEffectRunner } from '../../../src/adapters/memory/memory-effect-runner.js';
import { describeEffectRunnerContract } from '../../app/ports/effect-runner.contract.js';

describeEffectRunnerContract('memory', () => {
  const runner = new MemoryEffectRunner();
  return {
    runner,
    work: async () =>
      runner.work.map(({ rolloutId, attemptId, effect, first }) => ({
        kind: effect.kind,
        ...(effect.kind === 'run_check' ? { check: effect.check } : {}),
        rolloutId,
        attemptId,
        first,
      })),
  };
});

import { MemoryTrafficController } from '../../../src/adapters/memory/memory-traffic-controller.js';
import { describeTrafficControllerContract } from '../../app/ports/traffic-controller.contract.js';

describeTrafficControllerContract('memory', () => {
  const controller = new MemoryTrafficController();
  return {
    controller,
    flagSystem: {
      served: async () => controller.servedPct,
      changes: async () => controller.changes.map((change) => change.weightPct),
      told: async () => controller.told.map((said) => ({ said: { ...said }, raw: JSON.stringify(said) })),
    },
    failures: { 'is told to fail': () => controller.fail('connection refused') },
    recover: () => controller.recover(),
  };
});

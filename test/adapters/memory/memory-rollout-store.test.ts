import { MemoryLedger } from '../../../src/adapters/memory/memory-ledger.js';
import { MemoryRegistryRootRecord } from '../../../src/adapters/memory/memory-registry-root.js';
import { MemoryRolloutStore } from '../../../src/adapters/memory/memory-rollout-store.js';
import { describeStoreContract } from '../../app/ports/rollout-store.contract.js';

describeStoreContract('memory', () => {
  const ledger = new MemoryLedger();
  return {
    ledger,
    store: new MemoryRolloutStore(ledger),
    registryRoot: new MemoryRegistryRootRecord(ledger),
  };
});

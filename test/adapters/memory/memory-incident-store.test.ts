import { MemoryIncidentStore } from '../../../src/adapters/memory/memory-incident-store.js';
import { MemoryLedger } from '../../../src/adapters/memory/memory-ledger.js';
import { describeIncidentStoreContract } from '../../app/ports/incident-store.contract.js';

describeIncidentStoreContract('memory', () => {
  const ledger = new MemoryLedger();
  return { ledger, incidents: new MemoryIncidentStore(ledger) };
});

import type { Suite } from '../support/suite.js';
import { edgeSuite } from './edge.js';
import { footprintSuite } from './footprint.js';
import { ledgerSuite } from './ledger.js';
import { planSuite } from './plan.js';
import { rollbackSuite } from './rollback.js';
import { stormSuite } from './storm.js';
import { verifySuite } from './verify.js';

/** Every suite of `npm run bench`, in the order it runs them. */
export const suites: Suite[] = [
  footprintSuite,
  edgeSuite,
  rollbackSuite,
  stormSuite,
  verifySuite,
  ledgerSuite,
  planSuite,
];

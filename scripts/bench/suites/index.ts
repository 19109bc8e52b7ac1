import type { Suite } from '../support/suite.js';
import { edgeSuite } from './edge.js';
import { ledgerSuite } from './ledger.js';
import { verifySuite } from './verify.js';

/** Every suite of `npm run bench`, in the order it runs them. */
export const suites: Suite[] = [edgeSuite, verifySuite, ledgerSuite];

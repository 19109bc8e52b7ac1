import type { Suite } from '../support/suite.js';
import { rollbackSuite } from './rollback.js';
import { stormSuite } from './storm.js';
import { verifySuite } from './verify.js';

/** Every suite of `npm run bench`, in the order it runs them. */
export const suites: Suite[] = [verifySuite, rollbackSuite, stormSuite];

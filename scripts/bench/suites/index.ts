import type { Suite } from '../support/suite.js';
import { footprintSuite } from './footprint.js';
import { planSuite } from './plan.js';
import { verifySuite } from './verify.js';

/** Every suite of `npm run bench`, in the order it runs them. */
export const suites: Suite[] = [verifySuite, footprintSuite, planSuite];

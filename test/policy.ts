import { policyOf } from '../core/policy.js';

/** The policy of the default settings (dev, staging, production; production is the last), as a process builds it. */
export const TEST_POLICY = policyOf({ ENVIRONMENTS: ['dev', 'staging', 'production'] });

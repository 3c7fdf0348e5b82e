import type { ClientFeaturesResponse } from 'unleash-client';

type FeatureInterface = ClientFeaturesResponse['features'][number];

export const SEED_KEY = 'graph_search.v2.enable';

/**
 * The seed flag written for flagd: the same three rules in the same order as one `if` chain;
 * `null` at the end falls through to the default variant (reason DEFAULT), as ours does.
 * flagd's `fractional` buckets murmur3(flagKey + targetingKey): a different hash input than
 * ours, so the same share but not the same individuals land in the 25 %.
 */
export const FLAGD_CONFIGURATION = JSON.stringify({
  flags: {
    [SEED_KEY]: {
      state: 'ENABLED',
      variants: { legacy: false, rust_engine: true },
      defaultVariant: 'legacy',
      targeting: {
        if: [
          { ends_with: [{ var: 'user.email' }, '@companyos.io'] },
          'rust_engine',
          { '==': [{ var: 'tenant.tier' }, 'enterprise'] },
          'legacy',
          { '==': [{ var: 'env' }, 'production'] },
          {
            fractional: [
              ['rust_engine', 25],
              ['legacy', 75],
            ],
          },
          null,
        ],
      },
    },
  },
});

/**
 * The seed flag as an Unleash toggle. Unleash strategies are OR-ed, so "enterprise stays on
 * legacy" becomes a NOT_IN constraint on the rollout strategy instead of a rule of its own;
 * the answers are the same. flexibleRollout buckets murmur3(groupId:userId) into 100 buckets.
 */
export const UNLEASH_TOGGLE: FeatureInterface = {
  name: SEED_KEY,
  enabled: true,
  strategies: [
    {
      name: 'default',
      parameters: {},
      constraints: [
        {
          contextName: 'email',
          operator: 'STR_ENDS_WITH',
          values: ['@companyos.io'],
          caseInsensitive: false,
          inverted: false,
        },
      ],
    },
    {
      name: 'flexibleRollout',
      parameters: { rollout: '25', stickiness: 'default', groupId: SEED_KEY },
      constraints: [
        { contextName: 'environment', operator: 'IN', values: ['production'], caseInsensitive: false, inverted: false },
        { contextName: 'tier', operator: 'NOT_IN', values: ['enterprise'], caseInsensitive: false, inverted: false },
      ],
    },
  ],
} as FeatureInterface;

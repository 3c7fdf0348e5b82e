import { z } from 'zod';

/**
 * Conditions are JSON objects whose keys are either combinators (`all`, `any`, `not`)
 * or dotted attribute paths into the evaluation context, mapped to one operator each:
 *
 * @example
 * { "user.email": { "endsWith": "@companyos.io" } }
 * { "all": [ { "tenant.tier": { "eq": "enterprise" } }, { "app.version": { "semverGte": "2.1.0" } } ] }
 *
 * Several attributes (or several operators on one attribute) in one object must all hold.
 */
export const OPERATORS = [
  'eq',
  'neq',
  'in',
  'notIn',
  'startsWith',
  'endsWith',
  'contains',
  'matches',
  'gt',
  'gte',
  'lt',
  'lte',
  'semverGt',
  'semverGte',
  'semverLt',
  'semverLte',
  'exists',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** Regexes are bounded so a rule can never stall the evaluator (ReDoS). */
export const MAX_REGEX_LENGTH = 256;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const list = z.array(scalar).max(10_000);
const semver = z.string().regex(/^v?\d+(\.\d+){0,2}([-+].*)?$/, 'must be a semantic version like 1.2.3');

export const operatorTestSchema = z
  .object({
    eq: scalar,
    neq: scalar,
    in: list,
    notIn: list,
    startsWith: z.string(),
    endsWith: z.string(),
    contains: z.string(),
    matches: z
      .string()
      .max(MAX_REGEX_LENGTH)
      .refine((source) => {
        try {
          new RegExp(source);
          return true;
        } catch {
          return false;
        }
      }, 'must be a valid regular expression'),
    gt: z.number(),
    gte: z.number(),
    lt: z.number(),
    lte: z.number(),
    semverGt: semver,
    semverGte: semver,
    semverLt: semver,
    semverLte: semver,
    exists: z.boolean(),
  })
  .partial()
  .strict()
  .refine((ops) => Object.keys(ops).length > 0, 'an attribute test needs at least one operator');
export type OperatorTest = z.infer<typeof operatorTestSchema>;

export type Condition =
  { all: Condition[] } | { any: Condition[] } | { not: Condition } | { [attribute: string]: OperatorTest };

const ATTRIBUTE_PATH = /^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/;

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
    z
      .record(z.string().regex(ATTRIBUTE_PATH, 'attribute must be a dotted path like user.email'), operatorTestSchema)
      .refine((tests) => Object.keys(tests).length > 0, 'a condition needs at least one attribute'),
  ]),
) as z.ZodType<Condition>;

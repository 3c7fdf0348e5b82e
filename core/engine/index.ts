export { compileSnapshot, flagEvaluatorOf } from './compile.js';
export { compileFlag, type CompileOptions, type FlagEvaluator } from './compile-flag.js';
export { compileConfig, type ConfigResolver } from './config.js';
export { compileCondition, type Predicate } from './condition.js';
export { compileAttributePath } from './attribute.js';
export { compileRollout } from './rollout.js';
export { BUCKETS, BUCKET_SEPARATOR, bucketOf, createBucketer } from './murmur3.js';
export { MAX_MATCHED_LENGTH } from './operators/regex.js';
export type * from './types.js';
export {
  applySnapshotDelta,
  compileDelta,
  ownedSnapshot,
  sameEpoch,
  type CompiledHolding,
  type EntryChanges,
  type SnapshotDelta,
} from './compile-delta.js';

export { SwitchyardProvider, type SwitchyardProviderOptions } from './switchyard-provider.js';
export { fileSource, type FileSourceOptions } from './file-source.js';
export { redisSource, type RedisSourceOptions } from './redis-source.js';
export { evaluatorSource, type EvaluatorSourceOptions } from './evaluator-source.js';
export type { SnapshotListener, SnapshotSource } from './snapshot-source.js';
export { parseSnapshot } from '../core/parse-snapshot.js';

export {
  createEvaluatorServer,
  startEvaluator,
  type EvaluatorServerOptions,
  type RunningEvaluator,
  type StartEvaluatorOptions,
} from './server.js';
export { SnapshotStore, type HeldSnapshot, type SnapshotStoreOptions, type StoreStatus } from './snapshot-store.js';
export { SdkKeyTable } from './sdk-key-table.js';
export { hashSdkKey } from '../core/sdk-key.js';

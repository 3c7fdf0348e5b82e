export { createEvaluatorServer, startEvaluator, type EvaluatorServerOptions, type RunningEvaluator, type StartEvaluatorOptions } from './server.js';
export { SnapshotStore, type HeldSnapshot, type SnapshotStoreOptions, type StoreStatus } from './snapshot-store.js';
export { hashSdkKey, SdkKeyTable } from './sdk-key-table.js';

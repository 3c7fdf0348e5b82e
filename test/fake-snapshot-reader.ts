import type { EnvSnapshot } from '../core/snapshot.js';
import type { SnapshotRead, SnapshotReader, SnapshotStamp } from '../storage/snapshot-reader.js';

/**
 * An in-memory SnapshotReader for unit tests of the snapshot holders: what Redis would hold,
 * set directly, and a switch that makes every read fail the way an unreachable Redis does.
 */
export class FakeSnapshotReader implements SnapshotReader {
  readonly stored = new Map<string, EnvSnapshot | { unreadable: string; version: number }>();
  sdkKeyHash: Record<string, string> = {};
  /** The mark a full key sync leaves; undefined: the table is missing or incomplete. */
  sdkKeyEpoch: string | undefined;
  unreachable = false;
  /** How many snapshot reads were made, per environment. */
  readonly reads = new Map<string, number>();

  put(snapshot: EnvSnapshot): this {
    this.stored.set(snapshot.env, snapshot);
    return this;
  }

  private check(): void {
    if (this.unreachable) throw new Error('Connection is closed.');
  }

  async versions(envs: readonly string[]): Promise<Array<number | undefined>> {
    this.check();
    return envs.map((env) => {
      const stored = this.stored.get(env);
      return stored && 'version' in stored ? stored.version : undefined;
    });
  }

  async stamps(envs: readonly string[]): Promise<Array<SnapshotStamp | undefined>> {
    this.check();
    return envs.map((env) => {
      const stored = this.stored.get(env);
      if (!stored) return undefined;
      return { version: stored.version, epoch: 'epoch' in stored ? stored.epoch : undefined };
    });
  }

  async snapshot(env: string): Promise<SnapshotRead> {
    this.check();
    this.reads.set(env, (this.reads.get(env) ?? 0) + 1);
    const stored = this.stored.get(env);
    if (!stored) return { found: 'nothing' };
    if ('unreadable' in stored) return { found: 'unreadable', problem: stored.unreadable };
    return { found: 'snapshot', snapshot: structuredClone(stored) };
  }

  async environments(): Promise<string[]> {
    this.check();
    return [...this.stored.keys()];
  }

  async sdkKeys(): Promise<Record<string, string>> {
    this.check();
    return { ...this.sdkKeyHash };
  }

  async sdkKeysEpoch(): Promise<string | undefined> {
    this.check();
    return this.sdkKeyEpoch;
  }
}

import type { CompiledSnapshot } from '../core/engine/types.js';
import type { Logger } from '../core/logger.js';
import type { ConfigEntry } from '../core/model/config-entry.js';
import type { EnvSnapshot } from '../core/snapshot.js';

export type CompileFn = (snapshot: EnvSnapshot) => CompiledSnapshot;

/**
 * One environment's snapshot as served: compiled for the evaluation routes, and as read for the
 * routes that serve entries themselves (`/v1/snapshot`, `/v1/secrets`), so no route reads Redis.
 */
export interface HeldSnapshot {
  compiled: CompiledSnapshot;
  snapshot: EnvSnapshot;
  /** Config entries that are secrets, by key (sealed envelopes): never served on /v1/config. */
  secrets: ReadonlyMap<string, ConfigEntry>;
  generatedAt: string;
}

/** The compiled snapshot of every environment the evaluator serves; swapped whole, never stepped back. */
export class HeldSnapshots {
  private readonly byEnv = new Map<string, HeldSnapshot>();

  constructor(
    private readonly compile: CompileFn,
    private readonly log: Logger,
  ) {}

  get(env: string): HeldSnapshot | undefined {
    return this.byEnv.get(env);
  }

  has(env: string): boolean {
    return this.byEnv.has(env);
  }

  /** The version held for `env`, -1 when none is. */
  versionOf(env: string): number {
    return this.byEnv.get(env)?.compiled.version ?? -1;
  }

  versions(): Record<string, number> {
    const versions: Record<string, number> = {};
    for (const [env, held] of this.byEnv) versions[env] = held.compiled.version;
    return versions;
  }

  /**
   * Compiles and swaps in one step; an older or equal version never replaces the held one, and a
   * snapshot that does not compile leaves the held one serving.
   */
  hold(snapshot: EnvSnapshot): void {
    if (snapshot.version <= this.versionOf(snapshot.env)) return;
    const complete = { ...snapshot, flags: snapshot.flags ?? {}, configs: snapshot.configs ?? {} };
    let compiled: CompiledSnapshot;
    try {
      compiled = this.compile(complete);
    } catch (error) {
      this.log.error({ err: error, env: snapshot.env, version: snapshot.version }, 'snapshot does not compile; keeping the held one');
      return;
    }
    // Re-checked after compiling: a concurrent load may have swapped a newer one in meanwhile.
    if (snapshot.version <= this.versionOf(snapshot.env)) return;
    const secrets = new Map(Object.values(complete.configs).filter((c) => c.secret).map((c) => [c.key, c] as const));
    this.byEnv.set(snapshot.env, { compiled, snapshot: complete, secrets, generatedAt: snapshot.generatedAt });
    this.log.info({ env: snapshot.env, version: snapshot.version }, 'snapshot loaded');
  }
}

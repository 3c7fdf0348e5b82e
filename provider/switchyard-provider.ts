import {
  ErrorCode,
  OpenFeatureEventEmitter,
  ProviderEvents,
  type EvaluationContext,
  type FlagMetadata,
  type JsonValue,
  type Logger,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import {
  applySnapshotDelta,
  compileSnapshot,
  ownedSnapshot,
  sameEpoch,
  type SnapshotDelta,
} from '../core/engine/index.js';
import type { CompiledSnapshot, EvaluationContext as EngineContext } from '../core/engine/types.js';
import type { EnvSnapshot } from '../core/snapshot.js';
import { errorDetails, failureDetails } from './resolution.js';
import type { SnapshotSource } from './snapshot-source.js';
import { changedFlagKeys } from './snapshot-diff.js';
import { supersedes } from './snapshot-order.js';
import { kindOfFlag, kindOfValue, type ValueKind } from './value-kind.js';

/** Everything derived from one snapshot, swapped in as one object so an evaluation never sees half of two. */
interface Held {
  snapshot: EnvSnapshot;
  compiled: CompiledSnapshot;
  kinds: Map<string, ValueKind | undefined>;
  /** One frozen metadata object per deciding step, shared by every evaluation that ends there. */
  metadata: Map<string, FlagMetadata>;
}

export interface SwitchyardProviderOptions {
  /** Where problems of the source are reported (snapshot rejected, connection lost). Defaults to console.warn. */
  logger?: Pick<Logger, 'warn' | 'info'>;
}

function hold(snapshot: EnvSnapshot): Held {
  // Deltas edit the held records in place: never share the source's.
  const owned = ownedSnapshot(snapshot);
  const kinds = new Map<string, ValueKind | undefined>();
  for (const [key, flag] of Object.entries(owned.flags)) kinds.set(key, kindOfFlag(flag));
  return { snapshot: owned, compiled: compileSnapshot(owned), kinds, metadata: new Map() };
}

/** `held` advanced by a delta, recompiling only what it changed; the kinds table is the lineage's own, edited in place. */
function advance(held: Held, delta: SnapshotDelta): Held {
  const next = applySnapshotDelta(held, delta, (snapshot) => compileSnapshot(snapshot));
  const kinds = held.kinds;
  for (const key of delta.flags.del) kinds.delete(key);
  for (const [key, flag] of Object.entries(delta.flags.set)) kinds.set(key, kindOfFlag(flag));
  return { ...next, kinds, metadata: new Map() };
}

/**
 * An OpenFeature server provider that evaluates Switchyard flags in-process, with the same
 * engine as the evaluator, from a snapshot kept current by a {@link SnapshotSource}.
 * Like the evaluator does from the SDK key, it sets the context's `env` attribute to the
 * snapshot's environment, whatever the application passed.
 *
 * @example
 * await OpenFeature.setProviderAndWait(new SwitchyardProvider(redisSource({ url: 'redis://127.0.0.1:6379', prefix: 'switchyard', env: 'production' })));
 * await OpenFeature.getClient().getBooleanValue('graph_search.v2.enable', false, { targetingKey: 'user-42' });
 */
export class SwitchyardProvider implements Provider {
  readonly metadata = { name: 'switchyard' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  private held: Held | undefined;
  private isStale = false;
  private readonly logger: Pick<Logger, 'warn' | 'info'>;

  constructor(
    private readonly source: SnapshotSource,
    options: SwitchyardProviderOptions = {},
  ) {
    this.logger = options.logger ?? { warn: (...args: unknown[]) => console.warn(...args), info: () => undefined };
  }

  /** The environment and version being served, or undefined before initialization. */
  get snapshotInfo(): { env: string; version: number } | undefined {
    return this.held ? { env: this.held.compiled.env, version: this.held.compiled.version } : undefined;
  }

  async initialize(): Promise<void> {
    const first = await this.source.start({
      snapshot: (snapshot) => this.accept(snapshot),
      delta: (delta) => this.acceptDelta(delta),
      stale: (error) => {
        if (this.isStale) return;
        this.isStale = true;
        this.logger.warn(
          `switchyard provider (${this.source.description}): ${error.message}; serving snapshot version ${this.held?.compiled.version}`,
        );
        this.events.emit(ProviderEvents.Stale, { message: error.message });
      },
      recovered: () => {
        if (!this.isStale) return;
        this.isStale = false;
        this.events.emit(ProviderEvents.Ready, { message: `${this.source.description} is reachable again` });
      },
    });
    // A restarted provider keeps what it held if the source now hands it something older (of the same epoch).
    if (!this.held || first.env !== this.held.compiled.env || supersedes(first, this.held.snapshot))
      this.held = hold(first);
  }

  async onClose(): Promise<void> {
    await this.source.stop();
  }

  resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'boolean'));
  }

  resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<string>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'string'));
  }

  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<number>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'number'));
  }

  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'object'));
  }

  /** The synchronous core of every resolve method (the benchmarks call it directly, too). */
  resolve<T>(flagKey: string, defaultValue: T, context: EvaluationContext, wanted: ValueKind): ResolutionDetails<T> {
    const held = this.held;
    if (!held)
      return errorDetails(
        defaultValue,
        ErrorCode.PROVIDER_NOT_READY,
        `the switchyard provider has no snapshot yet (${this.source.description})`,
      );
    const { compiled } = held;
    const kind = held.kinds.get(flagKey);
    if (kind !== undefined && kind !== wanted) return this.mismatch(defaultValue, flagKey, kind, wanted);
    // The SDK hands providers a frozen, freshly merged context: copy only when env must change.
    const env = compiled.env;
    const engineContext = (context.env === env ? context : { ...context, env }) as EngineContext;
    const result = compiled.evaluate(flagKey, engineContext);
    if (!result.ok) return failureDetails(defaultValue, result);
    if (kind === undefined && kindOfValue(result.value) !== wanted)
      return this.mismatch(defaultValue, flagKey, kindOfValue(result.value), wanted);
    return {
      value: result.value as T,
      variant: result.variant,
      reason: result.reason,
      flagMetadata: this.metadataFor(held, result.decidedBy),
    };
  }

  private mismatch<T>(defaultValue: T, flagKey: string, kind: ValueKind, wanted: ValueKind): ResolutionDetails<T> {
    return errorDetails(
      defaultValue,
      ErrorCode.TYPE_MISMATCH,
      `flag "${flagKey}" serves ${kind} values; it was read as ${wanted}`,
    );
  }

  private metadataFor(held: Held, decidedBy: string): FlagMetadata {
    let metadata = held.metadata.get(decidedBy);
    if (!metadata) {
      metadata = Object.freeze({ decidedBy, env: held.compiled.env, snapshotVersion: held.compiled.version });
      held.metadata.set(decidedBy, metadata);
    }
    return metadata;
  }

  /** Applies a delta to the held snapshot when it holds exactly where the delta starts; false sends the source to a full read. */
  private acceptDelta(delta: SnapshotDelta): boolean {
    const current = this.held;
    if (
      !current ||
      delta.env !== current.compiled.env ||
      !sameEpoch(delta.epoch, current.snapshot.epoch) ||
      delta.from !== current.compiled.version
    )
      return false;
    let next: Held;
    try {
      next = advance(current, delta);
    } catch (error) {
      this.logger.warn(
        `switchyard provider (${this.source.description}): version ${delta.version} does not compile (${(error as Error).message}); reading it in full`,
      );
      return false;
    }
    this.held = next;
    this.emitChanged([...Object.keys(delta.flags.set), ...delta.flags.del].sort(), delta.env, delta.version);
    return true;
  }

  private emitChanged(flagsChanged: string[], env: string, version: number): void {
    this.events.emit(ProviderEvents.ConfigurationChanged, {
      flagsChanged,
      message: `snapshot ${env} version ${version}`,
      metadata: { env, snapshotVersion: version },
    });
  }

  /** Swaps in a newer snapshot of the same environment (or one of another epoch) and tells OpenFeature which flags changed. */
  private accept(snapshot: EnvSnapshot): void {
    const current = this.held;
    if (current && snapshot.env !== current.compiled.env) {
      this.logger.warn(
        `switchyard provider (${this.source.description}): ignoring a snapshot of "${snapshot.env}"; this provider serves "${current.compiled.env}"`,
      );
      return;
    }
    if (current && !supersedes(snapshot, current.snapshot)) return;
    let next: Held;
    try {
      next = hold(snapshot);
    } catch (error) {
      this.logger.warn(
        `switchyard provider (${this.source.description}): snapshot version ${snapshot.version} does not compile (${(error as Error).message}); keeping version ${current?.compiled.version}`,
      );
      return;
    }
    this.held = next;
    this.emitChanged(
      current ? changedFlagKeys(current.snapshot, next.snapshot) : Object.keys(snapshot.flags),
      snapshot.env,
      snapshot.version,
    );
  }
}

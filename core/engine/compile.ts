import type { ConfigEntry } from '../model/config-entry.js';
import type { FlagDocument } from '../model/flag.js';
import type { EnvSnapshot } from '../snapshot.js';
import { compileConfig, type ConfigResolver } from './config.js';
import { compileFlag, type CompileOptions, type FlagEvaluator } from './compile-flag.js';
import { configFailure, failure } from './results.js';
import type { CompiledSnapshot, ConfigResult, EvaluationContext, EvaluationResult } from './types.js';

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});

/**
 * What a compiled snapshot answers from. One set of tables serves a whole lineage of versions:
 * a delta (compile-delta.ts) edits them in place, so a change costs what it changed, not what
 * the environment holds. `keys` is kept sorted (code-unit order) with `evaluators` parallel to
 * it, so bulk answers come in the same order however the snapshot was assembled.
 */
export interface CompiledTables {
  readonly env: string;
  readonly options: CompileOptions;
  readonly flags: Map<string, FlagEvaluator>;
  readonly configs: Map<string, ConfigResolver>;
  readonly keys: string[];
  readonly evaluators: FlagEvaluator[];
  /** The only compiled snapshot of the lineage a delta may extend (an older one would fork the shared tables). */
  newest: CompiledSnapshot | undefined;
}

const tablesOf = new WeakMap<CompiledSnapshot, CompiledTables>();

/** The tables behind `compiled` when it is the newest of its lineage, else undefined. */
export function extensibleTables(compiled: CompiledSnapshot): CompiledTables | undefined {
  const tables = tablesOf.get(compiled);
  return tables && tables.newest === compiled ? tables : undefined;
}

/** The closure `compiled` answers `key` with (tests and benchmarks check what a delta reused). */
export function flagEvaluatorOf(compiled: CompiledSnapshot, key: string): FlagEvaluator | undefined {
  return tablesOf.get(compiled)?.flags.get(key);
}

export function compileFlagEntry(key: string, flag: FlagDocument, env: string, options: CompileOptions): FlagEvaluator {
  if (flag?.key !== key) {
    const mismatch = failure(key, 'GENERAL', `flag stored under "${key}" names itself "${String(flag?.key)}"`);
    return () => mismatch;
  }
  return compileFlag(flag, env, options);
}

export function compileConfigEntry(key: string, entry: ConfigEntry, env: string): ConfigResolver {
  if (entry?.key !== key) {
    const mismatch = configFailure(key, 'GENERAL', `config stored under "${key}" names itself "${String(entry?.key)}"`);
    return () => mismatch;
  }
  try {
    return compileConfig(entry, env);
  } catch (error) {
    const broken = configFailure(key, 'GENERAL', `config "${key}" could not be compiled: ${(error as Error).message}`);
    return () => broken;
  }
}

/**
 * Compiles everything one environment serves: each flag becomes a closure, each config entry a
 * resolver. Evaluation never throws and never parses anything. The `env` attribute rules test is
 * the caller's (the evaluator sets it from the SDK key's environment); the snapshot's own env
 * only selects each flag's environment state.
 *
 * @example
 * const compiled = compileSnapshot(snapshot);
 * compiled.evaluate('graph_search.v2.enable', { targetingKey: 'u1', env: 'production' });
 */
export function compileSnapshot(snapshot: EnvSnapshot, options: CompileOptions = {}): CompiledSnapshot {
  const env = snapshot.env;
  const flags = new Map<string, FlagEvaluator>();
  for (const [key, flag] of Object.entries(snapshot.flags ?? {}))
    flags.set(key, compileFlagEntry(key, flag, env, options));
  const configs = new Map<string, ConfigResolver>();
  for (const [key, entry] of Object.entries(snapshot.configs ?? {}))
    configs.set(key, compileConfigEntry(key, entry, env));
  const keys = [...flags.keys()].sort();
  const tables: CompiledTables = {
    env,
    options,
    flags,
    configs,
    keys,
    evaluators: keys.map((key) => flags.get(key)!),
    newest: undefined,
  };
  return compiledOver(tables, snapshot.version);
}

/** A compiled snapshot answering from `tables` at `version`; it becomes the lineage's newest. */
export function compiledOver(tables: CompiledTables, version: number): CompiledSnapshot {
  const { env, flags, configs, keys, evaluators } = tables;
  const run = (key: string, evaluator: FlagEvaluator, context: EvaluationContext): EvaluationResult => {
    try {
      return evaluator(context);
    } catch (error) {
      // Only a hostile context (e.g. a throwing getter) can get here; compiled code does not throw.
      return failure(key, 'GENERAL', `evaluating "${key}" failed: ${(error as Error).message}`);
    }
  };
  const contextOf = (context: EvaluationContext | undefined | null): EvaluationContext | undefined =>
    context === undefined || context === null
      ? EMPTY_CONTEXT
      : typeof context === 'object' && !Array.isArray(context)
        ? context
        : undefined;

  const compiled: CompiledSnapshot = {
    env,
    version,
    evaluate(key: string, context: EvaluationContext): EvaluationResult {
      const evaluator = flags.get(key);
      if (!evaluator) return failure(key, 'FLAG_NOT_FOUND', `flag "${key}" does not exist in ${env}`);
      const ctx = contextOf(context);
      if (!ctx) return failure(key, 'INVALID_CONTEXT', 'the evaluation context must be an object');
      return run(key, evaluator, ctx);
    },
    evaluateAll(context: EvaluationContext): EvaluationResult[] {
      const ctx = contextOf(context);
      const results = new Array<EvaluationResult>(keys.length);
      for (let i = 0; i < keys.length; i++) {
        results[i] = ctx
          ? run(keys[i]!, evaluators[i]!, ctx)
          : failure(keys[i]!, 'INVALID_CONTEXT', 'the evaluation context must be an object');
      }
      return results;
    },
    resolveConfig(key: string, context: EvaluationContext): ConfigResult {
      const resolver = configs.get(key);
      if (!resolver) return configFailure(key, 'FLAG_NOT_FOUND', `config "${key}" does not exist in ${env}`);
      const ctx = contextOf(context);
      if (!ctx) return configFailure(key, 'GENERAL', 'the evaluation context must be an object');
      try {
        return resolver(ctx);
      } catch (error) {
        return configFailure(key, 'GENERAL', `resolving "${key}" failed: ${(error as Error).message}`);
      }
    },
    flagKeys: () => keys.slice(),
    has: (key: string) => flags.has(key),
  };
  tablesOf.set(compiled, tables);
  tables.newest = compiled;
  return compiled;
}

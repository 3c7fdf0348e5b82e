import type { EnvSnapshot } from '../snapshot.js';
import { compileConfig, type ConfigResolver } from './config.js';
import { compileFlag, type CompileOptions, type FlagEvaluator } from './compile-flag.js';
import { configFailure, failure } from './results.js';
import type { CompiledSnapshot, ConfigResult, EvaluationContext, EvaluationResult } from './types.js';

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});

/**
 * Compiles everything one environment serves, once per snapshot version: each flag becomes a
 * closure, each config entry a resolver. Evaluation never throws and never parses anything.
 * The `env` attribute rules test is the caller's (the evaluator sets it from the SDK key's
 * environment); the snapshot's own env only selects each flag's environment state.
 *
 * @example
 * const compiled = compileSnapshot(snapshot);
 * compiled.evaluate('graph_search.v2.enable', { targetingKey: 'u1', env: 'production' });
 */
export function compileSnapshot(snapshot: EnvSnapshot, options: CompileOptions = {}): CompiledSnapshot {
  const env = snapshot.env;
  const flags = new Map<string, FlagEvaluator>();
  for (const [key, flag] of Object.entries(snapshot.flags ?? {})) {
    if (flag?.key !== key) {
      const mismatch = failure(key, 'GENERAL', `flag stored under "${key}" names itself "${String(flag?.key)}"`);
      flags.set(key, () => mismatch);
    } else {
      flags.set(key, compileFlag(flag, env, options));
    }
  }
  const configs = new Map<string, ConfigResolver>();
  for (const [key, entry] of Object.entries(snapshot.configs ?? {})) {
    if (entry?.key !== key) {
      const mismatch = configFailure(key, 'GENERAL', `config stored under "${key}" names itself "${String(entry?.key)}"`);
      configs.set(key, () => mismatch);
      continue;
    }
    try {
      configs.set(key, compileConfig(entry, env));
    } catch (error) {
      const broken = configFailure(key, 'GENERAL', `config "${key}" could not be compiled: ${(error as Error).message}`);
      configs.set(key, () => broken);
    }
  }
  const keys = [...flags.keys()];
  const evaluators = [...flags.values()];

  const run = (key: string, evaluator: FlagEvaluator, context: EvaluationContext): EvaluationResult => {
    try {
      return evaluator(context);
    } catch (error) {
      // Only a hostile context (e.g. a throwing getter) can get here; compiled code does not throw.
      return failure(key, 'GENERAL', `evaluating "${key}" failed: ${(error as Error).message}`);
    }
  };
  const contextOf = (context: EvaluationContext | undefined | null): EvaluationContext | undefined =>
    context === undefined || context === null ? EMPTY_CONTEXT : typeof context === 'object' && !Array.isArray(context) ? context : undefined;

  return {
    env,
    version: snapshot.version,
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
        results[i] = ctx ? run(keys[i]!, evaluators[i]!, ctx) : failure(keys[i]!, 'INVALID_CONTEXT', 'the evaluation context must be an object');
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
}

import { FlagdCore } from '@openfeature/flagd-core';
import type { EvaluationContext, JsonValue, Logger, Provider, ResolutionDetails } from '@openfeature/server-sdk';
import { InMemStorageProvider, startUnleash, type Context as UnleashContext, type Unleash } from 'unleash-client';
import { FLAGD_CONFIGURATION, UNLEASH_TOGGLE } from './peer-flags.js';

export const silentLogger: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

/** flagd's in-process engine with the seed flag loaded. */
export function createFlagdCore(): FlagdCore {
  const core = new FlagdCore(undefined, silentLogger);
  core.setConfigurations(FLAGD_CONFIGURATION);
  return core;
}

/**
 * The thinnest OpenFeature provider over flagd-core, as flagd's own in-process provider does
 * once its sync stream has delivered the flags: each resolve is one synchronous core call.
 */
export class FlagdCoreProvider implements Provider {
  readonly metadata = { name: 'flagd-core (bench wrapper)' };
  readonly runsOn = 'server' as const;
  constructor(private readonly core: FlagdCore) {}
  resolveBooleanEvaluation(
    key: string,
    defaultValue: boolean,
    context: EvaluationContext,
    logger: Logger,
  ): Promise<ResolutionDetails<boolean>> {
    return Promise.resolve(this.core.resolveBooleanEvaluation(key, defaultValue, context, logger));
  }
  resolveStringEvaluation(
    key: string,
    defaultValue: string,
    context: EvaluationContext,
    logger: Logger,
  ): Promise<ResolutionDetails<string>> {
    return Promise.resolve(this.core.resolveStringEvaluation(key, defaultValue, context, logger));
  }
  resolveNumberEvaluation(
    key: string,
    defaultValue: number,
    context: EvaluationContext,
    logger: Logger,
  ): Promise<ResolutionDetails<number>> {
    return Promise.resolve(this.core.resolveNumberEvaluation(key, defaultValue, context, logger));
  }
  resolveObjectEvaluation<T extends JsonValue>(
    key: string,
    defaultValue: T,
    context: EvaluationContext,
    logger: Logger,
  ): Promise<ResolutionDetails<T>> {
    return Promise.resolve(this.core.resolveObjectEvaluation(key, defaultValue, context, logger));
  }
}

/** The Unleash SDK with the seed toggle bootstrapped, no network, no metrics. */
export async function createUnleash(env: string): Promise<Unleash> {
  const unleash = await startUnleash({
    appName: 'switchyard-bench',
    url: 'http://127.0.0.1:9/unused',
    environment: env,
    refreshInterval: 0,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: [UNLEASH_TOGGLE] },
    skipInstanceCountWarning: true,
  });
  // No server to reach, but an unhandled 'error' event would end the process.
  unleash.on('error', () => undefined);
  return unleash;
}

/** An OpenFeature context in Unleash's shape: custom attributes go under `properties`, flat. */
export function unleashContextOf(context: EvaluationContext): UnleashContext {
  const user = context.user as { email?: string } | undefined;
  const tenant = context.tenant as { tier?: string; id?: string } | undefined;
  const properties: Record<string, string | undefined> = {};
  if (user?.email !== undefined) properties.email = user.email;
  if (tenant?.tier !== undefined) properties.tier = tenant.tier;
  return { userId: context.targetingKey, environment: context.env as string | undefined, properties };
}

/**
 * An OpenFeature provider over the Unleash SDK, boolean only (Unleash toggles are on/off): it
 * maps the context as any Unleash provider must, then calls `isEnabled`. Unleash reports no
 * variant or reason for a plain toggle.
 */
export class UnleashBenchProvider implements Provider {
  readonly metadata = { name: 'unleash-client (bench wrapper)' };
  readonly runsOn = 'server' as const;
  constructor(private readonly unleash: Unleash) {}
  resolveBooleanEvaluation(
    key: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    return Promise.resolve({ value: this.unleash.isEnabled(key, unleashContextOf(context), defaultValue) });
  }
  resolveStringEvaluation(_key: string, defaultValue: string): Promise<ResolutionDetails<string>> {
    return Promise.resolve({ value: defaultValue });
  }
  resolveNumberEvaluation(_key: string, defaultValue: number): Promise<ResolutionDetails<number>> {
    return Promise.resolve({ value: defaultValue });
  }
  resolveObjectEvaluation<T extends JsonValue>(_key: string, defaultValue: T): Promise<ResolutionDetails<T>> {
    return Promise.resolve({ value: defaultValue });
  }
}

/** Does no work at all: what the OpenFeature SDK costs by itself per evaluation. */
export class ConstantProvider implements Provider {
  readonly metadata = { name: 'constant (bench floor)' };
  readonly runsOn = 'server' as const;
  resolveBooleanEvaluation(): Promise<ResolutionDetails<boolean>> {
    return Promise.resolve({ value: true });
  }
  resolveStringEvaluation(_key: string, defaultValue: string): Promise<ResolutionDetails<string>> {
    return Promise.resolve({ value: defaultValue });
  }
  resolveNumberEvaluation(_key: string, defaultValue: number): Promise<ResolutionDetails<number>> {
    return Promise.resolve({ value: defaultValue });
  }
  resolveObjectEvaluation<T extends JsonValue>(_key: string, defaultValue: T): Promise<ResolutionDetails<T>> {
    return Promise.resolve({ value: defaultValue });
  }
}

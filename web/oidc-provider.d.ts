// oidc-provider (a devDependency, the real OIDC server the sign-in tests run against) ships no
// types: this declares the part of its API those tests use.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface Grant {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }
  interface ProviderContext {
    oidc: {
      client?: { clientId: string };
      session?: { accountId?: string; grantIdFor(clientId: string): string | undefined };
      /** The authorization request's parameters (`scope`, …). */
      params?: Record<string, unknown>;
      provider: Provider;
    };
  }
  interface Configuration {
    clients: Array<Record<string, unknown>>;
    cookies?: { keys: string[] };
    jwks?: { keys: Array<Record<string, unknown>> };
    ttl?: Record<string, number>;
    features?: Record<string, { enabled: boolean }>;
    conformIdTokenClaims?: boolean;
    claims?: Record<string, string[]>;
    interactions?: { url(ctx: ProviderContext, interaction: { uid: string }): string };
    findAccount(
      ctx: ProviderContext,
      accountId: string,
    ): Promise<{ accountId: string; claims(): Promise<Record<string, unknown>> }>;
    loadExistingGrant?(ctx: ProviderContext): Promise<Grant | undefined>;
  }
  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    Grant: { new (init: { clientId: string; accountId: string }): Grant; find(id: string): Promise<Grant | undefined> };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }
}

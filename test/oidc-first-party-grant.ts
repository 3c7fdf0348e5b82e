import type { ProviderContext } from 'oidc-provider';

/**
 * oidc-provider's `loadExistingGrant` for a first-party client (the console): the scopes it asks
 * for (`openid`, and `email` with OIDC_ALLOWED_DOMAINS) are granted at once, so no consent screen
 * follows the login form.
 */
export async function firstPartyGrant(ctx: ProviderContext) {
  const existing = ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
  if (existing) return ctx.oidc.provider.Grant.find(existing);
  const grant = new ctx.oidc.provider.Grant({
    clientId: ctx.oidc.client!.clientId,
    accountId: ctx.oidc.session!.accountId!,
  });
  const scope = ctx.oidc.params?.scope;
  grant.addOIDCScope(typeof scope === 'string' ? scope : 'openid');
  await grant.save();
  return grant;
}

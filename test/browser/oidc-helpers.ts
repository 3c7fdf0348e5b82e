import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { firstPartyGrant } from '../oidc-first-party-grant.js';

export interface LocalOidcServer {
  issuer: string;
  client: { client_id: string; client_secret: string };
  close(): Promise<void>;
}

/**
 * A real OpenID Connect server (oidc-provider) on loopback with its development login form: a
 * person types any login and password, and is signed in with that login as `sub`. The console is
 * a first-party client, so no consent screen follows.
 */
export async function startLocalOidcServer(redirectUri: string): Promise<LocalOidcServer> {
  const client = { client_id: 'switchyard-console', client_secret: 'a-test-client-secret-long-enough-for-hs256' };
  let handle: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void = () =>
    undefined;
  const server: Server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        ...client,
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    cookies: { keys: ['console-test-cookie-key'] },
    jwks: {
      keys: [
        {
          ...(await exportJWK((await generateKeyPair('RS256', { extractable: true })).privateKey)),
          alg: 'RS256',
          use: 'sig',
        },
      ],
    },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, accountId) {
      return { accountId, claims: async () => ({ sub: accountId }) };
    },
    loadExistingGrant: firstPartyGrant,
  });
  handle = provider.callback();
  return { issuer, client, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

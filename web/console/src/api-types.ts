/**
 * @generated
 * The HTTP API's paths, parameters and answers as TypeScript, for openapi-fetch (web/console/src/api.ts).
 * Generated from the route table's OpenAPI document by `npm run gen:api` (scripts/gen-api-types.ts):
 * do not edit. web/console-api-types.test.ts fails when it no longer matches the routes.
 */

export interface paths {
  '/api/v1/commands': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Run a chat command as the caller; a change answers once its change request is applied, refused or awaits a second person */
    post: operations['postCommands'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/flags': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every flag, latest version, optionally filtered by owner or kind */
    get: operations['getFlags'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/flags/{key}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One flag: the state of each environment the caller reads (or of `env`), rules with ids, overrides, guardrail, and running rollouts */
    get: operations['getFlagsKey'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/flags/{key}/history': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The audit rows of a flag the caller covers the environments of, newest first */
    get: operations['getFlagsKeyHistory'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/configs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every config entry, latest version, optionally filtered by owner or by being a secret (secret values are never shown) */
    get: operations['getConfigs'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/configs/{key}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One config entry (secret values are never shown); with `env`, the value that environment is served */
    get: operations['getConfigsKey'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/change-requests': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Change requests, newest first, a page at a time (`limit`, then `cursor` = the last `nextCursor`); `status=pending` lists those waiting for a second person; only requests the caller covers every place of, so a page may hold fewer than `limit` */
    get: operations['getChangeRequests'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/change-requests/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One change request: status, the change (old → new), classification and risk reasons, requester, decision, expiry */
    get: operations['getChangeRequestsId'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/change-requests/{id}/approve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Approve as the caller (never the requester: 403 with the reason); answers once the change is applied */
    post: operations['postChangeRequestsIdApprove'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/change-requests/{id}/reject': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Reject as the caller, with a reason */
    post: operations['postChangeRequestsIdReject'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/change-requests/{id}/revert': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Request the undo of an applied change: a new change request, classified and approved like any other */
    post: operations['postChangeRequestsIdRevert'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/rollouts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Running rollouts of the environments the caller reads: stage, next advance, guardrail status */
    get: operations['getRollouts'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/rollouts/{flag}/{env}/{action}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Pause, resume, promote or abort the running rollout of a flag in an environment, as the caller */
    post: operations['postRolloutsFlagEnvAction'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The audit log, newest first, filtered and paged (`nextBefore` asks for the next page): only rows of places the caller covers, so a page may hold fewer than `limit` */
    get: operations['getAudit'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit/verify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Walk the audit hash chain: intact with its head, or where it first breaks (the verdict only, never a row’s content) */
    get: operations['getAuditVerify'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/session': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Who the caller is; for a browser session, the CSRF value its state changes must send */
    get: operations['getSession'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/dev-login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** `switchyard dev` only, on loopback: sign in as any principal (sets an HttpOnly, SameSite=Strict session cookie) */
    get: operations['getDevLogin'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Sign out: clears the session cookie (a browser must send its CSRF value, as for every POST) */
    post: operations['postAuthLogout'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sign-in': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** How a browser signs in here: OpenID Connect at /auth/login, or (under `switchyard dev` only) /dev-login */
    get: operations['getSignIn'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/stale-flags': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Release and experiment flags past their expiry or older than the age limit, with why (as `/flag list --stale`) */
    get: operations['getStaleFlags'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: never;
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  postCommands: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description a chat command, exactly as typed in Slack */
          text: string;
          /** @description idempotency key: sending the same id again reaches the same change request instead of making a second one */
          requestId?: string;
        };
      };
    };
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description applied, awaiting_approval, refused, conflict, rejected, expired, failed, validating (still running), started (no worker yet), answered (a read) */
            status: string;
            /** @description why it was refused, rejected or failed */
            reason?: string;
            changeRequestId?: string;
            riskReasons?: string[];
            text: string;
            blocks: {
              [key: string]: unknown;
            }[];
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  getFlags: {
    parameters: {
      query?: {
        owner?: string;
        kind?: 'release' | 'ops' | 'permission' | 'experiment';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            flags: {
              key: string;
              version: number;
              changedAt: string;
              changedBy: string;
              changeId: string;
              /** @description the flag document: variations, per-environment state, rules with ids, overrides, kills, guardrail */
              document: {
                [key: string]: unknown;
              };
            }[];
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  getFlagsKey: {
    parameters: {
      query?: {
        /** @description only this environment (403 when the caller reads nothing of it) */
        env?: string;
      };
      header?: never;
      path: {
        key: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            key: string;
            version: number;
            changedAt: string;
            changedBy: string;
            changeId: string;
            /** @description the flag document: variations, per-environment state, rules with ids, overrides, kills, guardrail */
            document: {
              [key: string]: unknown;
            };
            environments: string[];
            rollouts: {
              [key: string]: {
                rolloutId: string;
                flagKey: string;
                env: string;
                variation: string;
                stages: (number | string)[];
                stageIndex: number;
                status: string;
                nextStepAt?: string;
                guardrail: string;
                message?: string;
              };
            };
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  getFlagsKeyHistory: {
    parameters: {
      query?: {
        limit?: number;
      };
      header?: never;
      path: {
        key: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            key: string;
            history: {
              seq: number;
              occurredAt: string;
              actor: string;
              onBehalfOf?: string;
              action: string;
              entityKind?: string;
              entityKey?: string;
              environment?: string;
              tenant?: string;
              changeId?: string;
              reason?: string;
              approvedBy?: string;
              requestId?: string;
              ticket?: string;
              diff?: unknown;
              detail: {
                [key: string]: unknown;
              };
              hash: string;
            }[];
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  getConfigs: {
    parameters: {
      query?: {
        owner?: string;
        /** @description `true`: only secrets; `false`: only plain config entries */
        secret?: 'true' | 'false';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            configs: {
              key: string;
              version: number;
              changedAt: string;
              changedBy: string;
              changeId: string;
              /** @description the config entry: type, global and scoped values; a secret shows `(sealed)` for each value it holds */
              document: {
                [key: string]: unknown;
              };
            }[];
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  getConfigsKey: {
    parameters: {
      query?: {
        env?: string;
      };
      header?: never;
      path: {
        key: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            key: string;
            version: number;
            changedAt: string;
            changedBy: string;
            changeId: string;
            /** @description the config entry: type, global and scoped values; a secret shows `(sealed)` for each value it holds */
            document: {
              [key: string]: unknown;
            };
            resolved?: {
              env: string;
              value?: unknown;
              scope?: string;
              error?: string;
            };
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  getChangeRequests: {
    parameters: {
      query?: {
        status?:
          | 'pending'
          | 'validating'
          | 'awaiting_approval'
          | 'approved'
          | 'applying'
          | 'applied'
          | 'rejected'
          | 'expired'
          | 'conflict'
          | 'refused'
          | 'failed';
        /** @description workflows per page (at most 200) */
        limit?: number;
        /** @description the nextCursor of the previous page */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            changeRequests: {
              requestId: string;
              status: string;
              /** @enum {string} */
              classification?: 'standard' | 'risky' | 'emergency';
              riskReasons: string[];
              requester: string;
              /** @description the requester’s reason */
              justification?: string;
              decidedBy?: string;
              decidedAt?: string;
              rejectionReason?: string;
              /** @description the change, old → new */
              summary?: string;
              message?: string;
              appliedVersion?: number;
              expiresAt?: string;
              /** @description where the change reaches (no env: every environment); who may read the request is judged on it */
              reach?: {
                env?: string;
                tenant?: string;
              }[];
              workflowId: string;
              startedAt: string;
            }[];
            /** @description set when more requests may follow: pass it as `cursor`; a filtered page may hold fewer than `limit` */
            nextCursor?: string;
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  getChangeRequestsId: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            requestId: string;
            status: string;
            /** @enum {string} */
            classification?: 'standard' | 'risky' | 'emergency';
            riskReasons: string[];
            requester: string;
            /** @description the requester’s reason */
            justification?: string;
            decidedBy?: string;
            decidedAt?: string;
            rejectionReason?: string;
            /** @description the change, old → new */
            summary?: string;
            message?: string;
            appliedVersion?: number;
            expiresAt?: string;
            /** @description where the change reaches (no env: every environment); who may read the request is judged on it */
            reach?: {
              env?: string;
              tenant?: string;
            }[];
            workflowId: string;
            diff?: string;
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  postChangeRequestsIdApprove: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description applied, awaiting_approval, refused, conflict, rejected, expired, failed, validating (still running), started (no worker yet), answered (a read) */
            status: string;
            /** @description why it was refused, rejected or failed */
            reason?: string;
            changeRequestId?: string;
            riskReasons?: string[];
            text: string;
            blocks: {
              [key: string]: unknown;
            }[];
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  postChangeRequestsIdReject: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          reason: string;
        };
      };
    };
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description applied, awaiting_approval, refused, conflict, rejected, expired, failed, validating (still running), started (no worker yet), answered (a read) */
            status: string;
            /** @description why it was refused, rejected or failed */
            reason?: string;
            changeRequestId?: string;
            riskReasons?: string[];
            text: string;
            blocks: {
              [key: string]: unknown;
            }[];
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  postChangeRequestsIdRevert: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          reason: string;
          requestId?: string;
        };
      };
    };
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description applied, awaiting_approval, refused, conflict, rejected, expired, failed, validating (still running), started (no worker yet), answered (a read) */
            status: string;
            /** @description why it was refused, rejected or failed */
            reason?: string;
            changeRequestId?: string;
            riskReasons?: string[];
            text: string;
            blocks: {
              [key: string]: unknown;
            }[];
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  getRollouts: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            rollouts: {
              rolloutId: string;
              flagKey: string;
              env: string;
              variation: string;
              stages: (number | string)[];
              stageIndex: number;
              status: string;
              nextStepAt?: string;
              guardrail: string;
              message?: string;
              workflowId: string;
            }[];
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  postRolloutsFlagEnvAction: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        flag: string;
        env: string;
        action: 'pause' | 'resume' | 'promote' | 'abort';
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            status: string;
            rollout?: {
              rolloutId: string;
              flagKey: string;
              env: string;
              variation: string;
              stages: (number | string)[];
              stageIndex: number;
              status: string;
              nextStepAt?: string;
              guardrail: string;
              message?: string;
            };
            text: string;
            blocks: {
              [key: string]: unknown;
            }[];
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  getAudit: {
    parameters: {
      query?: {
        /** @description the entity key (a flag or config key, a principal for role changes) */
        entity?: string;
        /** @description the entity kind: flag, config, secret, role, sdk-key, api-token … */
        kind?: string;
        /** @description rows written by this principal or on its behalf */
        actor?: string;
        /** @description rows at or after this time (ISO 8601) */
        since?: string;
        /** @description paging: the `nextBefore` of the previous page */
        before?: number;
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            entries: {
              seq: number;
              occurredAt: string;
              actor: string;
              onBehalfOf?: string;
              action: string;
              entityKind?: string;
              entityKey?: string;
              environment?: string;
              tenant?: string;
              changeId?: string;
              reason?: string;
              approvedBy?: string;
              requestId?: string;
              ticket?: string;
              diff?: unknown;
              detail: {
                [key: string]: unknown;
              };
              hash: string;
            }[];
            nextBefore?: number;
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  getAuditVerify: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            ok: boolean;
            rows: number;
            head?: {
              seq: number;
              hash: string;
            };
            brokenAt?: {
              seq: number;
              id: number;
              reason: string;
            };
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  getSession: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            principal: string;
            /** @enum {string} */
            via: 'token' | 'session';
            /** @description send it as x-csrf-token on every POST made with the session cookie */
            csrfToken?: string;
            expiresAt?: string;
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  getDevLogin: {
    parameters: {
      query: {
        user: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            principal: string;
            /** @enum {string} */
            via: 'token' | 'session';
            /** @description send it as x-csrf-token on every POST made with the session cookie */
            csrfToken?: string;
            expiresAt?: string;
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  postAuthLogout: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @constant */
            signedOut: true;
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  getSignIn: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            oidc: boolean;
            devLogin: boolean;
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
  getStaleFlags: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            maxAgeDays: number;
            flags: {
              key: string;
              kind: string;
              owner: string;
              /** @enum {string} */
              why: 'expired' | 'old';
              expiry?: string;
              createdAt?: string;
            }[];
          };
        };
      };
      /** @description bad input: the message names the field and what it must be */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no, unknown, expired or revoked credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description not allowed (a role, 4-eyes, a missing CSRF header) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description no such entry or change request */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description the state no longer allows it (already decided, changed meanwhile) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
      /** @description INTERNAL: the message is a reference to the line in the server log that says what failed */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              code: string;
              message: string;
            };
          };
        };
      };
    };
  };
}

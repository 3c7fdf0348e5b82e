/**
 * One error base for everything a user can act on: a stable code, an HTTP status for the
 * evaluator and bot, and a message that says what was wrong.
 */
export class SwitchyardError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Codes of refusals the user can act on (no role, a bad value, a stale version, no such entry):
 * a change request that meets one ends refused, not failed, and no log reports it as a failure.
 */
export const USER_ERROR_CODES: ReadonlySet<string> = new Set(['VALIDATION', 'FORBIDDEN', 'CONFLICT', 'NOT_FOUND']);

export class ValidationError extends SwitchyardError {
  constructor(message: string) {
    super(message, 'VALIDATION', 400);
  }
}

/** The entry changed since the change was requested (optimistic concurrency). */
export class ConflictError extends SwitchyardError {
  constructor(message: string) {
    super(message, 'CONFLICT', 409);
  }
}

export class NotFoundError extends SwitchyardError {
  constructor(message: string) {
    super(message, 'NOT_FOUND', 404);
  }
}

export class ForbiddenError extends SwitchyardError {
  constructor(message: string) {
    super(message, 'FORBIDDEN', 403);
  }
}

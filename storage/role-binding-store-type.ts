import type { RoleBinding } from '../core/rbac.js';
import type { RoleBindingInput } from './role-bindings.js';

/** A grant or revoke carried by a change request; `changeId` makes it happen once. */
export type RoleChangeInput = RoleBindingInput & { changeId: string };

/** Role bindings as authorization reads them and role-change requests write them. */
export interface RoleBindingStore {
  /** A subject's live bindings (neither revoked nor past `until`), read fresh (never from the request); unknown role names are left out. */
  liveBindings(subject: string): Promise<RoleBinding[]>;
  /** Grants once per change id; `applied: false` when it was done before or the subject already held it with the same end. */
  grant(input: RoleChangeInput): Promise<{ applied: boolean }>;
  /** Revokes once per change id; NotFoundError when there is no such live binding the first time. */
  revoke(input: RoleChangeInput): Promise<{ applied: boolean }>;
}

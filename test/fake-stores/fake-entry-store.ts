import type { AppliedChange, Change } from '../../core/change.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { ConfigEntry } from '../../core/model/config-entry.js';
import type { FlagDocument } from '../../core/model/flag.js';
import type { AppliedChangeRecord } from '../../storage/applied-change.js';
import type { EntryStore, LoadedEntry } from '../../storage/entry-store-type.js';
import type { LifecycleFlag } from '../../storage/stale-flags.js';
import type { FakeAuditStore } from './fake-audit-store.js';

interface StoredVersion {
  version: number;
  document: FlagDocument | ConfigEntry;
  change: Change;
  at: Date;
}

/**
 * Versions of flags and config entries in memory, with applyChange's contract: once per change id,
 * ConflictError on a stale expected version, one audit row per write. It does not validate
 * documents or publish snapshots: that is storage's job, covered by its e2e tests.
 */
export class FakeEntryStore implements EntryStore {
  private readonly versions = new Map<string, StoredVersion[]>();
  private readonly applied = new Map<string, AppliedChange>();
  /** Every change this store was asked to apply, in order (repeats included). */
  readonly calls: Change[] = [];

  constructor(private readonly audit: FakeAuditStore) {}

  async latest(kind: 'flag' | 'config', key: string): Promise<LoadedEntry | null> {
    const last = this.versions.get(`${kind} ${key}`)?.at(-1);
    return last ? ({ kind, document: structuredClone(last.document), version: last.version } as LoadedEntry) : null;
  }

  async apply(change: Change): Promise<AppliedChange> {
    this.calls.push(change);
    const prior = this.applied.get(change.changeId);
    if (prior) return { ...prior, applied: false };
    const { kind, key } = change.target;
    const history = this.versions.get(`${kind} ${key}`) ?? [];
    const found = history.at(-1)?.version ?? 0;
    if (found !== change.expectedVersion)
      throw new ConflictError(
        `${kind} ${key} changed since the request: expected version ${change.expectedVersion}, found ${found}`,
      );
    const version = found + 1;
    history.push({ version, document: structuredClone(change.target.document), change, at: new Date() });
    this.versions.set(`${kind} ${key}`, history);
    this.audit.append({
      actor: change.actor,
      onBehalfOf: change.onBehalfOf,
      action: change.action,
      entityKind: kind,
      entityKey: key,
      environment: change.environment,
      tenant: change.tenant,
      changeId: change.changeId,
      reason: change.reason,
      approvedBy: change.approvedBy,
      requestId: change.requestId,
      detail: { version, previousVersion: found },
    });
    const result: AppliedChange = {
      changeId: change.changeId,
      key,
      kind,
      version,
      applied: true,
      auditId: this.audit.rows.length,
      snapshots: {},
    };
    this.applied.set(change.changeId, result);
    return result;
  }

  async appliedChange(id: string): Promise<AppliedChangeRecord<FlagDocument | ConfigEntry>> {
    for (const [entry, history] of this.versions) {
      const written = history.filter((v) => v.change.changeId === id || v.change.requestId === id);
      if (!written.length) continue;
      const [kind, key] = entry.split(' ') as ['flag' | 'config', string];
      const firstVersion = written[0]!.version;
      const distinct = (values: Array<string | undefined>) => [
        ...new Set(values.filter((v): v is string => v !== undefined)),
      ];
      return {
        id,
        kind,
        key,
        firstVersion,
        lastVersion: written.at(-1)!.version,
        before: history.find((v) => v.version === firstVersion - 1)?.document,
        actions: distinct(written.map((v) => v.change.action)),
        environments: distinct(written.map((v) => v.change.environment)),
        tenants: distinct(written.map((v) => v.change.tenant)),
      };
    }
    throw new NotFoundError(`no applied change has the id \`${id}\``);
  }

  async lifecycleFlags(): Promise<LifecycleFlag[]> {
    const flags: LifecycleFlag[] = [];
    for (const [entry, history] of [...this.versions].sort(([a], [b]) => a.localeCompare(b))) {
      const document = history.at(-1)!.document as FlagDocument;
      if (!entry.startsWith('flag ') || !['release', 'experiment'].includes(document.kind)) continue;
      flags.push({ key: document.key, document, firstCreatedAt: history[0]!.at });
    }
    return flags;
  }
}

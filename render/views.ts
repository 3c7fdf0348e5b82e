// The shapes replies render, declared here so render/ needs nothing from storage (its records have these fields).

/** What a reply shows of one stored version of an entry (storage's EntryVersion has these fields). */
export interface VersionView<D> {
  document: D;
  version: number;
  action: string;
  createdBy: string;
  createdAt: string;
}

/** What a history line shows of one audit row (storage's AuditRow has these fields). */
export interface HistoryRow {
  occurredAt: string;
  action: string;
  actor: string;
  environment?: string;
  onBehalfOf?: string;
  approvedBy?: string;
  reason?: string;
  requestId?: string;
  changeId?: string;
}

/** `2026-11-24T18:30:05.123Z` → `2026-11-24 18:30:05 UTC`: unambiguous in chat and in a terminal. */
export function formatTime(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Slack mentions for Slack user ids (U…/W…), plain text for anything else (service accounts, `system`). */
export function who(user: string | undefined): string {
  if (!user) return 'someone';
  return /^[UW][A-Z0-9_]+$/.test(user) ? `<@${user}>` : user;
}

export function scopeOf(facts: { env?: string; tenant?: string }): string {
  return [facts.env ?? 'every environment', facts.tenant && `tenant ${facts.tenant}`].filter(Boolean).join(', ');
}

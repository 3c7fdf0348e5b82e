import type { Cohort, Tenant } from '../core/model/tenancy.js';
import { context, section, type Message } from './blocks.js';

/** `/tenant list`: every tenant with its tier and cohorts. */
export function renderTenantList(tenants: Array<Tenant & { cohorts: string[] }>): Message {
  if (!tenants.length) {
    const text = 'No tenants yet: add one with /tenant add <id> --tier <tier> --name "<text>".';
    return { text, blocks: [section(text)] };
  }
  const lines = tenants.map(
    (t) =>
      `*${t.id}*${t.name === t.id ? '' : ` (${t.name})`} — tier ${t.tier}; cohorts: ${t.cohorts.join(', ') || 'none'}`,
  );
  const text = `${tenants.length} tenant${tenants.length === 1 ? '' : 's'}`;
  return {
    text,
    blocks: [
      section(`*${text}*`),
      section(lines.join('\n')),
      context(
        'Apps send `tenant.id` and `tenant.tier` in the evaluation context. `/tenant set <id> --tier <tier>` changes a tier.',
      ),
    ],
  };
}

/** `/cohort list`: every cohort with its tenants, in the order a cohort rollout would name them. */
export function renderCohortList(cohorts: Cohort[]): Message {
  if (!cohorts.length) {
    const text =
      'No cohorts yet: create one with /cohort create <name> --description "<text>", then /cohort add <name> <tenant…>.';
    return { text, blocks: [section(text)] };
  }
  const lines = cohorts.map(
    (c) =>
      `*${c.name}*${c.description ? ` (${c.description})` : ''} — ${c.members.length} tenant${c.members.length === 1 ? '' : 's'}: ${c.members.join(', ') || 'none yet'}`,
  );
  const text = `${cohorts.length} cohort${cohorts.length === 1 ? '' : 's'}`;
  return {
    text,
    blocks: [
      section(`*${text}*`),
      section(lines.join('\n')),
      context('Roll out cohort by cohort with `/flag rollout <key> <variation> --env <env> --cohorts a,b,c`.'),
    ],
  };
}

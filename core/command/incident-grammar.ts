import type { Subcommand } from './args.js';

/** The /incident grammar: break-glass incidents, read and reviewed from chat (docs/design.md#break-glass). */
export const INCIDENT_SUBCOMMANDS: Subcommand[] = [
  {
    path: ['list'],
    name: 'incident.list',
    options: { open: 'boolean' },
    build: (a) => ({ name: 'incident.list', open: a.flag('open') }),
  },
  {
    path: ['show'],
    name: 'incident.show',
    options: {},
    build: (a) => ({ name: 'incident.show', id: a.positional(0, '<id>') }),
  },
  {
    path: ['review'],
    name: 'incident.review',
    options: { notes: 'value' },
    build: (a) => ({ name: 'incident.review', id: a.positional(0, '<id>'), notes: a.required('notes', '"<text>"') }),
  },
];

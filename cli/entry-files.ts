import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ValidationError } from '../core/errors.js';

export interface EntryFile {
  file: string;
  document: unknown;
}

/** The lint settings beside flags-as-code (cli/lint-command.ts): never an entry. */
export const LINT_CONFIG_FILE = 'switchyard.config.json';

/**
 * Reads flags-as-code: one JSON file, or every `.json` file below a directory (sorted, so an
 * import is reproducible), except `switchyard.config.json`. A file holds one entry or an array of entries.
 */
export async function readEntryFiles(path: string): Promise<EntryFile[]> {
  const info = await stat(path).catch(() => {
    throw new ValidationError(`${path}: no such file or directory`);
  });
  const files = info.isDirectory() ? await jsonFilesBelow(path) : [path];
  const entries: EntryFile[] = [];
  for (const file of files) {
    let parsed: unknown;
    try {
      // One synchronous read per file: a CLI reads nothing else meanwhile, and awaiting 10,000 reads
      // one after another cost seconds where these take a fraction of one.
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ValidationError(`${file}: not valid JSON (${(error as Error).message})`);
    }
    for (const document of Array.isArray(parsed) ? parsed : [parsed]) entries.push({ file, document });
  }
  return entries;
}

async function jsonFilesBelow(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await jsonFilesBelow(full)));
    else if (extname(entry.name) === '.json' && entry.name !== LINT_CONFIG_FILE) found.push(full);
  }
  return found;
}

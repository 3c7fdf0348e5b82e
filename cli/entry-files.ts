import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ValidationError } from '../core/errors.js';

export interface EntryFile {
  file: string;
  document: unknown;
}

/**
 * Reads flags-as-code: one JSON file, or every `.json` file below a directory (sorted, so an
 * import is reproducible). A file holds one entry or an array of entries.
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
      parsed = JSON.parse(await readFile(file, 'utf8'));
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
    else if (extname(entry.name) === '.json') found.push(full);
  }
  return found;
}

import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parseSnapshot } from '../core/parse-snapshot.js';
import type { SnapshotListener, SnapshotSource } from './snapshot-source.js';

export interface FileSourceOptions {
  /** Re-read the file when it changes (default false: read once). */
  watch?: boolean;
  /** Quiet time after the last change event before re-reading, in ms (default 50): editors write in several steps. */
  debounceMs?: number;
}

/**
 * A snapshot from an EnvSnapshot JSON file, e.g. the output of
 * `switchyard export --env production --snapshot > production.json`. With `watch`, a newer
 * version written to the file is picked up; the directory is watched rather than the file,
 * because editors and `mv` replace the file and a watch on the old one would go quiet.
 *
 * @example
 * new SwitchyardProvider(fileSource('/etc/switchyard/production.json', { watch: true }));
 */
export function fileSource(path: string, options: FileSourceOptions = {}): SnapshotSource {
  const file = resolve(path);
  const description = `file:${file}`;
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;

  const read = async () => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new Error(
        `${description}: cannot read the snapshot file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    return parseSnapshot(text, description);
  };

  const reread = (listener: SnapshotListener) => {
    read().then(
      (snapshot) => {
        listener.recovered();
        listener.snapshot(snapshot);
      },
      // A half-written file fails to parse; the next change event reads it again.
      (error: Error) => listener.stale(error),
    );
  };

  return {
    description,
    async start(listener) {
      const first = await read();
      if (options.watch) {
        const name = basename(file);
        watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
          if (changed !== null && changed !== name) return;
          clearTimeout(timer);
          timer = setTimeout(() => reread(listener), options.debounceMs ?? 50);
          timer.unref();
        });
        watcher.on('error', (error) =>
          listener.stale(new Error(`${description}: watching stopped (${error.message})`)),
        );
      }
      return first;
    },
    async stop() {
      clearTimeout(timer);
      watcher?.close();
      watcher = undefined;
    },
  };
}

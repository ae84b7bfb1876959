/** The shape every dataset importer has: which dataset it reads, and how it imports the files found for it. */
import type { DatasetLocation, DatasetSpec } from './dataset-files.ts';
import type { FileResult, ImportContext } from './file-import.ts';

/** One importer per dataset format. */
export interface SourceImporter {
  /** The name `earworm import --source` takes. */
  readonly name: string;
  /** The `source` values it writes (track_sources, playlists, interactions, ...). */
  readonly sources: readonly string[];
  readonly dataset: DatasetSpec;
  /** Imports the located files in order; each file resumes from its own checkpoint. */
  importFiles(ctx: ImportContext, location: DatasetLocation): Promise<FileResult[]>;
}

/** The located file with the given label suffix (e.g. `yes_small/train.txt`); the spec guarantees it exists. */
export function fileNamed(location: DatasetLocation, suffix: string): { path: string; label: string } {
  const f = location.files.find((x) => x.label.endsWith(`/${suffix}`));
  if (f === undefined) throw new Error(`dataset location lacks ${suffix}`);
  return f;
}

/** Typed reads from a ModelSnapshot that throw InvalidSnapshotError instead of returning garbage. */
import { InvalidSnapshotError } from './errors.ts';
import type { ModelSnapshot, SnapshotArray } from './model-snapshot.ts';

/** A numeric parameter, or InvalidSnapshotError. */
export function numberParam(snapshot: ModelSnapshot, name: string): number {
  const v = snapshot.params[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidSnapshotError(`${snapshot.kind}: parameter ${name} missing`);
  return v;
}

/** A string parameter, or InvalidSnapshotError. */
export function stringParam(snapshot: ModelSnapshot, name: string): string {
  const v = snapshot.params[name];
  if (typeof v !== 'string') throw new InvalidSnapshotError(`${snapshot.kind}: parameter ${name} missing`);
  return v;
}

/** An array of the given type and (optionally) length, or InvalidSnapshotError. */
export function arrayField<T extends SnapshotArray>(
  snapshot: ModelSnapshot,
  name: string,
  type: { new (n: number): T },
  length?: number,
): T {
  const a = snapshot.arrays[name];
  if (!(a instanceof type)) throw new InvalidSnapshotError(`${snapshot.kind}: array ${name} missing or of the wrong type`);
  if (length !== undefined && a.length !== length) {
    throw new InvalidSnapshotError(`${snapshot.kind}: array ${name} has ${a.length} values, expected ${length}`);
  }
  return a;
}

/** Checks a snapshot's kind. */
export function expectKind(snapshot: ModelSnapshot, kind: string): void {
  if (snapshot.kind !== kind) throw new InvalidSnapshotError(`expected a ${kind} snapshot, got ${snapshot.kind}`);
}

/** The PreferenceStore contract against the Postgres adapter and the in-memory fake. */
import { describe } from 'vitest';
import { preferenceStoreContract } from './preference-store.contract.ts';
import { BACKENDS } from './support/backends.ts';

describe.each(BACKENDS)('PreferenceStore contract: %s', (_name, open) => preferenceStoreContract(open));

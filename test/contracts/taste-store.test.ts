/** The TasteStore contract against the Postgres adapter and the in-memory fake. */
import { describe } from 'vitest';
import { tasteStoreContract } from './taste-store.contract.ts';
import { BACKENDS } from './support/backends.ts';

describe.each(BACKENDS)('TasteStore contract: %s', (_name, open) => tasteStoreContract(open));

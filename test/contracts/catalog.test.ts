/** The Catalog contract against the Postgres adapter and the in-memory fake. */
import { describe } from 'vitest';
import { catalogContract } from './catalog.contract.ts';
import { BACKENDS } from './support/backends.ts';

describe.each(BACKENDS)('Catalog contract: %s', (_name, open) => catalogContract(open));

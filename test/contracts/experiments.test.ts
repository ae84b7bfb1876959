/** The Experiments contract against the Postgres adapter and the in-memory fake. */
import { describe } from 'vitest';
import { experimentsContract } from './experiments.contract.ts';
import { BACKENDS } from './support/backends.ts';

describe.each(BACKENDS)('Experiments contract: %s', (_name, open) => experimentsContract(open));

/** The RatingStore contract against the Postgres adapter and the in-memory fake. */
import { describe } from 'vitest';
import { ratingStoreContract } from './rating-store.contract.ts';
import { BACKENDS } from './support/backends.ts';

describe.each(BACKENDS)('RatingStore contract: %s', (_name, open) => ratingStoreContract(open));

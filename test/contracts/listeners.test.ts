/** The Listeners contract against the Postgres adapter and the in-memory fake. */
import { describe } from 'vitest';
import { listenersContract } from './listeners.contract.ts';
import { BACKENDS } from './support/backends.ts';

describe.each(BACKENDS)('Listeners contract: %s', (_name, open) => listenersContract(open));

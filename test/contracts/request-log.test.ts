/** The RequestLog contract against the Postgres adapter and the in-memory fake. */
import { describe } from 'vitest';
import { requestLogContract } from './request-log.contract.ts';
import { BACKENDS } from './support/backends.ts';

describe.each(BACKENDS)('RequestLog contract: %s', (_name, open) => requestLogContract(open));

import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs (Powertools). Personal data never goes in: log ids, counts and codes, and
 * when a NIK or account must be named, only its masked form (`shared/domain/mask.ts`).
 */
export const logger = new Logger({ serviceName: 'khbs-bkk' });

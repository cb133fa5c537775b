import { getFileHandler } from './exchange/files.ts';

/** `GetBulogFile` (routes.ts): the BULOG machine client's files (`functions/api/exchange/files.ts`). */
export const handler = getFileHandler('GetBulogFile', 'BULOG');

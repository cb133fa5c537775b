import { listFilesHandler } from './exchange/files.ts';

/** `ListBulogFiles` (routes.ts): the BULOG machine client's files (`functions/api/exchange/files.ts`). */
export const handler = listFilesHandler('ListBulogFiles', 'BULOG');

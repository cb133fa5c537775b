import { listFilesHandler } from './exchange/files.ts';

/** `ListBankFiles` (routes.ts): the BANK machine client's files (`functions/api/exchange/files.ts`). */
export const handler = listFilesHandler('ListBankFiles', 'BANK');

import { importAnswerStatusHandler } from './exchange/answer-status.ts';

/** `GetBankImport` (routes.ts): the import of an answer Bank Kalteng put (`functions/api/exchange/answer-status.ts`). */
export const handler = importAnswerStatusHandler('GetBankImport', 'BANK');

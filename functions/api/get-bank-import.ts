import { importAnswerStatusHandler } from './exchange/answers.ts';

/** `GetBankImport` (routes.ts): the import of an answer Bank Kalteng put (`functions/api/exchange/answers.ts`). */
export const handler = importAnswerStatusHandler('GetBankImport', 'BANK');

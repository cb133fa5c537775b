import { importAnswerStatusHandler } from './exchange/answer-status.ts';

/** `GetBulogImport` (routes.ts): the import of a BAST Perum BULOG put (`functions/api/exchange/answer-status.ts`). */
export const handler = importAnswerStatusHandler('GetBulogImport', 'BULOG');

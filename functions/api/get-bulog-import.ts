import { importAnswerStatusHandler } from './exchange/answers.ts';

/** `GetBulogImport` (routes.ts): the import of a BAST Perum BULOG put (`functions/api/exchange/answers.ts`). */
export const handler = importAnswerStatusHandler('GetBulogImport', 'BULOG');

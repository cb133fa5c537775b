import { importAnswerHandler } from './exchange/answers.ts';

/** `CreateBulogBast` (routes.ts): Perum BULOG puts a kabupaten's handover records (BAST) (`functions/api/exchange/answers.ts`). */
export const handler = importAnswerHandler('CreateBulogBast', 'BAST');

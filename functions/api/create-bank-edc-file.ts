import { importAnswerHandler } from './exchange/answers.ts';

/** `CreateBankEdcFile` (routes.ts): Bank Kalteng puts a kabupaten's EDC transactions (`functions/api/exchange/answers.ts`). */
export const handler = importAnswerHandler('CreateBankEdcFile', 'EDC');

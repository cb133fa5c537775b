import { importAnswerHandler } from './exchange/answers.ts';

/** `CreateBankAccountAnswer` (routes.ts): Bank Kalteng puts its answer to the account-opening requests (`functions/api/exchange/answers.ts`). */
export const handler = importAnswerHandler('CreateBankAccountAnswer', 'JAWABAN_REKENING');

import { bankReportStatusHandler } from './exchange/answers.ts';

/** `GetBankReport` (routes.ts): a bank report's import, read by Bank Kalteng (`functions/api/exchange/answers.ts`). */
export const handler = bankReportStatusHandler();

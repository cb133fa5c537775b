import { bankReportUploadHandler } from './exchange/answers.ts';

/** `CreateBankReport` (routes.ts): Bank Kalteng puts a disbursement report (`functions/api/exchange/answers.ts`). */
export const handler = bankReportUploadHandler();

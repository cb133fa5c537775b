import type { ResponseBody } from '#shared/contract/api.ts';
import { ComplaintCodeParamsSchema } from '#shared/contract/requests.ts';
import {
  COMPLAINT_CATEGORY_LABEL,
  COMPLAINT_STATUS_LABEL,
  normalizeComplaintCode,
} from '#shared/domain/complaints.ts';
import { NotFoundError } from '#shared/errors.ts';
import { json, parseInput, publicHandler } from '#shared/http/http-handler.ts';
import { complaintDeps } from './complaint-view.ts';

/**
 * `GET /complaints/status/{code}` (public): what the citizen holding the code may know — status,
 * category, dates, due date and the answer written for them. Never a name, a NIK, the text, the
 * desa or who handles it. A malformed code and an unknown one get the same 404.
 */
export const handler = publicHandler(async (event) => {
  const { code: raw } = parseInput(ComplaintCodeParamsSchema, event.pathParameters ?? {});
  const code = normalizeComplaintCode(raw);
  const record = code ? await complaintDeps().complaints.getByCode(code) : undefined;
  if (!record) {
    throw new NotFoundError('Kode pengaduan tidak dikenal. Periksa kembali kode seperti ADU-XXXX-XXXX-XXXX.');
  }
  return json(200, {
    code: record.code,
    status: record.status,
    statusLabel: COMPLAINT_STATUS_LABEL[record.status],
    category: record.category,
    categoryLabel: COMPLAINT_CATEGORY_LABEL[record.category],
    lodgedAt: record.lodgedAt,
    dueDate: record.dueDate,
    ...(record.answeredAt ? { answeredAt: record.answeredAt } : {}),
    ...(record.answer ? { answer: record.answer } : {}),
    ...(record.closedAt ? { closedAt: record.closedAt } : {}),
  } satisfies ResponseBody<'GetComplaintStatus', 200>);
});

import { CloseComplaintBodySchema, ComplaintParamsSchema } from '#shared/contract/requests.ts';
import { BadRequestError } from '#shared/errors.ts';
import { whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { act, complaintView, loadVisible } from './complaint-view.ts';
import { routeById } from './routes.ts';

/**
 * `POST /complaints/{complaintId}/close` `{outcome: SELESAI | DITOLAK, answer?}`: closes a complaint
 * (SELESAI from DITANGANI; DITOLAK from BARU or DITANGANI). The citizen must have an answer: the one
 * given before, or the one sent here (which replaces it).
 */
export const handler = postHandler(routeById('CloseComplaint'), async ({ event, scope }) => {
  const { complaintId } = parseInput(ComplaintParamsSchema, event.pathParameters ?? {});
  const body = parseInput(CloseComplaintBodySchema, jsonBody(event));
  const record = await loadVisible(complaintId, scope);
  if (!body.answer && !record.answer) {
    throw new BadRequestError('Permintaan tidak valid.', [
      {
        path: 'answer',
        message: 'Pengaduan belum dijawab: tuliskan jawaban untuk pelapor (minimal 10 karakter).',
      },
    ]);
  }
  const after = await act(
    record,
    body.outcome === 'SELESAI' ? 'CLOSE' : 'REJECT',
    scope,
    (before, at) => ({
      ...(body.answer
        ? { answer: body.answer, answeredAt: before.answeredAt ?? at, answeredBy: whoOf(scope) }
        : {}),
      closedAt: at,
      closedBy: whoOf(scope),
    }),
    body.answer,
  );
  return json(200, await complaintView(after, scope, new Date()));
});

import { LodgeComplaintBodySchema } from '#shared/contract/requests.ts';
import { publicationOpen } from '#shared/domain/complaints.ts';
import { BadRequestError } from '#shared/errors.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { publicPostHandler } from '#shared/http/public-post-handler.ts';
import { complaintDeps, limitSource, lodge, lodgedView } from './complaint-view.ts';
import { routeById } from './routes.ts';

/**
 * `POST /complaints` (public, no account): a citizen's complaint. Limited per source by the
 * application itself (429 beyond it), validated (the desa must exist; a NIK or No KK is checked as
 * a shape only), and answered 201 with the code and the due date: the same answer whatever the NIK
 * or No KK, so the route cannot be used to learn whether anyone is registered. The family they name
 * is linked on the server, for staff only. A PUNGLI complaint goes to the province's queue. An
 * objection (SANGGAHAN) may name a published list while its window is open: its desa is the list's.
 */
export const handler = publicPostHandler(routeById('LodgeComplaint'), async (event) => {
  const now = new Date();
  await limitSource(event, now);
  const { publicationId, desaCode, ...input } = parseInput(LodgeComplaintBodySchema, jsonBody(event));
  const publication = publicationId
    ? await complaintDeps().complaints.getPublication(publicationId)
    : undefined;
  if (publicationId && (!publication || !publicationOpen(publication.until, now))) {
    throw new BadRequestError('Permintaan tidak valid.', [
      { path: 'publicationId', message: 'Pengumuman tidak dikenal atau masa sanggahannya sudah berakhir.' },
    ]);
  }
  if (publication && desaCode !== undefined && desaCode !== publication.desaCode) {
    throw new BadRequestError('Permintaan tidak valid.', [
      { path: 'desaCode', message: 'Sanggahan ditujukan pada desa pengumuman yang disebut.' },
    ]);
  }
  const record = await lodge(
    { ...input, desaCode: publication?.desaCode ?? desaCode ?? '', channel: 'WEB' },
    undefined,
    now,
    publication?.publicationId,
  );
  return json(201, lodgedView(record));
});

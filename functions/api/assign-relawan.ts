import type { ResponseBody } from '#shared/contract/api.ts';
import { AssignRelawanBodySchema } from '#shared/contract/requests.ts';
import { ConflictError, NotFoundError } from '#shared/errors.ts';
import { requireRegion, whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';
import { vervalRepo } from './verval-access.ts';

/**
 * `POST /tahap/{tahapId}/relawan` `{ desa, relawan: { sub, name }, remove? }`: the kabupaten's
 * operator assigns a relawan to a desa of their region (or removes them), and gets the desa's
 * relawan back. Assigning twice is harmless. Only while the tahap's lists are being made.
 */
export const handler = postHandler(routeById('AssignRelawan'), async ({ event, scope }) => {
  const tahap = await loadTahap(event);
  const body = parseInput(AssignRelawanBodySchema, jsonBody(event));
  const region = body.desa.slice(0, 5);
  requireRegion(scope, region);
  if (!(region in tahap.snapshots)) throw new NotFoundError('Kabupaten/kota desa ini tidak ikut tahap ini.');
  // Relawan work through the distribution too (card handovers), and a kabupaten may still be in
  // verval while another's distribution has opened (the tahap is then PENYALURAN): only a closed or
  // cancelled tahap takes no more assignments.
  if (tahap.status === 'SELESAI' || tahap.status === 'DIBATALKAN') {
    throw new ConflictError('Penugasan relawan tidak dapat diubah lagi: tahap ini sudah ditutup.', {
      reason: 'TAHAP_STATUS',
    });
  }
  const repo = vervalRepo();
  if (body.remove) await repo.unassign(tahap.tahapId, body.desa, body.relawan.sub);
  else {
    await repo.assign({
      tahapId: tahap.tahapId,
      desaCode: body.desa,
      region,
      relawan: body.relawan,
      assignedAt: new Date().toISOString(),
      assignedBy: whoOf(scope),
    });
  }
  const items = await repo.ofDesa(tahap.tahapId, body.desa);
  return json(200, {
    items: items.map(({ assignedBy, ...item }) => ({ ...item, assignedBy: { name: assignedBy.name } })),
  } satisfies ResponseBody<'AssignRelawan', 200>);
});

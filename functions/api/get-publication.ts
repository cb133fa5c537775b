import type { ResponseBody } from '#shared/contract/api.ts';
import { PublicationParamsSchema } from '#shared/contract/requests.ts';
import { publicationOpen } from '#shared/domain/complaints.ts';
import { desaName } from '#shared/domain/wilayah.ts';
import { NotFoundError } from '#shared/errors.ts';
import { json, parseInput, publicHandler } from '#shared/http/http-handler.ts';
import { complaintDeps } from './complaint-view.ts';

/**
 * `GET /publications/{publicationId}` (public): a desa's published KPM list while its objection
 * window is open — the penerima's names and masked NIKs, and how to object (a complaint of category
 * SANGGAHAN naming this id). Once the window has closed it says so and shows no one.
 */
export const handler = publicHandler(async (event) => {
  const { publicationId } = parseInput(PublicationParamsSchema, event.pathParameters ?? {});
  const record = await complaintDeps().complaints.getPublication(publicationId);
  if (!record) throw new NotFoundError('Pengumuman tidak ditemukan.');
  const name = desaName(record.desaCode);
  const base = {
    publicationId: record.publicationId,
    tahapId: record.tahapId,
    desaCode: record.desaCode,
    ...(name ? { desaName: name } : {}),
    until: record.until,
  };
  if (!publicationOpen(record.until, new Date())) {
    return json(200, {
      ...base,
      status: 'DITUTUP',
      message: `Masa sanggahan telah berakhir pada ${record.until}. Pengaduan lain tetap dapat disampaikan melalui formulir pengaduan.`,
    } satisfies ResponseBody<'GetPublication', 200>);
  }
  return json(200, {
    ...base,
    status: 'DIBUKA',
    message: `Sanggahan atas daftar ini dapat disampaikan sampai ${record.until} melalui formulir pengaduan (kategori SANGGAHAN) dengan menyebut ID pengumuman ${record.publicationId}.`,
    entries: record.entries,
  } satisfies ResponseBody<'GetPublication', 200>);
});

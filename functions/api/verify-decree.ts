import type { ResponseBody } from '#shared/contract/api.ts';
import { VerifyParamsSchema } from '#shared/contract/requests.ts';
import {
  DECREE_STATUS_LABEL,
  decreePeriodLabel,
  decreeSubject,
  normalizeVerifyCode,
} from '#shared/domain/decree.ts';
import { regionName } from '#shared/domain/wilayah.ts';
import { BadRequestError, NotFoundError } from '#shared/errors.ts';
import { json, parseInput, publicHandler } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps.ts';

/**
 * `GET /verify/{code}` (public): whether the decree with this printed code is genuine and in force.
 * It answers with what the printed decree itself shows (number, date, subject, status, how many
 * recipients or families and the total; for a KPM decree its tahap) and the
 * SHA-256 of the PDF, so a holder of the file can compare; never a recipient, a reason or a person.
 * A decree still being issued has no printed code yet and is unknown here.
 */
export const handler = publicHandler(async (event) => {
  const { code: raw } = parseInput(VerifyParamsSchema, event.pathParameters ?? {});
  const code = normalizeVerifyCode(raw);
  if (!code) {
    throw new BadRequestError('Kode verifikasi tidak sah: 12 huruf/angka, dicetak seperti ABCD-EFGH-JKMN.');
  }
  const decree = await apiDeps().decrees.getByCode(code);
  if (!decree || decree.status === 'ISSUING') {
    throw new NotFoundError(
      'Kode verifikasi tidak dikenal: dokumen ini tidak tercatat sebagai SK Gubernur yang diterbitkan sistem KHBS.',
    );
  }
  const inForce = decree.status === 'ISSUED';
  // The replacement is named once it is issued itself (before that, its code verifies as unknown).
  const replacement = decree.replacedBy ? await apiDeps().decrees.get(decree.replacedBy.decreeId) : undefined;
  return json(200, {
    code,
    genuine: true,
    inForce,
    status: decree.status,
    statusLabel: DECREE_STATUS_LABEL[decree.status],
    message: inForce
      ? `SK Gubernur Kalimantan Tengah Nomor ${decree.number} asli dan berlaku.`
      : `SK Gubernur Kalimantan Tengah Nomor ${decree.number} asli, tetapi telah DICABUT dan tidak berlaku.`,
    kind: decree.kind,
    number: decree.number,
    decreeDate: decree.decreeDate,
    title: decreeSubject(decree.kind, decree.region, decree.period),
    regionName: regionName(decree.region),
    periodLabel: decreePeriodLabel(decree.kind, decree.period),
    recipientCount: decree.recipientCount,
    total: decree.total,
    sha256: decree.sha256,
    revokedAt: decree.revokedAt,
    replacedBy: replacement?.status === 'ISSUED' ? replacement.number : undefined,
    replaces: decree.replaces?.number,
  } satisfies ResponseBody<'VerifyDecree', 200>);
});

import type { ResponseBody } from '#shared/contract/api.ts';
import { CardCodeParamsSchema } from '#shared/contract/distribution.ts';
import { normalizeVerifyCode } from '#shared/domain/decree.ts';
import { CARD_STATUS_LABEL, isCardActive } from '#shared/domain/family/distribution.ts';
import { BadRequestError, NotFoundError } from '#shared/errors.ts';
import { json, parseInput, publicHandler } from '#shared/http/http-handler.ts';
import { distributionRoutes } from './deps.ts';

/**
 * `GET /verify/card/{code}` (public): whether the KHBS card with this printed code is genuine, and
 * whether it is active or blocked. It reads the code's own item (card number and status) and answers
 * with neither the number nor anything about the family: whoever holds the card knows the rest, and
 * whoever does not learns nothing. Codes are 60 random bits, so they cannot be enumerated.
 */
export const handler = publicHandler(async (event) => {
  const { code: raw } = parseInput(CardCodeParamsSchema, event.pathParameters ?? {});
  const code = normalizeVerifyCode(raw);
  if (!code) {
    throw new BadRequestError(
      'Kode verifikasi kartu tidak sah: 12 huruf/angka, dicetak seperti ABCD-EFGH-JKMN.',
    );
  }
  const card = await distributionRoutes().cardByCode(code);
  if (!card) {
    throw new NotFoundError(
      'Kode verifikasi tidak dikenal: kartu ini tidak tercatat sebagai Kartu Huma Betang Sejahtera yang diterbitkan sistem KHBS.',
    );
  }
  const active = isCardActive(card.status);
  return json(200, {
    code,
    genuine: true,
    active,
    status: card.status,
    statusLabel: CARD_STATUS_LABEL[card.status],
    message: active
      ? 'Kartu Huma Betang Sejahtera ini asli dan aktif.'
      : card.status === 'DIGANTI'
        ? 'Kartu ini asli, tetapi sudah diganti dengan kartu baru dan tidak berlaku lagi.'
        : 'Kartu ini asli, tetapi diblokir dan tidak dapat dipakai.',
  } satisfies ResponseBody<'VerifyCard', 200>);
});

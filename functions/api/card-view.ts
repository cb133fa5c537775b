import type { ResponseBody } from '#shared/contract/api.ts';
import { CARD_STATUS_LABEL, normalizeCardNumber, regionOfCard } from '#shared/domain/family/distribution.ts';
import { maskNik } from '#shared/domain/mask.ts';
import { BadRequestError, NotFoundError } from '#shared/errors.ts';
import { requireRegion, type Scope } from '#shared/http/caller.ts';
import type { Card } from '#shared/model.ts';
import { distributionRoutes } from './deps.ts';

type CardView = ResponseBody<'BlockCard', 200>['card'];

/** A card as staff see it: an auditor reads the penerima's NIK masked. */
export function cardView(card: Card, scope: Scope): CardView {
  return {
    cardNumber: card.cardNumber,
    region: card.region,
    familyId: card.familyId,
    penerimaNama: card.penerimaNama,
    penerimaNik: scope.personalData === 'full' ? card.penerimaNik : maskNik(card.penerimaNik),
    desaCode: card.desaCode,
    status: card.status,
    statusLabel: CARD_STATUS_LABEL[card.status],
    tahapId: card.tahapId,
    ...(card.replaces ? { replaces: card.replaces } : {}),
    ...(card.replacedBy ? { replacedBy: card.replacedBy } : {}),
    history: card.history.map(({ importId: _importId, ...event }) => event),
  };
}

/**
 * The card a request names, in the caller's region: a malformed number is 400, and a number of
 * another kabupaten, like an unknown one, 404 (a regional role must not learn which numbers exist
 * elsewhere).
 */
export async function loadCard(scope: Scope, text: string): Promise<Card> {
  const number = normalizeCardNumber(text);
  if (!number) {
    throw new BadRequestError(
      'Nomor kartu tidak sah: ditulis seperti HB-6203-0000123-4 (angka terakhir adalah angka pemeriksa).',
    );
  }
  const unknown = new NotFoundError('Kartu dengan nomor ini tidak tercatat.');
  try {
    requireRegion(scope, regionOfCard(number));
  } catch {
    throw unknown;
  }
  const card = await distributionRoutes().card(number);
  if (!card) throw unknown;
  return card;
}

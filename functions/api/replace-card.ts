import type { ResponseBody } from '#shared/contract/api.ts';
import { CardActionBodySchema } from '#shared/contract/distribution.ts';
import { newVerifyCode } from '#shared/domain/decree.ts';
import { CARD_STATUS_LABEL, cardMayMove, cardNumber } from '#shared/domain/family/distribution.ts';
import { ConflictError } from '#shared/errors.ts';
import { whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { logger } from '#shared/logger.ts';
import type { Card } from '#shared/model.ts';
import { cardView, loadCard } from './card-view.ts';
import { distributionRoutes } from './deps.ts';
import { routeById } from './routes.ts';

/** Serials taken before giving up when each new number exists already (a counter behind its cards). */
const NUMBER_ATTEMPTS = 5;

/**
 * `POST /cards/replacements {cardNumber, reason}`: a family's card is replaced (lost, damaged, the
 * penerima changed): the old number becomes DIGANTI, never active again, and a new number is
 * given, TERDAFTAR, for the next print file. One transaction, conditional on the old card's status
 * and on the family's card still being the old one, so two replacements at once make one new card.
 * A blocked card may be replaced too: that is how a family whose card was blocked gets a new one.
 * The new card keeps the tahap that first listed the family.
 */
export const handler = postHandler(routeById('ReplaceCard'), async ({ event, scope }) => {
  const body = parseInput(CardActionBodySchema, jsonBody(event));
  const old = await loadCard(scope, body.cardNumber);
  if (!cardMayMove(old.status, 'DIGANTI')) {
    throw new ConflictError(`Kartu ini ${CARD_STATUS_LABEL[old.status]}; tidak dapat diganti lagi.`, {
      reason: 'CARD_STATUS',
    });
  }
  const repo = distributionRoutes();
  const at = new Date().toISOString();
  const by = whoOf(scope);
  const { updatedAt: _updatedAt, replacedBy: _replacedBy, replaces: _replaces, ...family } = old;
  let replacement: Card | undefined;
  let outcome: Awaited<ReturnType<typeof repo.replaceCard>> = 'number-taken';
  for (let attempt = 0; outcome === 'number-taken' && attempt < NUMBER_ATTEMPTS; attempt++) {
    replacement = {
      ...family,
      cardNumber: cardNumber(old.region, await repo.takeSerials(old.region, 1)),
      verifyCode: newVerifyCode(),
      status: 'TERDAFTAR',
      createdAt: at,
      history: [{ status: 'TERDAFTAR', at, by, note: `Pengganti kartu ${old.cardNumber}: ${body.reason}` }],
    };
    outcome = await repo.replaceCard(old, replacement, { status: 'DIGANTI', at, by, note: body.reason });
  }
  if (outcome === 'number-taken' || !replacement)
    throw new Error(`card serials of ${old.region} keep colliding`);
  if (outcome === 'changed') {
    throw new ConflictError(
      'Kartu ini berubah bersamaan (mungkin sudah diganti); muat ulang lalu coba lagi.',
      {
        reason: 'CONCURRENT',
      },
    );
  }
  logger.info('Card replaced', { region: old.region });
  const [card, fresh] = await Promise.all([
    loadCard(scope, old.cardNumber),
    loadCard(scope, replacement.cardNumber),
  ]);
  return json(200, {
    card: cardView(card, scope),
    replacement: cardView(fresh, scope),
  } satisfies ResponseBody<'ReplaceCard', 200>);
});

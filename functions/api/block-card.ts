import type { ResponseBody } from '#shared/contract/api.ts';
import { CardActionBodySchema } from '#shared/contract/distribution.ts';
import { CARD_STATUS_LABEL, cardMayMove } from '#shared/domain/family/distribution.ts';
import { ConflictError } from '#shared/errors.ts';
import { whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { logger } from '#shared/logger.ts';
import { cardView, loadCard } from './card-view.ts';
import { distributionRoutes } from './deps.ts';
import { routeById } from './routes.ts';

/**
 * `POST /cards/blocks {cardNumber, reason}`: blocks a card (lost, stolen, misused) for good: its
 * verification code answers "blocked" from now on and an EDC redemption with it is a finding. The
 * family gets a new card only by a replacement. Conditional on the status read, with who, when and
 * why in the card's history.
 */
export const handler = postHandler(routeById('BlockCard'), async ({ event, scope }) => {
  const body = parseInput(CardActionBodySchema, jsonBody(event));
  const card = await loadCard(scope, body.cardNumber);
  if (!cardMayMove(card.status, 'DIBLOKIR')) {
    throw new ConflictError(`Kartu ini ${CARD_STATUS_LABEL[card.status]}; tidak dapat diblokir lagi.`, {
      reason: 'CARD_STATUS',
    });
  }
  const at = new Date().toISOString();
  const moved = await distributionRoutes().moveCard(card, {
    status: 'DIBLOKIR',
    at,
    by: whoOf(scope),
    note: body.reason,
  });
  if (!moved) {
    throw new ConflictError('Status kartu berubah bersamaan; muat ulang lalu coba lagi.', {
      reason: 'CONCURRENT',
    });
  }
  logger.info('Card blocked', { region: card.region });
  const after = await loadCard(scope, card.cardNumber);
  return json(200, { card: cardView(after, scope) } satisfies ResponseBody<'BlockCard', 200>);
});

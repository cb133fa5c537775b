import type { CountedMove } from '#shared/adapters/dashboard-repo.ts';
import type { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { CardHandoversBodySchema } from '#shared/contract/distribution.ts';
import { cardDelta } from '#shared/domain/family/dashboard.ts';
import { handoverDecision, normalizeCardNumber } from '#shared/domain/family/distribution.ts';
import { wibParts } from '#shared/domain/family/verval-sheet.ts';
import { type Scope, whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { logger } from '#shared/logger.ts';
import type { Card } from '#shared/model.ts';
import { dashboardRoutes, distributionRoutes } from './deps.ts';
import { routeById } from './routes.ts';
import { vervalRepo } from './verval-access.ts';

type Result = ResponseBody<'RecordCardHandovers', 200>['results'][number];

/** Tries of one record when its card moves between the read and the write. */
const MOVE_ATTEMPTS = 3;

/**
 * `POST /cards/handovers {records: [{tahapId, noKk, tanggal, cardNumber?}]}`: cards handed to their
 * families in the field, as a relawan's phone queued them while offline and sends them when back
 * online (or an operator enters them). Each record is keyed by what it is, the family's card, so a
 * record sent again a week later changes nothing (UNCHANGED), and each gets its own outcome: one
 * refused record does not hold back the others. A relawan records only families of the desa
 * assigned to them in that tahap; a family of another kabupaten is answered as one without a card.
 */
export const handler = postHandler(routeById('RecordCardHandovers'), async ({ event, scope }) => {
  const { records } = parseInput(CardHandoversBodySchema, jsonBody(event));
  const repo = distributionRoutes();
  const now = new Date();
  const today = wibParts(now).date;
  const cards = await repo.currentCards(records.map((record) => record.noKk));
  const assigned = new Map<string, Promise<boolean>>();
  const isAssigned = (tahapId: string, desaCode: string) => {
    const key = `${tahapId}#${desaCode}`;
    let answer = assigned.get(key);
    if (!answer) {
      answer = vervalRepo().isAssigned(tahapId, desaCode, scope.sub);
      assigned.set(key, answer);
    }
    return answer;
  };

  const results: Result[] = [];
  const moves: CountedMove<Handover>[] = [];
  for (const [index, record] of records.entries()) {
    const refuse = (code: string, message: string): Result => ({
      ...keyOf(record),
      outcome: 'REFUSED',
      code,
      message,
    });
    if (record.tanggal > today) {
      results[index] = refuse('TANGGAL_SALAH', 'Tanggal penyerahan tidak boleh setelah hari ini.');
      continue;
    }
    let number: string | undefined;
    if (record.cardNumber !== undefined) {
      number = normalizeCardNumber(record.cardNumber);
      if (!number) {
        results[index] = refuse(
          'NOMOR_KARTU_SALAH',
          'Nomor kartu tidak sah: ditulis seperti HB-6203-0000123-4.',
        );
        continue;
      }
    }
    let card = cards.get(record.noKk);
    // Another kabupaten's family is answered as one without a card: nothing to learn about it here.
    if (card && scope.regions !== 'all' && card.region !== scope.regions[0]) card = undefined;
    if (card && scope.role === 'relawan' && !(await isAssigned(record.tahapId, card.desaCode))) {
      results[index] = refuse(
        'DESA_TIDAK_DITUGASKAN',
        'Anda tidak ditugaskan di desa keluarga ini untuk tahap ini.',
      );
      continue;
    }
    const decided = decideOne(repo, card, { index, number, record }, scope, now);
    if ('outcome' in decided) results[index] = { ...keyOf(record), ...decided.outcome };
    else {
      moves.push(decided.move);
      // The next record of the same family is decided against the card as this one leaves it.
      cards.set(record.noKk, decided.move.payload.moved);
    }
  }
  // Every handover of the request in as few transactions as fit, each with its desa's dashboard
  // counter: a record sent again finds its card DIBAGIKAN (UNCHANGED) and counts nothing twice.
  let pending = moves;
  for (let round = 1; pending.length > 0; round++) {
    if (round > MOVE_ATTEMPTS) throw new Error('cards kept moving while their handovers were recorded');
    const { committed, lost } = await dashboardRoutes().commit(pending);
    for (const move of committed) {
      const { index, record } = move.payload;
      results[index] = { ...keyOf(record), outcome: 'RECORDED', message: 'Penyerahan kartu tercatat.' };
    }
    pending = [];
    for (const move of lost) {
      const { index, number, record, card } = move.payload;
      const fresh = await repo.card(card.cardNumber);
      const decided = decideOne(repo, fresh, { index, number, record }, scope, now);
      if ('outcome' in decided) results[index] = { ...keyOf(record), ...decided.outcome };
      else pending.push(decided.move);
    }
  }
  logger.info('Card handovers', {
    records: records.length,
    recorded: results.filter((result) => result.outcome === 'RECORDED').length,
    refused: results.filter((result) => result.outcome === 'REFUSED').length,
  });
  return json(200, { results } satisfies ResponseBody<'RecordCardHandovers', 200>);
});

const keyOf = (record: { readonly tahapId: string; readonly noKk: string }) => ({
  tahapId: record.tahapId,
  noKk: record.noKk,
});

/** A handover waiting for its transaction: the record, the card as read and as it will be. */
interface Handover {
  readonly index: number;
  readonly number: string | undefined;
  readonly record: { readonly tahapId: string; readonly noKk: string; readonly tanggal: string };
  readonly card: Card;
  readonly moved: Card;
}

/** One record against the family's card as last read: an outcome now, or a move to commit. */
function decideOne(
  repo: DistributionRepository,
  card: Card | undefined,
  input: Pick<Handover, 'index' | 'number' | 'record'>,
  who: Scope,
  at: Date,
): { outcome: Omit<Result, 'tahapId' | 'noKk'> } | { move: CountedMove<Handover> } {
  const decision = handoverDecision(card, input.number);
  if (decision.kind === 'refused') {
    return { outcome: { outcome: 'REFUSED', code: decision.code, message: decision.message } };
  }
  if (decision.kind === 'unchanged') return { outcome: { outcome: 'UNCHANGED', message: decision.message } };
  if (!card) throw new Error('a handover decided without a card');
  const event = {
    status: 'DIBAGIKAN' as const,
    at: at.toISOString(),
    tanggal: input.record.tanggal,
    by: whoOf(who),
    note: `Diserahkan pada tahap ${input.record.tahapId}`,
  };
  return {
    move: {
      key: card.cardNumber,
      items: repo.moveItems(card, event),
      // Counted in the tahap the card was numbered for: the record's tahap is the sender's word.
      tahapId: card.tahapId,
      desaCode: card.desaCode,
      delta: cardDelta(card.status, 'DIBAGIKAN'),
      payload: { ...input, card, moved: { ...card, status: 'DIBAGIKAN', history: [...card.history, event] } },
    },
  };
}

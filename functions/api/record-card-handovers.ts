import type { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { CardHandoversBodySchema } from '#shared/contract/distribution.ts';
import { handoverDecision, normalizeCardNumber } from '#shared/domain/family/distribution.ts';
import { wibParts } from '#shared/domain/family/verval-sheet.ts';
import { type Scope, whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { logger } from '#shared/logger.ts';
import type { Card } from '#shared/model.ts';
import { distributionRoutes } from './deps.ts';
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
  for (const record of records) {
    const refuse = (code: string, message: string): Result => ({
      ...keyOf(record),
      outcome: 'REFUSED',
      code,
      message,
    });
    if (record.tanggal > today) {
      results.push(refuse('TANGGAL_SALAH', 'Tanggal penyerahan tidak boleh setelah hari ini.'));
      continue;
    }
    let number: string | undefined;
    if (record.cardNumber !== undefined) {
      number = normalizeCardNumber(record.cardNumber);
      if (!number) {
        results.push(
          refuse('NOMOR_KARTU_SALAH', 'Nomor kartu tidak sah: ditulis seperti HB-6203-0000123-4.'),
        );
        continue;
      }
    }
    let card = cards.get(record.noKk);
    // Another kabupaten's family is answered as one without a card: nothing to learn about it here.
    if (card && scope.regions !== 'all' && card.region !== scope.regions[0]) card = undefined;
    if (card && scope.role === 'relawan' && !(await isAssigned(record.tahapId, card.desaCode))) {
      results.push(
        refuse('DESA_TIDAK_DITUGASKAN', 'Anda tidak ditugaskan di desa keluarga ini untuk tahap ini.'),
      );
      continue;
    }
    const result = await recordOne(repo, card, number, record, scope, now);
    if (result.card) cards.set(record.noKk, result.card);
    results.push({ ...keyOf(record), ...result.outcome });
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

/** One record against the family's card as last read: decided, then moved conditionally (re-read if it moved). */
async function recordOne(
  repo: DistributionRepository,
  first: Card | undefined,
  number: string | undefined,
  record: { readonly tahapId: string; readonly tanggal: string },
  who: Scope,
  at: Date,
): Promise<{ outcome: Omit<Result, 'tahapId' | 'noKk'>; card?: Card }> {
  let card = first;
  for (let attempt = 1; ; attempt++) {
    const decision = handoverDecision(card, number);
    if (decision.kind === 'refused') {
      return { outcome: { outcome: 'REFUSED', code: decision.code, message: decision.message } };
    }
    if (decision.kind === 'unchanged')
      return { outcome: { outcome: 'UNCHANGED', message: decision.message } };
    if (!card) throw new Error('a handover decided without a card');
    const event = {
      status: 'DIBAGIKAN' as const,
      at: at.toISOString(),
      tanggal: record.tanggal,
      by: whoOf(who),
      note: `Diserahkan pada tahap ${record.tahapId}`,
    };
    if (await repo.moveCard(card, event)) {
      return {
        outcome: { outcome: 'RECORDED', message: 'Penyerahan kartu tercatat.' },
        card: { ...card, status: 'DIBAGIKAN', history: [...card.history, event] },
      };
    }
    if (attempt >= MOVE_ATTEMPTS) throw new Error('a card kept moving while its handover was recorded');
    card = await repo.card(card.cardNumber);
  }
}

import { createHash } from 'node:crypto';
import { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import { EdcRepository } from '#shared/adapters/food-repo.ts';
import { normalizeCardNumber } from '#shared/domain/family/distribution.ts';
import {
  type CardFacts,
  DoubleReceiptDetector,
  EDC_LAYOUT,
  type EdcFinding,
  type EdcLine,
  type RedemptionVerdict,
  validateEdcLine,
} from '#shared/domain/family/edc.ts';
import type { RowProblem } from '#shared/domain/report.ts';
import type { RowVerdict } from '#shared/import/row-file.ts';
import type { Card, ImportRecord } from '#shared/model.ts';
import type { FileKind } from './import-family-file.ts';

/**
 * Bank Kalteng's EDC transactions (import kind `EDC`, issue #15): each record checked on its own
 * (`validateEdcLine`; a record without a `tahap` column is of the tahap the import was asked for),
 * then observed by one `DoubleReceiptDetector` for the file, with the card's facts looked up per
 * record (its status and since when: the last event of its history) and the key's first redemption
 * from earlier files (`EDCFIRST#<key>`). A first redemption is stored conditionally, so of two
 * files (or two retries) the first write wins; each finding is stored once under its line and
 * code, and reported on the line. So a file imported again records nothing new and finds nothing
 * new. Memory: the detector's first redemption per key seen in this file (~100 B each).
 *
 * One NIK holding two active cards (`NIK_DUA_KARTU`): every card of the record's penerima NIK comes
 * from the NIK → card lookup (`NIKCARD#<nik>`, written with each card), and the finding is stored
 * once per NIK (under the NIK's hash), whichever line or file finds it first.
 */
export function edcFile(
  record: ImportRecord,
  importId: string,
  now: Date,
  deps: { readonly tableName: string },
): FileKind<string> {
  const { tahapId, region } = record;
  if (!tahapId || !region) throw new Error(`import ${importId}: EDC transactions without tahap or region`);
  const distribution = new DistributionRepository(deps.tableName);
  const edc = new EdcRepository(deps.tableName);
  const detector = new DoubleReceiptDetector([]);
  const rules = { now: now.toISOString() };

  const factsOf = (card: Card): CardFacts => ({
    number: card.cardNumber,
    status: card.status,
    since: [...card.history].reverse().find((event) => event.status === card.status)?.at ?? card.createdAt,
    familyId: card.familyId,
    penerimaNik: card.penerimaNik,
  });
  const cardFacts = async (number: string): Promise<CardFacts | undefined> => {
    const card: Card | undefined = normalizeCardNumber(number) ? await distribution.card(number) : undefined;
    return card ? factsOf(card) : undefined;
  };
  /** Every card of the penerima's NIK (the NIK → card lookup), for NIK_DUA_KARTU. */
  const holderCards = async (card: CardFacts | undefined): Promise<CardFacts[] | undefined> =>
    card?.penerimaNik ? (await distribution.cardsOfNik(card.penerimaNik)).map(factsOf) : undefined;

  const row = async (
    sourceRow: number,
    raw: Partial<Record<string, string>>,
  ): Promise<RowVerdict<string>> => {
    const checked = validateEdcLine(raw, rules);
    const problems: RowProblem<string>[] = [...checked.errors, ...checked.warnings];
    const value = checked.errors.length === 0 ? checked.value : undefined;
    if (!value) return { accepted: false, problems };
    const line: EdcLine = { ...value, tahapId: value.tahapId ?? tahapId };
    const card = await cardFacts(line.card);
    const key = `${line.tahapId}#${line.component}#${card?.familyId ?? line.card}`;
    const earlier = await edc.first(key);
    const holders = await holderCards(card);
    let verdict: RedemptionVerdict = detector.observe(line, { card, earlier, holderCards: holders });
    if (verdict.kind === 'DUPLICATE') {
      problems.push(alreadyRecorded());
      return { accepted: true, problems };
    }
    if (verdict.first && verdict.key) {
      const stored = await edc.putFirst(verdict.key, {
        card: line.card,
        terminal: line.terminal,
        waktu: line.waktu,
        jumlah: line.jumlah,
        ...(line.bankRef !== undefined ? { bankRef: line.bankRef } : {}),
        lineKey: verdict.lineKey,
      });
      if (!stored) {
        // Another file's first redemption of this key was stored meanwhile: judged against it.
        verdict = new DoubleReceiptDetector([]).observe(line, {
          card,
          earlier: await edc.first(verdict.key),
          holderCards: holders,
        });
        if (verdict.kind === 'DUPLICATE') {
          problems.push(alreadyRecorded());
          return { accepted: true, problems };
        }
      }
    }
    let fresh = 0;
    for (const finding of verdict.findings) {
      const stored = await edc.putFinding({
        tahapId: verdict.tahapId ?? line.tahapId ?? tahapId,
        region,
        // A NIK holding two cards is one finding per NIK (whichever line or file finds it first).
        lineKey:
          finding.code === 'NIK_DUA_KARTU' && card?.penerimaNik
            ? nikFindingKey(card.penerimaNik)
            : verdict.lineKey,
        code: finding.code,
        label: finding.label,
        detail: finding.detail,
        card: line.card,
        component: line.component,
        waktu: line.waktu,
        importId,
        sourceRow,
        foundAt: new Date().toISOString(),
      });
      if (stored) {
        fresh++;
        problems.push(reported(finding));
      }
    }
    if (verdict.findings.length > 0 && fresh === 0) problems.push(alreadyRecorded());
    return { accepted: true, problems };
  };

  return {
    layout: EDC_LAYOUT,
    row: ({ sourceRow, raw }) => row(sourceRow, raw),
    flush: async () => undefined,
    closing: async () => [],
  };
}

/** The key a NIK_DUA_KARTU finding is stored under: the NIK's hash, never the NIK. */
const nikFindingKey = (nik: string): string =>
  `NIK-${createHash('sha256').update(`nik-dua-kartu:${nik}`).digest('hex').slice(0, 24)}`;

const reported = (finding: EdcFinding): RowProblem<string> => ({
  column: null,
  code: finding.code,
  severity: 'warning',
  message: `Temuan: ${finding.label}. ${finding.detail}`,
});

const alreadyRecorded = (): RowProblem<string> => ({
  column: null,
  code: 'EDC_SUDAH_TERCATAT',
  severity: 'warning',
  message: 'Transaksi ini sudah tercatat dari berkas sebelumnya; tidak ada yang baru.',
});

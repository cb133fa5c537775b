import type { DashboardRepository } from '#shared/adapters/dashboard-repo.ts';
import type { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import type { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import type { FamilyDirectoryRepository } from '#shared/adapters/family-directory-repo.ts';
import type { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import type { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import type { AuditActor } from '#shared/domain/audit.ts';
import { newVerifyCode } from '#shared/domain/decree.ts';
import {
  cardNumber,
  type DecreedFamily,
  entitlementRef,
  isCardActive,
} from '#shared/domain/family/distribution.ts';
import { COMPONENTS, type Component } from '#shared/domain/family/tahap.ts';
import { logger } from '#shared/logger.ts';
import type { DistributionOpenRequested } from '#shared/messages.ts';
import type { Card, DecreeRecord, DistributionRecord, StoredRecipient } from '#shared/model.ts';

export interface OpenDistributionDeps {
  readonly decrees: Pick<DecreesRepository, 'get'>;
  readonly recipients: Pick<RecipientsRepository, 'stream'>;
  readonly directory: Pick<FamilyDirectoryRepository, 'familyIds'>;
  readonly distribution: DistributionRepository;
  /** The dashboards: the decreed families per desa, set once the whole list is read. */
  readonly dashboard: Pick<DashboardRepository, 'setDecreed'>;
  /** The tahap moves to PENYALURAN once a distribution of it is OPEN (the first one does). */
  readonly tahap: Pick<TahapRepository, 'startDistribution'>;
  readonly now?: () => Date;
  /** Families handled together (one BatchGet of ids and cards, one block of serials). */
  readonly chunkSize?: number;
}

export type OpenOutcome =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'opened'; readonly record: DistributionRecord };

/** Who moves the tahap on, in its audit chain. */
const SYSTEM: AuditActor = {
  sub: 'system:distribution-opening',
  name: 'Pembukaan penyaluran otomatis',
  role: 'system',
};

/** Cards created at once (each one small transaction). */
const CARDS_IN_FLIGHT = 16;

/**
 * Opens a kabupaten's distribution once its KPM decree is issued (`distribution.open.requested`,
 * handed off by the decree worker in the transaction that marks the decree ISSUED):
 *
 * 1. records the distribution OPENING for this decree (a second decree for the same tahap and
 *    kabupaten, e.g. a replacement after a revocation, is refused and logged: its families' money
 *    may already be moving under the first, which needs a person to settle);
 * 2. streams the decree's list; for each family: its opaque id, its card (1 KK 1 kartu: a family
 *    that already holds an active card from an earlier tahap keeps it; one without gets a number
 *    from the kabupaten's serials and a verification code; a blocked card with no replacement
 *    stays blocked until the office asks for one), and one entitlement per component of the tahap
 *    at the decree's amount (status DITETAPKAN);
 * 3. marks the distribution OPEN with its counts, conditional on it still being this decree's
 *    OPENING: every later step (instructions, distribution lists) waits for OPEN;
 * 4. moves the tahap to PENYALURAN if it is not there yet (the first kabupaten's opening does;
 *    conditional on the version read, audited in the tahap's chain; `TahapRepository.startDistribution`).
 *
 * A redelivered message resumes or finds it OPEN and does nothing: cards are conditional on the
 * family having none, and entitlements are rewritten identically while nothing can have moved them.
 */
export async function openDistribution(
  message: DistributionOpenRequested,
  deps: OpenDistributionDeps,
): Promise<OpenOutcome> {
  const now = deps.now ?? (() => new Date());
  const decree = await deps.decrees.get(message.decreeId);
  if (decree?.kind !== 'KPM' || !decree.tahapId) return { kind: 'skipped', reason: 'not a KPM decree' };
  if (decree.status !== 'ISSUED') return { kind: 'skipped', reason: `decree is ${decree.status}` };

  const recorded = await deps.distribution.startOpening({
    tahapId: decree.tahapId,
    region: decree.region,
    decreeId: decree.decreeId,
    decreeNumber: decree.number,
    status: 'OPENING',
    requestedAt: message.requestedAt,
  });
  if (recorded.decreeId !== decree.decreeId) {
    logger.warn('A second KPM decree for a distribution already opened: not opened', {
      tahapId: decree.tahapId,
      region: decree.region,
      decreeId: decree.decreeId,
      openedBy: recorded.decreeId,
    });
    return { kind: 'refused', reason: `distribution opened by ${recorded.decreeId}` };
  }
  if (recorded.status === 'OPEN') {
    // A delivery that died between OPEN and the tahap's move finishes the move (a no-op otherwise).
    await startTahapDistribution(decree, deps, now);
    return { kind: 'skipped', reason: 'already open' };
  }

  const opening = new Opening(decree, message.requestedAt, deps, now);
  const record = await opening.run();
  await startTahapDistribution(decree, deps, now);
  logger.info('Distribution opened', {
    tahapId: record.tahapId,
    region: record.region,
    decreeId: record.decreeId,
    families: record.families,
    cards: record.cards,
  });
  return { kind: 'opened', record };
}

/** The tahap of an OPEN distribution moves to PENYALURAN (once: a tahap there or past it stays). */
async function startTahapDistribution(
  decree: DecreeRecord,
  deps: OpenDistributionDeps,
  now: () => Date,
): Promise<void> {
  const tahapId = decree.tahapId ?? '';
  const moved = await deps.tahap.startDistribution(tahapId, now().toISOString(), SYSTEM, {
    region: decree.region,
    decreeId: decree.decreeId,
  });
  if (moved) logger.info('Tahap moved to PENYALURAN', { tahapId, region: decree.region });
}

/** One opening of one decree's distribution: the counts its chunks add up. */
class Opening {
  private readonly components: readonly { component: Component; amount: number }[];
  private readonly tahapId: string;
  private readonly writer: ReturnType<DistributionRepository['entitlementWriter']>;
  private families = 0;
  /** Decreed families per desa: the whole list, counted again by a resumed opening. */
  private readonly decreed = new Map<string, number>();
  private readonly cards = { issued: 0, kept: 0, blocked: 0 };

  constructor(
    private readonly decree: DecreeRecord,
    private readonly createdAt: string,
    private readonly deps: OpenDistributionDeps,
    private readonly now: () => Date,
  ) {
    this.tahapId = decree.tahapId ?? '';
    const amounts = decree.amountByComponent ?? {};
    this.components = COMPONENTS.flatMap((component) => {
      const amount = amounts[component];
      return amount === undefined ? [] : [{ component, amount }];
    });
    if (this.components.length === 0) throw new Error(`decree ${decree.decreeId} fixes no component amounts`);
    this.writer = deps.distribution.entitlementWriter();
  }

  async run(): Promise<DistributionRecord> {
    const size = this.deps.chunkSize ?? 100;
    let chunk: StoredRecipient[] = [];
    for await (const { recipient } of this.deps.recipients.stream(this.decree.listId)) {
      chunk.push(recipient);
      if (chunk.length >= size) {
        await this.chunk(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) await this.chunk(chunk);
    await this.writer.flush();
    // SET, not ADD: a redelivered or resumed opening reads the whole list again and sets the same.
    await this.deps.dashboard.setDecreed(this.tahapId, this.decreed);

    const openedAt = this.now().toISOString();
    const fields = {
      openedAt,
      families: this.families,
      byComponent: this.components.map(({ component, amount }) => ({
        component,
        count: this.families,
        amount: amount * this.families,
      })),
      cards: { ...this.cards },
    };
    const { tahapId } = this;
    const { region, decreeId } = this.decree;
    if (!(await this.deps.distribution.markOpen(tahapId, region, decreeId, fields))) {
      const current = await this.deps.distribution.get(tahapId, region);
      if (current?.status !== 'OPEN' || current.decreeId !== decreeId) {
        throw new Error(`distribution ${tahapId} ${region} changed while it was being opened`);
      }
      return current;
    }
    return {
      tahapId,
      region,
      decreeId,
      decreeNumber: this.decree.number,
      status: 'OPEN',
      requestedAt: this.createdAt,
      ...fields,
    };
  }

  private async chunk(rows: readonly StoredRecipient[]): Promise<void> {
    const families = rows.map((row) => this.familyOf(row));
    const noKks = families.map((family) => family.noKk);
    const ids = await this.deps.directory.familyIds(noKks, this.createdAt);
    const decreed = families.map((family): DecreedFamily => {
      const familyId = ids.get(family.noKk);
      if (!familyId) throw new Error('a decreed family got no id');
      return { ...family, familyId };
    });
    await this.cardsFor(decreed);
    for (const family of decreed) {
      for (const { component, amount } of this.components) {
        await this.writer.put({
          ref: entitlementRef(this.tahapId, component, family.familyId),
          tahapId: this.tahapId,
          region: this.decree.region,
          component,
          amount,
          noKk: family.noKk,
          familyId: family.familyId,
          penerimaNik: family.penerimaNik,
          penerimaNama: family.penerimaNama,
          kecamatanCode: family.kecamatanCode,
          desaCode: family.desaCode,
          decreeId: this.decree.decreeId,
          decreeNumber: this.decree.number,
          status: 'DITETAPKAN',
          attempts: 0,
          createdAt: this.createdAt,
        });
      }
    }
    this.families += decreed.length;
    for (const family of decreed)
      this.decreed.set(family.desaCode, (this.decreed.get(family.desaCode) ?? 0) + 1);
  }

  /** Every family of the chunk with a card: kept, or numbered now. */
  private async cardsFor(families: readonly DecreedFamily[]): Promise<void> {
    const held = await this.deps.distribution.currentCards(families.map((family) => family.noKk));
    const without: DecreedFamily[] = [];
    for (const family of families) {
      const card = held.get(family.noKk);
      if (!card) without.push(family);
      // Numbered for this tahap: by an earlier delivery of this very opening.
      else if (card.tahapId === this.tahapId) this.cards.issued++;
      else if (isCardActive(card.status)) this.cards.kept++;
      else this.cards.blocked++;
    }
    if (without.length === 0) return;
    const first = await this.deps.distribution.takeSerials(this.decree.region, without.length);
    for (let start = 0; start < without.length; start += CARDS_IN_FLIGHT) {
      const batch = without.slice(start, start + CARDS_IN_FLIGHT);
      const created = await Promise.all(
        batch.map((family, index) =>
          this.deps.distribution.createCard(this.newCard(family, first + start + index)),
        ),
      );
      // A family that got its card meanwhile (another delivery of this message) keeps that card.
      for (const ok of created)
        if (ok) this.cards.issued++;
        else this.cards.kept++;
    }
  }

  private newCard(family: DecreedFamily, serial: number): Card {
    return {
      cardNumber: cardNumber(this.decree.region, serial),
      verifyCode: newVerifyCode(),
      region: this.decree.region,
      noKk: family.noKk,
      familyId: family.familyId,
      penerimaNik: family.penerimaNik,
      penerimaNama: family.penerimaNama,
      kecamatanCode: family.kecamatanCode,
      desaCode: family.desaCode,
      status: 'TERDAFTAR',
      tahapId: this.tahapId,
      createdAt: this.createdAt,
      history: [{ status: 'TERDAFTAR', at: this.createdAt, note: `SK ${this.decree.number}` }],
    };
  }

  private familyOf(row: StoredRecipient): Omit<DecreedFamily, 'familyId'> {
    const noKk = row.family?.noKk;
    if (!noKk || !row.desaCode)
      throw new Error(`decree ${this.decree.decreeId}: row ${row.row} is not a family`);
    return {
      noKk,
      penerimaNik: row.nik,
      penerimaNama: row.nama,
      kecamatanCode: row.kecamatanCode,
      desaCode: row.desaCode,
    };
  }
}

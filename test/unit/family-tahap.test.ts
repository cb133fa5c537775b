import { describe, expect, it } from 'vitest';
import {
  acceptsDistributionWork,
  entitlements,
  mayChangeSnapshot,
  planClose,
  planTransition,
  startsDistribution,
  TahapInputSchema,
  tahapId,
  tahapLabel,
} from '#shared/domain/family/tahap.ts';

const input = {
  year: 2026,
  number: 2,
  components: { TUNAI: 250_000, PANGAN: 150_000 },
  desil: { min: 1, max: 5 },
  snapshots: { '62.03': '2026-09-30', '62.01': '2026-09-15' },
  quotas: { '62.03': 25_000 },
};

describe('a tahap', () => {
  it('takes the amounts, desil range, snapshots and quotas as configuration', () => {
    const tahap = TahapInputSchema.parse(input);
    expect(tahapId(tahap)).toBe('2026-2');
    expect(tahapLabel(tahap)).toBe('Tahap 2 Tahun 2026');
    expect(entitlements(tahap.components)).toEqual([
      { component: 'TUNAI', amount: 250_000 },
      { component: 'PANGAN', amount: 150_000 },
    ]);
    expect(entitlements({ PANGAN: 150_000 })).toEqual([{ component: 'PANGAN', amount: 150_000 }]);
  });

  it('refuses what cannot be meant, in words', () => {
    const messages = (value: unknown) => {
      const parsed = TahapInputSchema.safeParse(value);
      return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
    };
    expect(messages({ ...input, desil: { min: 5, max: 1 } })).toEqual([
      'Rentang desil terbalik: desil terendah harus ≤ desil tertinggi.',
    ]);
    expect(messages({ ...input, components: {} })).toEqual([
      'Tahap harus memuat minimal satu komponen bantuan.',
    ]);
    expect(messages({ ...input, snapshots: { '62.99': '2026-09-30' } })).toContain(
      'Kode kabupaten/kota tidak dikenal.',
    );
    expect(messages({ ...input, quotas: { '62.05': 100 } })).toEqual([
      'Kuota hanya untuk kabupaten/kota yang ikut tahap ini (yang memiliki snapshot).',
    ]);
    expect(messages({ ...input, snapshots: { '62.03': '30-09-2026' } })).toEqual([
      'Versi snapshot ditulis sebagai tanggal YYYY-MM-DD.',
    ]);
  });

  it('moves forward only, and is cancelled only before its decree', () => {
    expect(planTransition('DRAFT', 'VERVAL')).toEqual({ ok: true });
    expect(planTransition('VERVAL', 'DRAFT')).toMatchObject({ ok: false, reason: 'TAHAP_TRANSITION' });
    expect(planTransition('PENGAJUAN', 'DIBATALKAN')).toEqual({ ok: true });
    expect(planTransition('DITETAPKAN', 'DIBATALKAN')).toMatchObject({ ok: false });
    expect(planTransition('SELESAI', 'PENYALURAN')).toMatchObject({ ok: false });
  });

  it('freezes a kabupaten snapshot once its list is proposed, or once the tahap is past verval', () => {
    expect(mayChangeSnapshot('VERVAL', false)).toEqual({ ok: true });
    expect(mayChangeSnapshot('VERVAL', true)).toMatchObject({ ok: false, reason: 'SNAPSHOT_FROZEN' });
    expect(mayChangeSnapshot('PENGAJUAN', false)).toMatchObject({ ok: false, reason: 'SNAPSHOT_FROZEN' });
  });
});

describe("a tahap's distribution and its close", () => {
  const idle = { region: '62.03', opening: false, cashAwaitingBank: 0, foodAwaitingBast: 0 };

  it('starts its distribution from any status before PENYALURAN, never again and never after', () => {
    for (const status of ['DRAFT', 'VERVAL', 'PENGAJUAN', 'DITETAPKAN'] as const) {
      expect(startsDistribution(status), status).toBe(true);
    }
    for (const status of ['PENYALURAN', 'SELESAI', 'DIBATALKAN'] as const) {
      expect(startsDistribution(status), status).toBe(false);
    }
  });

  it('closes only from PENYALURAN, and only with nothing in flight', () => {
    expect(planClose('PENYALURAN', [idle, { ...idle, region: '62.02' }])).toEqual({ ok: true });
    expect(planClose('PENYALURAN', [])).toEqual({ ok: true });
    for (const status of ['DRAFT', 'DITETAPKAN', 'SELESAI', 'DIBATALKAN'] as const) {
      expect(planClose(status, []), status).toMatchObject({ ok: false, reason: 'TAHAP_TRANSITION' });
    }
    const held = planClose('PENYALURAN', [
      idle,
      { ...idle, region: '62.02', cashAwaitingBank: 3, foodAwaitingBast: 2 },
      { ...idle, region: '62.01', opening: true },
    ]);
    expect(held).toMatchObject({ ok: false, reason: 'DISTRIBUTION_IN_FLIGHT' });
    if (held.ok) return;
    expect(held.message).toContain(
      '62.02: 3 pembayaran tunai menunggu laporan bank, 2 paket pangan menunggu BAST BULOG',
    );
    expect(held.message).toContain('62.01: penyaluran masih dibuka');
    expect(held.message).not.toContain('62.03');
  });

  it('takes no new distribution work once SELESAI or DIBATALKAN', () => {
    expect(acceptsDistributionWork('PENYALURAN')).toEqual({ ok: true });
    expect(acceptsDistributionWork('DRAFT')).toEqual({ ok: true });
    expect(acceptsDistributionWork('SELESAI')).toMatchObject({ ok: false, reason: 'TAHAP_CLOSED' });
    expect(acceptsDistributionWork('DIBATALKAN')).toMatchObject({ ok: false, reason: 'TAHAP_CLOSED' });
  });
});

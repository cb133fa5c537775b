import { describe, expect, it } from 'vitest';
import { packageLabel } from '#shared/domain/family/food.ts';
import { foodPackageOf } from '#shared/domain/family/food-package.ts';
import { TahapInputSchema } from '#shared/domain/family/tahap.ts';

const base = {
  year: 2026,
  number: 1,
  components: { TUNAI: 250_000, PANGAN: 150_000 },
  desil: { min: 1, max: 5 },
  snapshots: { '62.03': '2026-09-30' },
};

describe('the food package of a tahap', () => {
  it('defaults to the announced items at the tahap’s PANGAN amount', () => {
    const pkg = foodPackageOf(TahapInputSchema.parse(base));
    expect(pkg?.price).toBe(150_000);
    expect(pkg && packageLabel(pkg)).toBe('5 kg beras premium, 1 L minyak goreng, 1 kg gula pasir');
  });

  it('is the configured one when the tahap names it, and none without PANGAN', () => {
    const foodPackage = {
      items: [{ name: 'beras medium', quantity: 10, unit: 'kg' as const }],
      price: 140_000,
    };
    expect(foodPackageOf(TahapInputSchema.parse({ ...base, foodPackage }))).toEqual(foodPackage);
    expect(foodPackageOf({ components: { TUNAI: 250_000 } })).toBeUndefined();
    expect(TahapInputSchema.safeParse({ ...base, foodPackage: { items: [], price: 150_000 } }).success).toBe(
      false,
    );
  });
});

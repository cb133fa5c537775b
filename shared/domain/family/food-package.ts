/**
 * Which food package a tahap hands out and what BULOG invoices for it (issue #15). The package is
 * configuration of the tahap (`foodPackage` in `POST /tahap`), never code: the public reports
 * disagree on contents and price. A tahap created without one takes the package the province
 * announced (5 kg beras premium, 1 L minyak goreng, 1 kg gula pasir) at its own PANGAN amount, so
 * the invoice price always equals what the decree entitles each family to unless the tahap says
 * otherwise.
 *
 * Pure: no AWS, no I/O.
 */
import type { FoodPackage } from './food.ts';
import type { TahapInput } from './tahap.ts';

/** The announced package (Pemprov Kalteng, 2026): its items only; the price is the tahap's. */
export const DEFAULT_FOOD_ITEMS: FoodPackage['items'] = [
  { name: 'beras premium', quantity: 5, unit: 'kg' },
  { name: 'minyak goreng', quantity: 1, unit: 'L' },
  { name: 'gula pasir', quantity: 1, unit: 'kg' },
];

/**
 * The tahap's package: the configured one, else the default items at the tahap's PANGAN amount;
 * undefined when the tahap has no PANGAN component (nothing to hand out, nothing to invoice).
 */
export function foodPackageOf(
  tahap: Pick<TahapInput, 'components' | 'foodPackage'>,
): FoodPackage | undefined {
  const amount = tahap.components.PANGAN;
  if (amount === undefined) return undefined;
  return tahap.foodPackage ?? { items: DEFAULT_FOOD_ITEMS, price: amount };
}

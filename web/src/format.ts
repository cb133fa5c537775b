/** Dates and numbers as the console shows them: Indonesian, in WIB (Asia/Jakarta, UTC+7). */

const TIME_ZONE = 'Asia/Jakarta';

const dateFormat = new Intl.DateTimeFormat('id-ID', { timeZone: TIME_ZONE, dateStyle: 'long' });
const dateTimeFormat = new Intl.DateTimeFormat('id-ID', {
  timeZone: TIME_ZONE,
  dateStyle: 'long',
  timeStyle: 'short',
});
const numberFormat = new Intl.NumberFormat('id-ID');
const rupiahFormat = new Intl.NumberFormat('id-ID', {
  style: 'currency',
  currency: 'IDR',
  maximumFractionDigits: 0,
});

/** `2026-03-02` (a calendar date, as decrees carry it) → `2 Maret 2026`. */
export function formatDate(value: string): string {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  // A bare date is a day in WIB: noon WIB is the same day whatever the viewer's zone.
  const date = day ? new Date(`${value}T12:00:00+07:00`) : new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateFormat.format(date);
}

/** An instant → `2 Maret 2026 pukul 14.05 WIB`. */
export function formatDateTime(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? String(value) : `${dateTimeFormat.format(date)} WIB`;
}

export const formatNumber = (value: number): string => numberFormat.format(value);

export const formatRupiah = (value: number): string => rupiahFormat.format(value);

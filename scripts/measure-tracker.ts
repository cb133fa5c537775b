/**
 * Measures the heap that `FileDuplicateTracker` adds for a file of 300,000 rows (the programme's
 * maximum), against a plain string-keyed Map for comparison. Run with a collectable heap:
 * `node --expose-gc --import tsx scripts/measure-tracker.ts`.
 */
import { FileDuplicateTracker, type Recipient } from '#shared/domain/recipient-row.ts';

const ROWS = 300_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('Run with node --expose-gc');

function recipients(): Recipient[] {
  const list: Recipient[] = [];
  for (let i = 0; i < ROWS; i++) {
    const serial = String((i % 9999) + 1).padStart(4, '0');
    const date = `${String((i % 28) + 1).padStart(2, '0')}${String((Math.floor(i / 28) % 12) + 1).padStart(2, '0')}${String(Math.floor(i / 336) % 100).padStart(2, '0')}`;
    list.push({
      nik: `620${(i % 9) + 1}0${(i % 9) + 1}${date}${serial}`,
      nama: 'Nama',
      peran: 'KETUA_RT',
      kecamatanCode: '62.01.01',
      kecamatan: 'Kumai',
      noRekening: String(1_000_000_000_000 + i * 7),
    });
  }
  return list;
}

/** Typed arrays live outside the JS heap (`arrayBuffers`), so both count. */
function used(): { heap: number; buffers: number; total: number } {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heap: heapUsed, buffers: arrayBuffers, total: heapUsed + arrayBuffers };
}

function measure(label: string, fill: (list: Recipient[]) => unknown): void {
  const list = recipients();
  gc?.();
  const before = used();
  const kept = fill(list);
  gc?.();
  const after = used();
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  console.log(
    `${label}: ${mb(after.total - before.total)} MB for ${ROWS.toLocaleString('en')} rows ` +
      `(heap ${mb(after.heap - before.heap)} MB, typed arrays ${mb(after.buffers - before.buffers)} MB)`,
  );
  if (!kept) throw new Error('nothing kept');
}

measure('FileDuplicateTracker', (list) => {
  const tracker = new FileDuplicateTracker();
  let duplicates = 0;
  list.forEach((recipient, i) => {
    duplicates += tracker.check(recipient, i + 2).length;
  });
  console.log(`  (${duplicates} duplicates in the synthetic data)`);
  return tracker;
});

measure('Map<string, number> ×2 (for comparison)', (list) => {
  const niks = new Map<string, number>();
  const accounts = new Map<string, number>();
  list.forEach((recipient, i) => {
    if (!niks.has(recipient.nik)) niks.set(recipient.nik, i + 2);
    if (!accounts.has(recipient.noRekening)) accounts.set(recipient.noRekening, i + 2);
  });
  return [niks, accounts];
});

import { memoryTarget, writeCsvFile } from '#shared/adapters/csv-file.ts';
import { cardPrintFileKey } from '#shared/adapters/storage-keys.ts';
import { decreeConfig } from '#shared/config/decree.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { CardRegionQuerySchema } from '#shared/contract/distribution.ts';
import { cardVerifyUrl } from '#shared/domain/family/distribution.ts';
import { desaName, kecamatanName, regionName } from '#shared/domain/wilayah.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import type { Card } from '#shared/model.ts';
import { distributionRoutes } from './deps.ts';
import { apiDeps } from './deps-with-objects.ts';
import { logBulkRead } from './read-log.ts';
import { routeById } from './routes.ts';

const ROUTE = routeById('GetCardPrintFile');

/** The printer's columns: what is printed on the card or encoded in its QR code, and where it goes. */
export const CARD_PRINT_COLUMNS = [
  'No',
  'Nomor Kartu',
  'Kode Verifikasi',
  'URL Verifikasi',
  'Nama Penerima',
  'Desa/Kelurahan',
  'Kecamatan',
  'Kabupaten/Kota',
] as const;

/**
 * `GET /cards/print-file?region`: the card printer's file of a kabupaten: every card numbered and
 * not yet reported printed (TERDAFTAR), in number order, as CSV, handed out as a short-lived link.
 * The printer gets what a card shows (number, verification code and its URL for the QR code, the
 * penerima's name, the desa) and nothing else: no NIK, no No KK. A file asked for again lists the
 * same waiting cards (the printer reports each printed card back; a number is printed once). The
 * file names families, so it is logged as a bulk read of the kabupaten before it is handed out.
 */
export const handler = apiHandler(ROUTE, async ({ event, scope }) => {
  const { region } = parseInput(CardRegionQuerySchema, event.queryStringParameters ?? {});
  requireRegion(scope, region);
  const { config, objects } = apiDeps();
  const base = decreeConfig().settings.verifyBaseUrl;
  const now = new Date();
  const key = cardPrintFileKey(region, now);
  let count = 0;
  async function* rows(): AsyncGenerator<readonly (string | number)[]> {
    const waiting: Card[] = [];
    for await (const card of distributionRoutes().cardsOf(region))
      if (card.status === 'TERDAFTAR') waiting.push(card);
    waiting.sort((a, b) => (a.cardNumber < b.cardNumber ? -1 : 1));
    for (const card of waiting) {
      count++;
      yield [
        count,
        card.cardNumber,
        card.verifyCode,
        cardVerifyUrl(base, card.verifyCode),
        card.penerimaNama,
        desaName(card.desaCode) ?? card.desaCode,
        kecamatanName(card.kecamatanCode) ?? card.kecamatanCode,
        regionName(card.region) ?? card.region,
      ];
    }
  }
  // ~150 bytes a card: 9 MB for the largest kabupaten's first print, stored with one PutObject.
  const target = memoryTarget((body) =>
    objects.putFile(config.documentsBucket, key, body, 'text/csv; charset=utf-8'),
  );
  const file = await writeCsvFile(target, key, CARD_PRINT_COLUMNS, rows());
  await logBulkRead(scope, ROUTE.id, {
    kind: 'FILE',
    file: 'KARTU_CETAK',
    region,
    fileKey: key,
    families: file.rows,
  });
  const filename = `cetak-kartu-${region}-${now.toISOString().slice(0, 10)}.csv`;
  const downloadUrl = await objects.presignGet(
    config.documentsBucket,
    key,
    config.presignTtlSeconds,
    filename,
  );
  return json(200, {
    kind: 'KARTU_CETAK',
    region,
    rows: file.rows,
    fileKey: key,
    downloadUrl,
    expiresAt: new Date(now.getTime() + config.presignTtlSeconds * 1000).toISOString(),
  } satisfies ResponseBody<'GetCardPrintFile', 200>);
});

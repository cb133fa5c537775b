import { memoryTarget, writeCsvFile } from '#shared/adapters/csv-file.ts';
import { dashboardXlsx } from '#shared/adapters/dashboard-xlsx.ts';
import { dashboardExportKey } from '#shared/adapters/storage-keys.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { DashboardExportQuerySchema } from '#shared/contract/distribution.ts';
import { DASHBOARD_LEVEL_LABEL, dashboardSheet } from '#shared/domain/family/dashboard.ts';
import { tahapLabel } from '#shared/domain/family/tahap.ts';
import { regionName } from '#shared/domain/wilayah.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { loadDashboard } from './dashboard-view.ts';
import { apiDeps } from './deps-with-objects.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * `GET /tahap/{tahapId}/dashboard/export?format=csv|xlsx&level&region`: the dashboard's table
 * (`GET /tahap/{tahapId}/dashboard`, the same access) as a file with Indonesian headers and a totals
 * row, stored under `files/dasbor/` and handed out as a short-lived link. Counts only: no read log.
 */
export const handler = apiHandler(routeById('ExportDashboard'), async ({ event, scope }) => {
  const { format, ...query } = parseInput(DashboardExportQuerySchema, event.queryStringParameters ?? {});
  const tahap = await loadTahap(event);
  const now = new Date();
  const answer = await loadDashboard(scope, tahap.tahapId, query, now);
  const sheet = dashboardSheet(answer, answer.level);
  const { config, objects } = apiDeps();
  const scopeName = answer.region ?? 'provinsi';
  const key = dashboardExportKey(tahap.tahapId, scopeName, answer.level, now, format);
  if (format === 'csv') {
    const target = memoryTarget((body) =>
      objects.putFile(config.documentsBucket, key, body, 'text/csv; charset=utf-8'),
    );
    await writeCsvFile(target, key, sheet.header, sheet.rows);
  } else {
    const where = answer.region ? (regionName(answer.region) ?? answer.region) : 'Provinsi Kalimantan Tengah';
    const title = `Dasbor penyaluran ${tahapLabel(tahap)} — ${where}, per ${DASHBOARD_LEVEL_LABEL[answer.level]}`;
    await objects.putFile(config.documentsBucket, key, await dashboardXlsx(sheet, title, now), XLSX_TYPE);
  }
  const filename = `dasbor-${tahap.tahapId}-${scopeName}-${answer.level}.${format}`;
  const url = await objects.presignGet(config.documentsBucket, key, config.presignTtlSeconds, filename);
  return json(200, {
    format,
    level: answer.level,
    rows: answer.rows.length,
    filename,
    url,
    expiresAt: new Date(now.getTime() + config.presignTtlSeconds * 1000).toISOString(),
  } satisfies ResponseBody<'ExportDashboard', 200>);
});

import { z } from 'zod';
import { PeriodSchema } from '#shared/domain/period.ts';
import { PREFIXES } from '#shared/resources.ts';

/**
 * `uploads/<region>/<period>/<uploadId>.<ext>` (interfaces.md §2). The region is a Kemendagri code;
 * the upload id is whatever `POST /uploads` issued, or any safe name when a file is put there by
 * other means (console, CLI).
 */
const UploadKeySchema = z.object({
  region: z.string().regex(/^62\.\d{2}$/),
  period: PeriodSchema,
  uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  extension: z.string(),
});
export type UploadKey = z.infer<typeof UploadKeySchema>;

export function parseUploadKey(key: string): UploadKey | undefined {
  if (!key.startsWith(PREFIXES.uploads)) return undefined;
  const parts = key.slice(PREFIXES.uploads.length).split('/');
  if (parts.length !== 3) return undefined;
  const [region, period, file] = parts as [string, string, string];
  const dot = file.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const parsed = UploadKeySchema.safeParse({
    region,
    period,
    uploadId: file.slice(0, dot),
    extension: file.slice(dot + 1).toLowerCase(),
  });
  return parsed.success ? parsed.data : undefined;
}

export const uploadObjectKey = (region: string, period: string, uploadId: string, extension: string) =>
  `${PREFIXES.uploads}${region}/${period}/${uploadId}.${extension}`;

export const errorReportKey = (region: string, period: string, uploadId: string) =>
  `${PREFIXES.errorReports}${region}/${period}/${uploadId}.csv`;

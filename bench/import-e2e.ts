/**
 * The import measured end to end, the way an operator's upload goes (issue #12): `POST /uploads`
 * through the local API for a presigned URL, the file PUT to the S3 emulator, the local S3 trigger
 * invoking the real import function in the stack's process, and `GET /uploads/{id}` polled until
 * the upload is closed. The clock runs from the first request to the answer that says COMPLETED.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { signLocalToken } from '../local/auth.ts';
import type { LocalStack } from '../local/stack.ts';

/** How often the upload is polled: its granularity is what the figure may overstate, at most. */
const POLL_MS = 50;

export interface EndToEndImport {
  readonly rows: number;
  readonly accepted: number;
  readonly ms: number;
  /** Where the time went: URL + PUT, until the import claimed the upload, the import, until seen closed. */
  readonly phases: {
    readonly upload: number;
    readonly trigger: number;
    readonly import: number;
    readonly seen: number;
  };
}

const CreatedSchema = z.object({ uploadId: z.string(), uploadUrl: z.string() });
const ViewSchema = z.object({
  status: z.string(),
  counts: z.object({ rows: z.number(), accepted: z.number() }).optional(),
});

export async function importEndToEnd(
  stack: LocalStack,
  file: string,
  region: string,
  period: string,
): Promise<EndToEndImport> {
  const body = await readFile(file);
  const token = await signLocalToken({
    sub: `bench-op-${region}`,
    name: `Operator ${region}`,
    groups: ['operator'],
    region,
  });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const { UploadsRepository } = await import('#shared/adapters/uploads-repo.ts');
  const uploads = new UploadsRepository(stack.env.TABLE_NAME ?? '');

  const begin = performance.now();
  const beginWall = Date.now();
  const created = await fetch(`${stack.apiUrl}/uploads`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ period, filename: 'daftar.csv' }),
  });
  if (created.status !== 201)
    throw new Error(`POST /uploads answered ${created.status}: ${await created.text()}`);
  const { uploadId, uploadUrl } = CreatedSchema.parse(await created.json());
  const put = await fetch(uploadUrl, { method: 'PUT', body });
  if (!put.ok) throw new Error(`PUT answered ${put.status}`);
  await put.arrayBuffer();
  const uploadedWall = Date.now();
  for (;;) {
    const answer = await fetch(`${stack.apiUrl}/uploads/${uploadId}`, { headers });
    const view = ViewSchema.parse(await answer.json());
    if (view.status === 'COMPLETED') {
      const ms = performance.now() - begin;
      const seenWall = Date.now();
      const record = await uploads.get(uploadId);
      const startedAt = Date.parse(record?.startedAt ?? '');
      const finishedAt = Date.parse(record?.finishedAt ?? '');
      return {
        rows: view.counts?.rows ?? 0,
        accepted: view.counts?.accepted ?? 0,
        ms,
        phases: {
          upload: uploadedWall - beginWall,
          trigger: startedAt - uploadedWall,
          import: finishedAt - startedAt,
          seen: seenWall - finishedAt,
        },
      };
    }
    if (view.status === 'REJECTED' || view.status === 'FAILED')
      throw new Error(`upload ${uploadId} ended ${view.status}`);
    await sleep(POLL_MS);
  }
}

/**
 * What the parts of `npm run demo` share (`demo.ts`, `demo-families.ts`): where the files go, the
 * tokens of the people, a JSON call to the local API, waiting for a condition, and a table printer.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signLocalToken } from './auth.ts';
import { REPO_ROOT } from './lambda.ts';

export const OUT = join(REPO_ROOT, 'out', 'demo');

export const token = signLocalToken;

export const operatorToken = (region: string) =>
  signLocalToken({
    sub: `demo-operator-${region}`,
    name: `Operator ${region}`,
    groups: ['operator'],
    region,
  });

/** A JSON call to the local API; a non-2xx answer is an error unless `allow` lists it. */
export async function call(
  base: string,
  bearer: string,
  method: string,
  path: string,
  body?: unknown,
  allow: number[] = [],
) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const payload: unknown = await response.json();
  if (!response.ok && !allow.includes(response.status)) {
    throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(payload)}`);
  }
  return payload;
}

export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function download(url: string, path: string): Promise<void> {
  const response = await fetch(url);
  await writeFile(path, Buffer.from(await response.arrayBuffer()));
}

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

import { execFile, execSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_TABLE } from '#shared/config/rates.ts';
import { amountsForPeriod, buildLampiran, decreeDocument } from '#shared/domain/decree.ts';
import { cdkEsbuildOptions } from '../../infra/bundles.ts';
import { copyFontsCommand } from '../../infra/constructs/decree-pipeline.ts';
import { DEFAULT_BUNDLING } from '../../infra/constructs/project-function.ts';
import { repoPath } from '../../infra/paths.ts';

/**
 * The decree renderer as Lambda runs it: bundled by esbuild with the project's bundling options and
 * the decree function's after-bundling hook (the fonts copied beside index.mjs), then loaded from
 * the bundle and made to render. pdfkit in a bundle fails on its built-in fonts; this proves the
 * embedded TTFs are found where the bundle looks for them.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khbs-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const { alias } = cdkEsbuildOptions('functions/decree/render-pdf.ts', '.');

describe('the decree renderer, bundled', () => {
  it('renders a PDF with the embedded fonts from the bundle directory', async () => {
    await build({
      entryPoints: [repoPath('functions/decree/render-pdf.ts')],
      outfile: join(dir, 'index.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: DEFAULT_BUNDLING.target,
      banner: { js: DEFAULT_BUNDLING.banner ?? '' },
      mainFields: [...(DEFAULT_BUNDLING.mainFields ?? [])],
      // brotli left out as in every bundle (DEFAULT_BUNDLING's alias): TTF fonts need none of it.
      ...(alias ? { alias } : {}),
      absWorkingDir: repoPath('.'),
      // Unminified: the stricter case (a top-level name clash between the banner and a bundled module
      // only shows when names are not mangled).
      minify: false,
      logLevel: 'silent',
    });
    execSync(copyFontsCommand(repoPath('.'), dir));
    expect((await readdir(join(dir, 'fonts'))).filter((name) => name.endsWith('.ttf')).sort()).toEqual([
      'LiberationSans-Bold.ttf',
      'LiberationSans-Regular.ttf',
    ]);

    const bundled = (await import(
      pathToFileURL(join(dir, 'index.mjs')).href
    )) as typeof import('../../functions/decree/render-pdf.ts');
    const lampiran = buildLampiran(
      [
        {
          nama: 'Yohanes Ma’ruf',
          nik: '6203011203850001',
          peran: 'DAMANG',
          kecamatanCode: '62.03.01',
          kecamatan: 'Selat',
        },
      ],
      amountsForPeriod(RATE_TABLE.monthly, '2026-S1'),
      { head: 6, tail: 4 },
    );
    const document = decreeDocument(
      {
        number: '188.44/9/2026',
        region: '62.03',
        period: '2026-S1',
        decreeDate: '2026-11-29',
        verifyCode: 'ABCD-EFGH-JKMN',
        proposalId: '62.03-2026-S1',
      },
      lampiran,
      {
        numberPattern: '188.44/{seq}/{year}',
        place: 'Palangka Raya',
        signerTitle: 'GUBERNUR KALIMANTAN TENGAH',
        signerName: 'AGUSTIAR SABRAN',
        verifyBaseUrl: 'https://khbs.kalteng.go.id/verify',
        nikMask: { head: 6, tail: 4 },
        menimbang: ['bahwa …;'],
        mengingat: ['Undang-Undang …;'],
      },
    );
    const { pdf } = await bundled.renderDecreePdf(document, { createdAt: new Date('2026-11-29T03:00:00Z') });
    const file = join(dir, 'sk.pdf');
    await writeFile(file, pdf);
    const { stdout: fonts } = await promisify(execFile)('pdffonts', [file]);
    expect(fonts).toMatch(/LiberationSans.*yes/);
    const { stdout: text } = await promisify(execFile)('pdftotext', [file, '-']);
    expect(text).toContain('NOMOR 188.44/9/2026');
    expect(text).toContain('Yohanes Ma’ruf');
  }, 60_000);
});

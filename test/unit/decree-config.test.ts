import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DecreeConfigError, decreeConfig, resetDecreeConfigForTests } from '#shared/config/decree.ts';

const KEYS = [
  'DECREE_NUMBER_PATTERN',
  'DECREE_PLACE',
  'DECREE_SIGNER_TITLE',
  'DECREE_SIGNER_NAME',
  'DECREE_VERIFY_BASE_URL',
  'DECREE_NIK_MASK',
  'DECREE_RETENTION_MODE',
  'DECREE_RETENTION_DAYS',
] as const;

describe('decreeConfig: settings that can never render a decree fail at load', () => {
  const saved = new Map<string, string | undefined>();
  beforeEach(() => {
    for (const key of KEYS) {
      saved.set(key, process.env[key]);
      delete process.env[key];
    }
    resetDecreeConfigForTests();
  });
  afterEach(() => {
    for (const key of KEYS) {
      const value = saved.get(key);
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetDecreeConfigForTests();
  });

  const load = (): DecreeConfigError => {
    try {
      decreeConfig();
    } catch (error) {
      expect(error).toBeInstanceOf(DecreeConfigError);
      return error as DecreeConfigError;
    }
    throw new Error('decreeConfig() did not throw');
  };

  it('loads the defaults, and a complete custom configuration', () => {
    expect(decreeConfig().settings).toMatchObject({
      numberPattern: '188.44/{seq}/{year}',
      nikMask: { head: 6, tail: 4 },
    });
    resetDecreeConfigForTests();
    process.env.DECREE_NUMBER_PATTERN = '900/{seq}/BKK/{year}';
    process.env.DECREE_VERIFY_BASE_URL = 'https://sk.kalteng.go.id/cek';
    process.env.DECREE_NIK_MASK = '4,4';
    process.env.DECREE_RETENTION_MODE = 'NONE';
    expect(decreeConfig()).toMatchObject({
      settings: { numberPattern: '900/{seq}/BKK/{year}', nikMask: { head: 4, tail: 4 } },
      retention: undefined,
    });
  });

  it('names every problem the pre-flight would find, instead of failing each decree later', () => {
    process.env.DECREE_SIGNER_NAME = '   ';
    process.env.DECREE_PLACE = ' ';
    process.env.DECREE_VERIFY_BASE_URL = 'ftp://khbs.kalteng.go.id/verify';
    process.env.DECREE_NIK_MASK = '8,8';
    const error = load();
    expect(error.problems).toEqual([
      'Konfigurasi SK: nama penanda tangan kosong.',
      'Konfigurasi SK: tempat penetapan kosong.',
      'Konfigurasi SK: alamat verifikasi "ftp://khbs.kalteng.go.id/verify" bukan URL http(s).',
      'Konfigurasi SK: masker NIK 8,8 harus menyembunyikan sedikitnya 4 dari 16 digit.',
    ]);
    expect(error.message).toMatch(/^Invalid decree configuration \(DECREE_\* environment\)/);
    expect(error.message).toContain('4 problem(s)');
    for (const problem of error.problems) expect(error.message).toContain(problem);
  });

  it('names what the environment schema refuses, field by field', () => {
    process.env.DECREE_NUMBER_PATTERN = '188.44/{seq}';
    process.env.DECREE_RETENTION_DAYS = '0';
    const error = load();
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toMatch(/^DECREE_NUMBER_PATTERN: .*\{seq\} and \{year\}/);
    expect(error.problems[1]).toMatch(/^DECREE_RETENTION_DAYS: /);
  });

  it('is not cached while it fails: a corrected environment loads', () => {
    process.env.DECREE_SIGNER_TITLE = '\t';
    expect(load().problems).toEqual(['Konfigurasi SK: jabatan penanda tangan kosong.']);
    process.env.DECREE_SIGNER_TITLE = 'GUBERNUR KALIMANTAN TENGAH';
    expect(decreeConfig().settings.signerTitle).toBe('GUBERNUR KALIMANTAN TENGAH');
  });
});

import { describe, expect, it } from 'vitest';
import { parseRole, ROLE_CODES, ROLES, roleHint } from '#shared/domain/roles.ts';

describe('ROLES', () => {
  it('has the eight roles with labels and levels', () => {
    expect(ROLE_CODES).toHaveLength(8);
    const levels = Object.fromEntries(ROLE_CODES.map((code) => [code, ROLES[code].level]));
    expect(levels).toEqual({
      DAMANG: 'kecamatan',
      SEKRETARIS_DAMANG: 'kecamatan',
      MANTIR_KECAMATAN: 'kecamatan',
      MANTIR_DESA: 'desa',
      KETUA_RT: 'rt',
      BABINSA: 'desa',
      BHABINKAMTIBMAS: 'desa',
      PEMUKA_AGAMA: 'desa',
    });
    for (const code of ROLE_CODES) {
      expect(ROLES[code].code).toBe(code);
      expect(ROLES[code].label).not.toBe('');
    }
  });
});

describe('parseRole', () => {
  it.each([
    ['DAMANG', ['Damang', 'DAMANG', 'Damang Kepala Adat', 'damang kepala adat']],
    ['SEKRETARIS_DAMANG', ['Sekretaris Damang', 'Sekdam', 'SEKDAM', 'Sekr. Damang', 'Sekertaris Damang']],
    ['MANTIR_KECAMATAN', ['Mantir Adat Kecamatan', 'Mantir Kecamatan', 'mantir adat kec.', 'MANTIR KEC']],
    [
      'MANTIR_DESA',
      [
        'Mantir Adat Desa',
        'mantir desa',
        'Mantir Adat Kelurahan',
        'Mantir Adat Desa/Kelurahan',
        'MANTIR  DESA.',
      ],
    ],
    [
      'KETUA_RT',
      ['Ketua RT', 'RT', 'ketua rt', 'Ketua Rukun Tetangga', 'Ketua RT 03', 'Ketua RT.005', 'Ketua R.T.'],
    ],
    ['BABINSA', ['Babinsa', 'BABINSA', 'Babinsa TNI', 'Bintara Pembina Desa']],
    [
      'BHABINKAMTIBMAS',
      [
        'Bhabinkamtibmas',
        'Bhabin Kamtibmas',
        'Bhabinkamtibmas Polri',
        'BHABINKAMTIBMAS/POLRI',
        'Babinkamtibmas',
      ],
    ],
    [
      'PEMUKA_AGAMA',
      [
        'Pemuka Agama',
        'Tokoh Agama',
        'Pemuka Agama/Tokoh Agama',
        'Tokoh Agama / Pemuka Agama',
        'Rohaniawan',
        'TOGA',
      ],
    ],
  ] as const)('%s from its usual spellings', (code, spellings) => {
    for (const spelling of spellings) expect(parseRole(spelling), spelling).toBe(code);
  });

  it('leaves plain "Mantir" undefined: the level decides the role', () => {
    for (const text of ['Mantir', 'Mantir Adat', 'MANTIR ADAT', 'Anggota Mantir'])
      expect(parseRole(text)).toBeUndefined();
  });

  it('leaves unknown or empty text undefined', () => {
    for (const text of ['', '  ', 'Kepala Desa', 'Lurah', 'Ketua RW', 'Camat'])
      expect(parseRole(text)).toBeUndefined();
  });
});

describe('roleHint', () => {
  it('asks for the level of a plain Mantir', () => {
    expect(roleHint('Mantir Adat')).toMatch(/Mantir Kecamatan.*Mantir Desa/);
    expect(roleHint('mantir')).toMatch(/Mantir Kecamatan.*Mantir Desa/);
  });

  it('suggests the closest role for a typing mistake', () => {
    expect(roleHint('Babinas')).toBe('Maksud Anda: Babinsa?');
    expect(roleHint('Bhabinkamtibmaas')).toBe('Maksud Anda: Bhabinkamtibmas?');
    expect(roleHint('Pemuka Agma')).toBe('Maksud Anda: Pemuka Agama?');
  });

  it('has nothing to add for a known role or something far from any', () => {
    expect(roleHint('Damang')).toBeUndefined();
    expect(roleHint('Bendahara Desa')).toBeUndefined();
  });
});

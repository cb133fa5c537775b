import type { RoleCode } from '../domain/roles.ts';

/**
 * Monthly BKK amount per role, in Rupiah. The province sets these (the news report gives no
 * figures): the values below are PLACEHOLDERS so that totals can be computed end to end, and every
 * API response that shows an amount says `ratesArePlaceholders: true` until real ones replace them.
 */
export const RATE_TABLE: {
  readonly placeholder: boolean;
  readonly monthly: Readonly<Record<RoleCode, number>>;
} = {
  placeholder: true,
  monthly: {
    DAMANG: 1_500_000,
    SEKRETARIS_DAMANG: 1_000_000,
    MANTIR_KECAMATAN: 750_000,
    MANTIR_DESA: 500_000,
    KETUA_RT: 300_000,
    BABINSA: 500_000,
    BHABINKAMTIBMAS: 500_000,
    PEMUKA_AGAMA: 500_000,
  },
};

/**
 * Masking of personal data (UU PDP No. 27/2022) for logs, PDFs and readers who may not see it whole.
 * Masks have a fixed shape, so they do not reveal a value's length or the length of a name.
 */

/**
 * `6203014101900001` → `620301******0001`: the region and kecamatan of registration stay readable
 * (useful for support), the birth date does not. A value too short to be a NIK is masked whole.
 */
export function maskNik(nik: string): string {
  if (nik.length < 10) return '*'.repeat(nik.length);
  return `${nik.slice(0, 6)}******${nik.slice(-4)}`;
}

/** `1234567890123` → `*********0123`. A value of four characters or fewer is masked whole. */
export function maskAccount(account: string): string {
  if (account.length <= 4) return '*'.repeat(account.length);
  return '*'.repeat(account.length - 4) + account.slice(-4);
}

/**
 * Initials only: `Budi Santoso` → `B*** S***`, `Drs. H. Ahmad` → `D*** H*** A***`. Each word keeps
 * its first letter and gets exactly three stars.
 */
export function maskName(name: string): string {
  return name
    .split(/[\s.,]+/)
    .filter((word) => word !== '')
    .map((word) => `${[...word][0] ?? ''}***`)
    .join(' ');
}

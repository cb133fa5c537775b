import * as z from 'zod';
import { UNSAFE_CHARACTER } from '../domain/text.ts';
import { lazySchema } from '../lazy-schema.ts';

/**
 * Schemas for the small values that arrive in paths, query strings and bodies, strict on purpose:
 * what a person types is accepted in one plain form, and anything a log, a spreadsheet or a
 * browser could read differently (control characters, bidi overrides, markup, `1e2`, `0x10`) is
 * refused with the reason.
 */

/** Characters no file name needs, that Windows refuses, or that make markup. */
const FORBIDDEN_IN_FILENAME = /[/\\<>:"|?*`$]/;

/** The name of an uploaded file as the operator's computer gave it: shown back, never trusted. */
export const FilenameSchema = /* @__PURE__ */ lazySchema(() =>
  z
    .string()
    .trim()
    .min(5, 'Nama berkas wajib diisi, misalnya "daftar-penerima.xlsx".')
    .max(120, 'Nama berkas paling panjang 120 karakter.')
    .refine((name) => !UNSAFE_CHARACTER.test(name), 'Nama berkas memuat karakter kendali atau tak terlihat.')
    .refine(
      (name) => !FORBIDDEN_IN_FILENAME.test(name),
      'Nama berkas tidak boleh memuat karakter / \\ < > : " | ? * ` $.',
    )
    .refine((name) => !name.startsWith('.'), 'Nama berkas tidak boleh diawali titik.')
    .refine((name) => /\.(csv|xlsx)$/i.test(name), 'Nama berkas harus berakhiran .csv atau .xlsx.'),
);

/**
 * A whole number in a query string, written in plain decimal digits only: `1e2`, `0x10`, ` 10`,
 * `+5` and `10.0` are refused rather than read as something the caller may not have meant.
 */
export function queryInt(min: number, max: number) {
  return z
    .string()
    .regex(/^(0|[1-9]\d{0,8})$/, 'Harus bilangan bulat yang ditulis dengan angka 0–9 saja.')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/**
 * A note or reason a person writes (kept in the audit trail, shown back in the history, printed in
 * reports): up to `max` characters, line breaks kept (CRLF folded to LF), and no control, bidi or
 * zero-width characters, which could make a record read differently from what is stored.
 */
export function freeText(max: number, required?: { min: number; message: string }) {
  const base = z
    .string()
    .trim()
    .max(max, `Paling panjang ${max} karakter.`)
    .transform((text) => text.replace(/\r\n?/g, '\n'))
    .refine(
      // Line breaks and tabs are the only control characters a written note may have.
      (text) => !UNSAFE_CHARACTER.test(text.replace(/[\n\t]/g, '')),
      'Teks memuat karakter kendali atau tak terlihat; tulis ulang tanpa menyalin dari sumber lain.',
    );
  return required ? base.refine((text) => text.length >= required.min, required.message) : base;
}

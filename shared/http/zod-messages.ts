import { type $ZodErrorMap, config } from 'zod/v4/core';

/**
 * zod's messages in Bahasa Indonesia, written for the people who read them (an operator, a
 * verifier), set once for every schema that gives no message of its own. zod's own `id` locale is
 * not used: it names JavaScript types ("diharapkan string, diterima undefined") and echoes every
 * unknown key, however many a request sends.
 */

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'teks',
  number: 'angka',
  int: 'bilangan bulat',
  boolean: 'true atau false',
  object: 'objek JSON',
  array: 'daftar',
  date: 'tanggal',
};

/** At most this many unknown keys are named, and only those shaped like a field name. */
const KEYS_NAMED = 5;
const FIELD_NAME = /^[A-Za-z0-9_]{1,40}$/;

export const indonesianError: $ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'Wajib diisi.'
        : `Harus berupa ${TYPE_NAMES[issue.expected] ?? issue.expected}.`;
    case 'invalid_value':
      return `Harus salah satu dari: ${issue.values
        .slice(0, 12)
        .map((value) => String(value))
        .join(', ')}.`;
    case 'too_big':
      if (issue.origin === 'string') return `Paling panjang ${issue.maximum} karakter.`;
      if (issue.origin === 'array') return `Paling banyak ${issue.maximum} butir.`;
      return `Paling besar ${issue.maximum}.`;
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1 ? 'Wajib diisi.' : `Paling sedikit ${issue.minimum} karakter.`;
      if (issue.origin === 'array') return `Paling sedikit ${issue.minimum} butir.`;
      return `Paling kecil ${issue.minimum}.`;
    case 'invalid_format':
      return 'Bentuk isian tidak sesuai.';
    case 'not_multiple_of':
      return `Harus kelipatan ${issue.divisor}.`;
    case 'unrecognized_keys': {
      // Only keys that look like field names are named back: never markup or control characters.
      const named = issue.keys
        .filter((key) => FIELD_NAME.test(key))
        .slice(0, KEYS_NAMED)
        .map((key) => `"${key}"`);
      const more = issue.keys.length - named.length;
      if (named.length === 0) return `Ada ${more} kolom yang tidak dikenal.`;
      return `Kolom tidak dikenal: ${named.join(', ')}${more > 0 ? ` dan ${more} lainnya` : ''}.`;
    }
    default:
      return 'Isian tidak sah.';
  }
};

/**
 * Set through zod core (the same global configuration `z.config` sets) rather than the classic `z`
 * namespace: a module that names `z` as a value makes a bundle carry all of zod, its 64 locales too.
 */
config({ customError: indonesianError });

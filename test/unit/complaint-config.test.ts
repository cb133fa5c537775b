import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { complaintSettings } from '#shared/config/complaints.ts';
import { FIXED_NATIONAL_HOLIDAYS } from '#shared/domain/complaints.ts';

const KEYS = [
  'COMPLAINT_ANSWER_DAYS',
  'COMPLAINT_HOLIDAYS',
  'COMPLAINT_RATE_LIMIT',
  'COMPLAINT_RATE_WINDOW_MINUTES',
  'COMPLAINT_RATE_PEPPER',
  'COMPLAINT_RATE_PEPPER_SECRET',
] as const;

let saved: Partial<Record<(typeof KEYS)[number], string>>;

beforeEach(() => {
  saved = Object.fromEntries(KEYS.map((key) => [key, process.env[key]]));
  for (const key of KEYS) delete process.env[key];
});

afterEach(() => {
  for (const key of KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe('complaintSettings (shared/config/complaints.ts)', () => {
  it('defaults: 5 working days, the fixed national holidays only, 5 per 60 minutes, no pepper', () => {
    const settings = complaintSettings();
    expect(settings.answerDays).toBe(5);
    expect([...settings.holidays].sort()).toEqual([...FIXED_NATIONAL_HOLIDAYS].sort());
    expect(settings.rateLimit).toBe(5);
    expect(settings.rateWindowMinutes).toBe(60);
    expect(settings.ratePepper).toBe('');
    expect(settings.ratePepperSecret).toBeUndefined();
  });

  it('adds COMPLAINT_HOLIDAYS (as the CDK app writes it: comma-separated) to the fixed ones', () => {
    process.env.COMPLAINT_HOLIDAYS = '2026-03-20, --12-26,,2026-03-19';
    const { holidays } = complaintSettings();
    for (const day of ['2026-03-20', '--12-26', '2026-03-19', ...FIXED_NATIONAL_HOLIDAYS]) {
      expect(holidays.has(day), day).toBe(true);
    }
    expect(holidays.size).toBe(new Set(FIXED_NATIONAL_HOLIDAYS).size + 3);
    process.env.COMPLAINT_HOLIDAYS = '';
    expect(complaintSettings().holidays.size).toBe(new Set(FIXED_NATIONAL_HOLIDAYS).size);
  });

  it.each(['20-03-2026', '2026-3-20', '2026-13-01', '2026-03-32', '12-26', 'libur'])(
    'refuses the holiday %j',
    (day) => {
      process.env.COMPLAINT_HOLIDAYS = `2026-03-20,${day}`;
      expect(() => complaintSettings()).toThrow(/COMPLAINT_HOLIDAYS: YYYY-MM-DD or --MM-DD/);
    },
  );

  it('names the pepper secret when COMPLAINT_RATE_PEPPER_SECRET is set (the deployed routes)', () => {
    const arn = 'arn:aws:secretsmanager:ap-southeast-3:123456789012:secret:ComplaintRatePepper-AbCdEf';
    process.env.COMPLAINT_RATE_PEPPER_SECRET = arn;
    expect(complaintSettings()).toMatchObject({ ratePepper: '', ratePepperSecret: arn });
  });

  it('takes the pepper itself from COMPLAINT_RATE_PEPPER (local runs and tests)', () => {
    process.env.COMPLAINT_RATE_PEPPER = 'local-pepper';
    expect(complaintSettings()).toMatchObject({ ratePepper: 'local-pepper' });
    expect(complaintSettings().ratePepperSecret).toBeUndefined();
  });

  it('refuses both a pepper and a secret: one value, one source', () => {
    process.env.COMPLAINT_RATE_PEPPER = 'local-pepper';
    process.env.COMPLAINT_RATE_PEPPER_SECRET = 'ComplaintRatePepper';
    expect(() => complaintSettings()).toThrow(/not both/);
  });
});

import { describe, expect, it } from 'vitest';
import { EnterComplaintBodySchema, LodgeComplaintBodySchema } from '#shared/contract/requests.ts';
import {
  COMPLAINT_ACTIONS,
  COMPLAINT_CODE_BITS,
  COMPLAINT_STATUSES,
  dueDate,
  FIXED_NATIONAL_HOLIDAYS,
  handlingUnit,
  isOverdue,
  isWorkingDay,
  newComplaintCode,
  newComplaintId,
  normalizeComplaintCode,
  transition,
  visibleTo,
  wibDate,
} from '#shared/domain/complaints.ts';

const NONE = new Set<string>();
const HOLIDAYS = new Set(FIXED_NATIONAL_HOLIDAYS);

describe('complaint statuses', () => {
  it('moves only along the table, and SELESAI and DITOLAK are final', () => {
    const table = Object.fromEntries(
      COMPLAINT_STATUSES.map((status) => [
        status,
        Object.fromEntries(
          COMPLAINT_ACTIONS.map((action) => {
            const step = transition(status, action);
            return [action, step.ok ? step.to : null];
          }),
        ),
      ]),
    );
    expect(table).toEqual({
      BARU: { ASSIGN: 'DITANGANI', ANSWER: null, CLOSE: null, REJECT: 'DITOLAK' },
      DITANGANI: { ASSIGN: 'DITANGANI', ANSWER: 'DITANGANI', CLOSE: 'SELESAI', REJECT: 'DITOLAK' },
      SELESAI: { ASSIGN: null, ANSWER: null, CLOSE: null, REJECT: null },
      DITOLAK: { ASSIGN: null, ANSWER: null, CLOSE: null, REJECT: null },
    });
  });

  it('says why in Bahasa Indonesia', () => {
    const refused = transition('BARU', 'CLOSE');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toMatch(/Tugaskan petugas/);
  });
});

describe('who handles a complaint', () => {
  it('sends PUNGLI to the province, whatever the desa; everything else to the desa’s kabupaten', () => {
    expect(handlingUnit('PUNGLI', '62.03.01.2001')).toBe('PROVINSI');
    expect(handlingUnit('KARTU', '62.03.01.2001')).toBe('62.03');
    expect(handlingUnit('SANGGAHAN', '62.71.01.1001')).toBe('62.71');
  });

  it('never shows the province’s queue to a regional role, even of its own kabupaten', () => {
    expect(visibleTo(['62.03'], '62.03')).toBe(true);
    expect(visibleTo(['62.03'], '62.01')).toBe(false);
    expect(visibleTo(['62.03'], 'PROVINSI')).toBe(false);
    expect(visibleTo('all', 'PROVINSI')).toBe(true);
  });
});

describe('codes and ids', () => {
  it('makes unguessable codes of at least 50 random bits, in a form people can read back', () => {
    expect(COMPLAINT_CODE_BITS).toBeGreaterThanOrEqual(50);
    const codes = new Set(Array.from({ length: 2_000 }, () => newComplaintCode()));
    expect(codes.size).toBe(2_000);
    for (const code of codes)
      expect(code).toMatch(/^ADU-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(newComplaintId()).toMatch(/^PGD-[A-Z2-7]{12}$/);
  });

  it('reads a code as typed: case, spaces, dashes, O for 0 and I or L for 1', () => {
    expect(normalizeComplaintCode('adu 7k2m-9q0z-1abc')).toBe('ADU-7K2M-9Q0Z-1ABC');
    expect(normalizeComplaintCode('7K2M9QOZIABC')).toBe('ADU-7K2M-9Q0Z-1ABC');
    expect(normalizeComplaintCode('ADU-7K2M-9Q0Z')).toBeUndefined();
    expect(normalizeComplaintCode('ADU-7K2M-9Q0Z-1ABU')).toBeUndefined();
    expect(normalizeComplaintCode('x'.repeat(100))).toBeUndefined();
  });
});

describe('the service-level clock (working days, WIB)', () => {
  it('dates by the day in WIB: 18:00 UTC is already the next day', () => {
    expect(wibDate(new Date('2026-03-02T16:59:59Z'))).toBe('2026-03-02');
    expect(wibDate(new Date('2026-03-02T17:00:00Z'))).toBe('2026-03-03');
  });

  it('skips weekends and holidays, fixed yearly ones and configured dates', () => {
    expect(isWorkingDay('2026-03-07', NONE)).toBe(false); // Saturday
    expect(isWorkingDay('2026-08-17', HOLIDAYS)).toBe(false); // Monday, Independence Day
    expect(isWorkingDay('2026-03-20', new Set(['2026-03-20']))).toBe(false);
    expect(isWorkingDay('2026-03-19', HOLIDAYS)).toBe(true);
  });

  it('is due on the 5th working day after the day it arrived', () => {
    // Monday → next Monday; Friday evening WIB → next Friday; Saturday → the Friday after.
    expect(dueDate(new Date('2026-03-02T03:00:00Z'), 5, NONE)).toBe('2026-03-09');
    expect(dueDate(new Date('2026-03-06T12:00:00Z'), 5, NONE)).toBe('2026-03-13');
    expect(dueDate(new Date('2026-03-07T03:00:00Z'), 5, NONE)).toBe('2026-03-13');
    // Independence Day (Monday 17 August 2026) does not count.
    expect(dueDate(new Date('2026-08-14T03:00:00Z'), 5, HOLIDAYS)).toBe('2026-08-24');
    expect(dueDate(new Date('2026-03-02T03:00:00Z'), 1, new Set(['2026-03-03']))).toBe('2026-03-04');
  });

  it('is overdue once the due date has passed in WIB, while open and unanswered', () => {
    const open = { status: 'DITANGANI' as const, dueDate: '2026-03-09' };
    expect(isOverdue(open, new Date('2026-03-09T16:59:00Z'))).toBe(false);
    expect(isOverdue(open, new Date('2026-03-09T17:00:00Z'))).toBe(true);
    expect(isOverdue({ ...open, answeredAt: '2026-03-05T00:00:00Z' }, new Date('2026-04-01T00:00:00Z'))).toBe(
      false,
    );
    expect(isOverdue({ ...open, status: 'SELESAI' }, new Date('2026-04-01T00:00:00Z'))).toBe(false);
  });
});

describe('what a complaint body may hold', () => {
  const body = {
    category: 'KARTU',
    desaCode: '62.03.01.1006',
    text: 'Kartu KHBS kami belum dibagikan padahal tetangga sudah menerima.',
  };

  it('needs a desa of Kalimantan Tengah’s official list', () => {
    expect(LodgeComplaintBodySchema.safeParse(body).success).toBe(true);
    const unknown = LodgeComplaintBodySchema.safeParse({ ...body, desaCode: '62.03.01.2001' });
    expect(unknown.success).toBe(false);
  });

  it('checks a NIK or No KK as a shape only, and refuses a text too long, too short or with control characters', () => {
    expect(LodgeComplaintBodySchema.safeParse({ ...body, nik: '6203014101900001' }).success).toBe(true);
    expect(LodgeComplaintBodySchema.safeParse({ ...body, nik: '12345' }).success).toBe(false);
    expect(LodgeComplaintBodySchema.safeParse({ ...body, text: 'x'.repeat(2_001) }).success).toBe(false);
    expect(LodgeComplaintBodySchema.safeParse({ ...body, text: 'pendek' }).success).toBe(false);
    expect(LodgeComplaintBodySchema.safeParse({ ...body, text: `${body.text}\u202e` }).success).toBe(false);
    expect(LodgeComplaintBodySchema.safeParse({ ...body, channel: 'TELEPON' }).success).toBe(false);
  });

  it('lets staff name the channel, but not WEB', () => {
    expect(EnterComplaintBodySchema.safeParse({ ...body, channel: 'WHATSAPP' }).success).toBe(true);
    expect(EnterComplaintBodySchema.safeParse({ ...body, channel: 'WEB' }).success).toBe(false);
  });
});

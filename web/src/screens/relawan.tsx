import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { VERVAL_RESULT_LABEL, VERVAL_RESULTS, type VervalResult } from '#shared/domain/family/verval.ts';
import { dayMonthYear, regionLabel, tahapName } from '../family-words.ts';
import {
  type CardFieldRecord,
  clearSent,
  enqueue,
  type FieldRecord,
  loadQueue,
  type NewFieldRecord,
  pending,
  type SendAnswer,
  type SendOutcome,
  saveQueue,
  sendQueue,
  type VervalFieldRecord,
} from '../field-queue.ts';
import { FormProblem, PageTitle } from '../page.tsx';
import { type SignedIn, useSignedIn } from '../session.tsx';
import { failureMessage } from '../ui.tsx';
import { usePlaceNames } from './tahap.tsx';
import './relawan.css';

/**
 * `/lapangan` (a relawan's menu: *Catat di lapangan*): on a phone (360 px), in the field, often
 * without signal. The desa assigned to the relawan per tahap and the families to visit (the last
 * answers kept in this browser, so the lists stay when the signal goes); per family a verval result
 * or a card handover, recorded into a queue kept in this browser (`field-queue.ts`) and sent when
 * the phone is online: at once, on the browser's `online` event, on *Kirim sekarang*, and when the
 * page opens again. Each record shows whether it waits, was sent or was refused, with the API's
 * reason. A token that expired (401) ends the session as on every screen; the queue stays, and
 * after signing in again the console comes back here and sends it.
 */
export function RelawanFieldPage() {
  const signedIn = useSignedIn();
  const { scope, session } = signedIn;
  const sub = session.claims.sub;
  const names = usePlaceNames();
  const online = useOnline();
  const assignments = useCachedApi(signedIn, `penugasan`, () => signedIn.call('ListMyAssignments', {}));
  const items = assignments.body?.items ?? [];
  const [chosen, setChosen] = useState<string | undefined>();
  const current = items.find((item) => `${item.tahapId} ${item.desaCode}` === chosen) ?? items[0];

  const [queue, setQueue] = useState<FieldRecord[]>(() => loadQueue(localStorage, sub));
  const apply = useCallback(
    (change: (queue: readonly FieldRecord[]) => FieldRecord[]) =>
      setQueue((before) => {
        const after = change(before);
        saveQueue(localStorage, sub, after);
        return after;
      }),
    [sub],
  );
  const { sending, outcome, send } = useSender(signedIn, queue, apply);
  // Sends what waits when the page opens and whenever the phone comes back online.
  useEffect(() => {
    const whenOnline = () => void send();
    if (navigator.onLine) void send();
    addEventListener('online', whenOnline);
    return () => removeEventListener('online', whenOnline);
  }, [send]);

  const record = (next: NewFieldRecord) => {
    apply((before) => enqueue(before, next));
    if (navigator.onLine) setTimeout(() => void send(), 0);
  };

  return (
    <section class="card relawan" aria-labelledby="judul-lapangan">
      <PageTitle title="Catat di lapangan">
        <span id="judul-lapangan">Catat di lapangan</span>
      </PageTitle>
      <p class={online ? 'relawan-line' : 'relawan-line relawan-offline'} data-testid="status-sambungan">
        {online
          ? 'Tersambung ke internet.'
          : 'Tidak ada sinyal: catatan disimpan di ponsel ini dan dikirim saat sinyal kembali.'}
      </p>
      {assignments.body === undefined ? (
        <p class="muted" role="status">
          {assignments.problem ?? 'Mencari desa yang ditugaskan…'}
        </p>
      ) : items.length === 0 ? (
        <p class="empty" data-testid="tanpa-tugas">
          Belum ada desa yang ditugaskan kepada Anda
          {scope && scope.regions !== 'all' ? ` di ${regionLabel(scope.regions[0])}` : ''}. Hubungi operator
          Dinas Sosial kabupaten/kota Anda.
        </p>
      ) : (
        <>
          {items.length > 1 ? (
            <label class="field">
              Desa dan tahap
              <select
                name="penugasan"
                value={current ? `${current.tahapId} ${current.desaCode}` : ''}
                onChange={(event) => setChosen(event.currentTarget.value)}
              >
                {items.map((item) => (
                  <option key={`${item.tahapId} ${item.desaCode}`} value={`${item.tahapId} ${item.desaCode}`}>
                    {names.desa(item.desaCode)} · {item.tahapLabel || tahapName(item.tahapId)}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {current ? (
            <FieldForms
              key={`${current.tahapId} ${current.desaCode}`}
              signedIn={signedIn}
              tahapId={current.tahapId}
              desaCode={current.desaCode}
              place={`${names.desa(current.desaCode)} · ${current.tahapLabel || tahapName(current.tahapId)}`}
              onRecord={record}
            />
          ) : null}
        </>
      )}
      <Queue
        queue={queue}
        online={online}
        sending={sending}
        outcome={outcome}
        onSend={() => void send()}
        onClear={() => apply(clearSent)}
      />
    </section>
  );
}

/** Whether the browser says it is online, following its `online` and `offline` events. */
function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    addEventListener('online', update);
    addEventListener('offline', update);
    return () => {
      removeEventListener('online', update);
      removeEventListener('offline', update);
    };
  }, []);
  return online;
}

type Answer<B> = { readonly ok: true; readonly body: B } | { readonly ok: false; readonly status: number };

/**
 * An answer of the API, kept in this browser (per user) after each success, so that the page shows
 * the last one it had when the signal is gone: the relawan's lists must not vanish in the field.
 */
function useCachedApi<B>(
  signedIn: SignedIn,
  name: string,
  load: () => Promise<Answer<B>>,
): { readonly body: B | undefined; readonly problem?: string } {
  const key = `khbs.lapangan.${signedIn.session.claims.sub}.${name}`;
  const [state, setState] = useState<{ body: B | undefined; problem?: string }>(() => {
    const kept = localStorage.getItem(key);
    try {
      return { body: kept === null ? undefined : (JSON.parse(kept) as B) };
    } catch {
      return { body: undefined };
    }
  });
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    let live = true;
    loader.current().then(
      (answer) => {
        if (!live) return;
        if (answer.ok) {
          localStorage.setItem(key, JSON.stringify(answer.body));
          setState({ body: answer.body });
        } else setState((before) => ({ ...before, problem: 'Data tidak dapat dimuat dari server.' }));
      },
      () => live && setState((before) => ({ ...before, problem: 'Server tidak dapat dihubungi.' })),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return state;
}

/** Sends the queue through the API, one run at a time, and says how the last run ended. */
function useSender(
  signedIn: SignedIn,
  queue: readonly FieldRecord[],
  apply: (change: (queue: readonly FieldRecord[]) => FieldRecord[]) => void,
) {
  const latest = useRef(queue);
  latest.current = queue;
  const running = useRef(false);
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<SendOutcome | undefined>();
  const { call } = signedIn;
  const send = useCallback(async () => {
    if (running.current || pending(latest.current).length === 0) return;
    running.current = true;
    setSending(true);
    const answered = async <R,>(
      request: () => Promise<
        | {
            ok: true;
            body: { results: readonly { outcome: 'RECORDED' | 'UNCHANGED' | 'REFUSED'; message: string }[] };
          }
        | ({ ok: false; status: number } & R)
      >,
    ): Promise<SendAnswer> => {
      try {
        const answer = await request();
        if (answer.ok) return { kind: 'answered', results: answer.body.results };
        if (answer.status === 401) return { kind: 'expired' };
        return { kind: 'failed', message: failureMessage(answer as never) };
      } catch {
        return { kind: 'offline' };
      }
    };
    // One key per batch sent: a retry of the very same request after a dropped answer acts once.
    const result = await sendQueue(
      latest.current,
      {
        verval: (tahapId, records: readonly VervalFieldRecord[]) =>
          answered(() =>
            call('RecordVervalVisits', {
              params: { tahapId },
              body: {
                records: records.map((record) => ({
                  noKk: record.noKk,
                  desaCode: record.desaCode,
                  result: record.result,
                  tanggal: record.tanggal,
                  nomorBeritaAcara: record.nomorBeritaAcara,
                  ...(record.penerimaNik ? { penerimaNik: record.penerimaNik } : {}),
                  ...(record.note ? { note: record.note } : {}),
                  recordedAt: record.recordedAt,
                })),
              },
              idempotencyKey: crypto.randomUUID(),
            }),
          ),
        cards: (records: readonly CardFieldRecord[]) =>
          answered(() =>
            call('RecordCardHandovers', {
              body: {
                records: records.map((record) => ({
                  tahapId: record.tahapId,
                  noKk: record.noKk,
                  tanggal: record.tanggal,
                  ...(record.cardNumber ? { cardNumber: record.cardNumber } : {}),
                })),
              },
              idempotencyKey: crypto.randomUUID(),
            }),
          ),
      },
      apply,
    );
    running.current = false;
    setSending(false);
    setOutcome(result);
  }, [call, apply]);
  return { sending, outcome, send };
}

/** Today in WIB (`YYYY-MM-DD`), the day a record is dated unless the relawan says otherwise. */
const todayWib = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

function FieldForms(props: {
  signedIn: SignedIn;
  tahapId: string;
  desaCode: string;
  place: string;
  onRecord: (record: NewFieldRecord) => void;
}) {
  const { signedIn, tahapId, desaCode } = props;
  const progress = useCachedApi(signedIn, `desa.${tahapId}.${desaCode}`, () =>
    signedIn.call('GetVervalProgress', { params: { tahapId }, query: { desa: desaCode } }),
  );
  const visited = useMemo(
    () => new Map((progress.body?.results ?? []).map((result) => [result.noKk, result.result])),
    [progress.body],
  );
  const families = progress.body?.toVisitKk ?? [];
  const [noKk, setNoKk] = useState('');
  const [kind, setKind] = useState<'VERVAL' | 'KARTU'>('VERVAL');
  const [result, setResult] = useState<VervalResult>('LAYAK');
  const [tanggal, setTanggal] = useState(todayWib);
  const [beritaAcara, setBeritaAcara] = useState('');
  const [penerimaNik, setPenerimaNik] = useState('');
  const [note, setNote] = useState('');
  const [cardNumber, setCardNumber] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [saved, setSaved] = useState<string | undefined>();

  const submit = (event: Event) => {
    event.preventDefault();
    const kk = noKk.replace(/\D/g, '');
    if (kk.length !== 16) return setProblem('Pilih keluarga, atau tulis No KK 16 angka.');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(tanggal)) return setProblem('Isi tanggal.');
    if (tanggal > todayWib()) return setProblem('Tanggal tidak boleh setelah hari ini.');
    const common = { tahapId, desaCode, noKk: kk, tanggal, recordedAt: new Date().toISOString() };
    if (kind === 'VERVAL') {
      if (beritaAcara.trim() === '') return setProblem('Isi nomor berita acara Musdes/Muskel.');
      if (result === 'MENINGGAL' && penerimaNik.replace(/\D/g, '').length !== 16) {
        return setProblem(
          'Kepala keluarga meninggal: isi NIK anggota keluarga dewasa yang menjadi penerima baru.',
        );
      }
      props.onRecord({
        kind: 'VERVAL',
        ...common,
        result,
        nomorBeritaAcara: beritaAcara.trim(),
        ...(penerimaNik.trim() ? { penerimaNik: penerimaNik.replace(/\D/g, '') } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
    } else {
      props.onRecord({
        kind: 'KARTU',
        ...common,
        ...(cardNumber.trim() ? { cardNumber: cardNumber.trim() } : {}),
      });
    }
    setProblem(undefined);
    setSaved(`${kind === 'VERVAL' ? 'Hasil verval' : 'Penyerahan kartu'} No KK ${kk} disimpan di antrean.`);
    setPenerimaNik('');
    setNote('');
    setCardNumber('');
  };

  return (
    <section class="relawan-desa" aria-labelledby="judul-desa-lapangan">
      <h2 id="judul-desa-lapangan">{props.place}</h2>
      <form aria-label="Catat kunjungan" noValidate onSubmit={submit}>
        <div class="field">
          <label for="lapangan-kk">Keluarga (No KK)</label>
          {families.length > 0 ? (
            <select
              id="lapangan-kk"
              name="no-kk"
              value={noKk}
              onChange={(event) => setNoKk(event.currentTarget.value)}
            >
              <option value="">— pilih keluarga —</option>
              {families.map((family) => {
                const result = visited.get(family);
                return (
                  <option key={family} value={family}>
                    {family}
                    {result ? ` · ${VERVAL_RESULT_LABEL[result]}` : ' · belum dikunjungi'}
                  </option>
                );
              })}
            </select>
          ) : (
            <input
              id="lapangan-kk"
              name="no-kk"
              inputMode="numeric"
              autocomplete="off"
              maxLength={20}
              value={noKk}
              onInput={(event) => setNoKk(event.currentTarget.value)}
            />
          )}
        </div>
        <fieldset class="choices">
          <legend>Yang dicatat</legend>
          {(
            [
              ['VERVAL', 'Hasil verval'],
              ['KARTU', 'Penyerahan kartu'],
            ] as const
          ).map(([value, label]) => (
            <label key={value} class="choice">
              <input
                type="radio"
                name="jenis"
                value={value}
                checked={kind === value}
                onChange={() => setKind(value)}
              />{' '}
              {label}
            </label>
          ))}
        </fieldset>
        {kind === 'VERVAL' ? (
          <>
            <label class="field">
              Hasil kunjungan
              <select
                name="hasil"
                value={result}
                onChange={(event) => setResult(event.currentTarget.value as VervalResult)}
              >
                {VERVAL_RESULTS.map((value) => (
                  <option key={value} value={value}>
                    {VERVAL_RESULT_LABEL[value]}
                  </option>
                ))}
              </select>
            </label>
            <label class="field">
              Nomor berita acara Musdes/Muskel
              <input
                name="berita-acara"
                autocomplete="off"
                maxLength={200}
                value={beritaAcara}
                onInput={(event) => setBeritaAcara(event.currentTarget.value)}
              />
            </label>
            <label class="field">
              NIK penerima baru (bila bukan kepala keluarga)
              <input
                name="nik-penerima"
                inputMode="numeric"
                autocomplete="off"
                maxLength={20}
                value={penerimaNik}
                onInput={(event) => setPenerimaNik(event.currentTarget.value)}
              />
            </label>
            <label class="field">
              Keterangan (boleh kosong)
              <input
                name="keterangan"
                maxLength={200}
                value={note}
                onInput={(event) => setNote(event.currentTarget.value)}
              />
            </label>
          </>
        ) : (
          <label class="field">
            Nomor kartu (boleh kosong)
            <input
              name="nomor-kartu"
              autocomplete="off"
              spellcheck={false}
              maxLength={40}
              placeholder="HB-6203-0000123-4"
              value={cardNumber}
              onInput={(event) => setCardNumber(event.currentTarget.value)}
            />
          </label>
        )}
        <label class="field">
          {kind === 'VERVAL' ? 'Tanggal kunjungan' : 'Tanggal penyerahan'}
          <input
            name="tanggal"
            type="date"
            max={todayWib()}
            value={tanggal}
            onInput={(event) => setTanggal(event.currentTarget.value)}
          />
        </label>
        <FormProblem title="Belum dapat disimpan" problem={problem} />
        <button type="submit" class="button relawan-big">
          {kind === 'VERVAL' ? 'Simpan hasil verval' : 'Simpan penyerahan kartu'}
        </button>
        {saved ? (
          <p class="muted" role="status">
            {saved}
          </p>
        ) : null}
      </form>
    </section>
  );
}

const STATUS_WORDS: Readonly<Record<FieldRecord['status'], string>> = {
  QUEUED: 'Menunggu dikirim',
  SENT: 'Terkirim',
  REFUSED: 'Ditolak',
};
const STATUS_BADGE: Readonly<Record<FieldRecord['status'], string>> = {
  QUEUED: 'badge badge-neutral',
  SENT: 'badge badge-good',
  REFUSED: 'badge badge-bad',
};

function Queue(props: {
  queue: readonly FieldRecord[];
  online: boolean;
  sending: boolean;
  outcome: SendOutcome | undefined;
  onSend: () => void;
  onClear: () => void;
}) {
  const { queue, outcome } = props;
  const waiting = pending(queue).length;
  return (
    <section class="relawan-queue" aria-labelledby="judul-antrean">
      <h2 id="judul-antrean">Antrean catatan</h2>
      <p data-testid="antrean-ringkas" role="status" aria-live="polite">
        {waiting === 0 ? 'Tidak ada catatan yang menunggu.' : `${waiting} catatan menunggu dikirim.`}
        {props.sending ? ' Mengirim…' : ''}
        {!props.sending && outcome ? ` ${outcomeWords(outcome)}` : ''}
      </p>
      <button
        type="button"
        class="button relawan-big"
        disabled={props.sending || waiting === 0}
        onClick={props.onSend}
      >
        Kirim sekarang
      </button>
      {queue.length === 0 ? null : (
        <ul class="relawan-records">
          {[...queue].reverse().map((record) => (
            <li
              key={record.key}
              data-testid={`catatan-${record.kind}-${record.noKk}`}
              data-status={record.status}
            >
              <span class={STATUS_BADGE[record.status]}>{STATUS_WORDS[record.status]}</span>{' '}
              <strong>{record.kind === 'VERVAL' ? 'Hasil verval' : 'Penyerahan kartu'}</strong>
              <span class="relawan-kk">No KK {record.noKk}</span>
              <span class="muted">
                {record.kind === 'VERVAL' ? `${resultWords(record.result)} · ` : ''}
                {dayMonthYear(record.tanggal)}
              </span>
              {record.message && record.status !== 'QUEUED' ? (
                <span class={record.status === 'REFUSED' ? 'relawan-why' : 'muted'}>{record.message}</span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {queue.some((record) => record.status === 'SENT') ? (
        <button type="button" class="button button-quiet" onClick={props.onClear}>
          Hapus yang sudah terkirim dari daftar
        </button>
      ) : null}
    </section>
  );
}

const resultWords = (result: string): string =>
  (VERVAL_RESULTS as readonly string[]).includes(result)
    ? VERVAL_RESULT_LABEL[result as VervalResult]
    : result;

function outcomeWords(outcome: SendOutcome): string {
  switch (outcome.kind) {
    case 'done':
      return `Pengiriman terakhir: ${outcome.sent} terkirim, ${outcome.refused} ditolak.`;
    case 'offline':
      return 'Server tidak dapat dihubungi; catatan tetap di antrean.';
    case 'expired':
      return 'Sesi berakhir; masuk lagi untuk mengirim.';
    case 'failed':
      return `Pengiriman ditolak: ${outcome.message}`;
  }
}

import { useState } from 'preact/hooks';
import type { ApiAnswer, ApiSuccess } from '#shared/contract/client.ts';
import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_CATEGORY_LABEL,
  COMPLAINT_CHANNEL_LABEL,
  COMPLAINT_CHANNELS,
  COMPLAINT_STATUS_LABEL,
  COMPLAINT_STATUSES,
  type ComplaintCategory,
  type ComplaintChannel,
  type ComplaintStatus,
  PUBLICATION_ID_PATTERN,
} from '#shared/domain/complaints.ts';
import { apiClient } from '../api.ts';
import type { ConsoleConfig } from '../config.ts';
import { formatDate, formatDateTime } from '../format.ts';
import { FormProblem, PageTitle, Problem } from '../page.tsx';
import { useSignedIn } from '../session.tsx';
import {
  ActionOutcome,
  Fact,
  failureMessage,
  Pager,
  RegionOptions,
  ScrollTable,
  Show,
  useAction,
  useApi,
  useCursorPages,
} from '../ui.tsx';
import {
  NO_PLACE,
  optionsOf,
  type PlaceChoice,
  PlaceFields,
  SelectField,
  TextAreaField,
  TextField,
} from './form-fields.tsx';
import { usePlaceNames } from './tahap.tsx';
import './complaints.css';

/**
 * Complaints (pengaduan). `/aduan` (public, no sign-in): lodge a complaint and check its status with
 * the code; the form sends one `Idempotency-Key` per complaint, so a re-sent form lodges once.
 * `/pengaduan`: staff's queue with filters; `/pengaduan/{complaintId}`: one complaint, its history,
 * and (for those who handle) assign, answer and close.
 */

const CATEGORY_OPTIONS = optionsOf(COMPLAINT_CATEGORIES, COMPLAINT_CATEGORY_LABEL);
const STATUS_OPTIONS = optionsOf(COMPLAINT_STATUSES, COMPLAINT_STATUS_LABEL);
const OUTCOME_OPTIONS = [
  ['SELESAI', 'Selesai'],
  ['DITOLAK', 'Ditolak'],
] as const;

// ─── /aduan (public) ───────────────────────────────────────────────────────────────────────────

type Lodged = ApiAnswer<'LodgeComplaint'>;
type Checked = ApiAnswer<'GetComplaintStatus'>;

export function PublicComplaintPage({ config }: { config: ConsoleConfig }) {
  const names = usePlaceNames();
  // An objection from a published KPM list's page (`/aduan?pengumuman=PUB-…`): its desa is the list's.
  const [publicationId] = useState(() => {
    const asked = new URLSearchParams(location.search).get('pengumuman') ?? '';
    return PUBLICATION_ID_PATTERN.test(asked) ? asked : undefined;
  });
  const [category, setCategory] = useState<ComplaintCategory>(publicationId ? 'SANGGAHAN' : 'KARTU');
  const objection = publicationId !== undefined && category === 'SANGGAHAN';
  const [place, setPlace] = useState<PlaceChoice>(NO_PLACE);
  const [text, setText] = useState('');
  const [telepon, setTelepon] = useState('');
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const [lodged, setLodged] = useState<Lodged | undefined>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setProblem(undefined);
    if (!objection && place.desa === '') {
      setProblem('Pilih desa/kelurahan yang diadukan.');
      return;
    }
    setBusy(true);
    try {
      const answer = await apiClient(config).call('LodgeComplaint', {
        body: {
          category,
          ...(objection ? { publicationId } : { desaCode: place.desa }),
          text,
          ...(telepon.trim() ? { telepon } : {}),
        },
        idempotencyKey: key,
        token: null,
      });
      if (answer.ok) {
        setLodged(answer);
        setKey(crypto.randomUUID());
      } else {
        setProblem(failureMessage(answer));
      }
    } catch {
      setProblem(
        'Server tidak dapat dihubungi. Kirim lagi: pengaduan yang sama tidak akan tercatat dua kali.',
      );
    }
    setBusy(false);
  };

  return (
    <section class="card complaints" aria-labelledby="judul-aduan">
      <PageTitle title="Pengaduan KHBS">
        <span id="judul-aduan">Pengaduan KHBS</span>
      </PageTitle>
      <p>
        Sampaikan pengaduan tentang Kartu Huma Betang Sejahtera tanpa perlu akun. Anda akan menerima kode
        untuk memeriksa statusnya. Pengaduan pungutan liar ditangani langsung oleh pemerintah provinsi.
      </p>
      {lodged?.ok ? (
        <div class="verdict verdict-good" role="status" data-testid="kode-aduan">
          <p class="verdict-title">Pengaduan diterima</p>
          <p>
            Kode Anda: <span class="code">{lodged.body.code}</span>
          </p>
          <p>{lodged.body.message}</p>
        </div>
      ) : null}
      <form onSubmit={submit} aria-label="Formulir pengaduan">
        <div class="upload-fields">
          <SelectField
            label="Kategori"
            name="kategori"
            value={category}
            options={CATEGORY_OPTIONS}
            onChange={setCategory}
          />
          {objection ? null : <PlaceFields names={names} value={place} onChange={setPlace} />}
        </div>
        {objection ? (
          <p data-testid="sanggahan-pengumuman">
            Sanggahan atas daftar KPM yang diumumkan dengan kode <span class="code">{publicationId}</span>,
            dan desanya mengikuti pengumuman itu.
          </p>
        ) : null}
        <ComplaintText rows={5} value={text} onValue={setText} />
        <TextField
          label="Nomor telepon untuk dihubungi (opsional)"
          name="telepon"
          inputMode="tel"
          maxLength={25}
          value={telepon}
          onValue={setTelepon}
        />
        <FormProblem title="Pengaduan belum terkirim" problem={problem} />
        <div class="actions">
          <button type="submit" class="button" disabled={busy}>
            {busy ? 'Mengirim…' : 'Kirim pengaduan'}
          </button>
        </div>
      </form>
      <StatusCheck config={config} />
    </section>
  );
}

/** What happened, in the citizen's or the caller's words: the same limits in both forms (20 to 2,000). */
function ComplaintText(props: { rows: number; value: string; onValue: (value: string) => void }) {
  return (
    <TextAreaField
      label="Isi pengaduan (apa, kapan, di mana; paling sedikit 20 karakter)"
      name="isi"
      required
      minLength={20}
      maxLength={2000}
      {...props}
    />
  );
}

function StatusCheck({ config }: { config: ConsoleConfig }) {
  const [code, setCode] = useState('');
  const [checking, setChecking] = useState(false);
  const [checked, setChecked] = useState<Checked | 'offline' | undefined>();
  const check = async (event: Event) => {
    event.preventDefault();
    setChecking(true);
    try {
      setChecked(
        await apiClient(config).call('GetComplaintStatus', { params: { code: code.trim() }, token: null }),
      );
    } catch {
      setChecked('offline');
    }
    setChecking(false);
  };
  return (
    <section aria-labelledby="judul-status-aduan">
      <h2 id="judul-status-aduan">Periksa status pengaduan</h2>
      <form onSubmit={check} aria-label="Periksa status">
        <TextField
          label="Kode pengaduan"
          name="kode"
          required
          maxLength={40}
          autocomplete="off"
          spellcheck={false}
          value={code}
          onValue={setCode}
        />
        <div class="actions">
          <button type="submit" class="button" disabled={checking}>
            {checking ? 'Memeriksa…' : 'Periksa status'}
          </button>
        </div>
      </form>
      {checked === undefined ? null : checked === 'offline' ? (
        <Problem title="Tidak dapat diperiksa">
          <p>Server tidak dapat dihubungi. Coba lagi sebentar lagi.</p>
        </Problem>
      ) : checked.ok ? (
        <dl class="facts" data-testid="status-aduan" data-status={checked.body.status}>
          <Fact label="Status">{checked.body.statusLabel}</Fact>
          <Fact label="Kategori">{checked.body.categoryLabel}</Fact>
          <Fact label="Diterima">{formatDateTime(checked.body.lodgedAt)}</Fact>
          <Fact label="Batas jawaban">{formatDate(checked.body.dueDate)}</Fact>
          {checked.body.answer ? <Fact label="Jawaban">{checked.body.answer}</Fact> : null}
        </dl>
      ) : (
        <Problem title="Kode tidak dikenal">
          <p>{failureMessage(checked)}</p>
        </Problem>
      )}
    </section>
  );
}

// ─── /pengaduan (staff) ────────────────────────────────────────────────────────────────────────

export function ComplaintsPage() {
  const { scope } = useSignedIn();
  const own = scope !== undefined && scope.regions !== 'all' ? scope.regions[0] : undefined;
  const [region, setRegion] = useState('');
  const [status, setStatus] = useState<ComplaintStatus | ''>('');
  const [category, setCategory] = useState<ComplaintCategory | ''>('');
  const [overdue, setOverdue] = useState(false);
  const pages = useCursorPages();
  const query = {
    ...(own === undefined && region !== '' ? { region } : {}),
    ...(status !== '' ? { status } : {}),
    ...(category !== '' ? { category } : {}),
    ...(overdue ? { overdue: 'true' as const } : {}),
    ...(pages.cursor ? { cursor: pages.cursor } : {}),
    limit: '50',
  };
  const { state, reload } = useApi('ListComplaints', { query });
  const handles = scope?.capabilities.has('complaints:handle') ?? false;
  return (
    <section class="card complaints" aria-labelledby="judul-pengaduan">
      <PageTitle title="Pengaduan">
        <span id="judul-pengaduan">Pengaduan</span>
      </PageTitle>
      {handles ? <ComplaintEntry region={own} onEntered={reload} /> : null}
      <form class="upload-fields" aria-label="Saring pengaduan" onSubmit={(event) => event.preventDefault()}>
        {own === undefined ? (
          <label class="field">
            Antrean
            <select
              name="antrean"
              value={region}
              onChange={(event) => {
                setRegion(event.currentTarget.value);
                pages.reset();
              }}
            >
              <RegionOptions none="Semua" />
              <option value="PROVINSI">Provinsi (pungli)</option>
            </select>
          </label>
        ) : null}
        <SelectField<ComplaintStatus | ''>
          label="Status"
          name="status"
          value={status}
          none="Semua"
          options={STATUS_OPTIONS}
          onChange={(value) => {
            setStatus(value);
            pages.reset();
          }}
        />
        <SelectField<ComplaintCategory | ''>
          label="Kategori"
          name="kategori"
          value={category}
          none="Semua"
          options={CATEGORY_OPTIONS}
          onChange={(value) => {
            setCategory(value);
            pages.reset();
          }}
        />
        <label class="choice">
          <input
            type="checkbox"
            name="terlambat"
            checked={overdue}
            onChange={(event) => {
              setOverdue(event.currentTarget.checked);
              pages.reset();
            }}
          />
          Hanya yang melewati batas jawaban
        </label>
      </form>
      <Show state={state} label="Memuat pengaduan…">
        {(body) => (
          <>
            {body.items.length === 0 ? (
              <p class="muted">Tidak ada pengaduan.</p>
            ) : (
              <ScrollTable label="Daftar pengaduan">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Diterima</th>
                      <th scope="col">Kategori</th>
                      <th scope="col">Desa</th>
                      <th scope="col">Status</th>
                      <th scope="col">Batas jawaban</th>
                    </tr>
                  </thead>
                  <tbody>
                    {body.items.map((item) => (
                      <tr key={item.complaintId} data-testid="baris-pengaduan">
                        <td>
                          <a href={`/pengaduan/${encodeURIComponent(item.complaintId)}`}>
                            {formatDateTime(item.lodgedAt)}
                          </a>
                        </td>
                        <td>{item.categoryLabel}</td>
                        <td>{item.desaName ?? item.desaCode}</td>
                        <td>{item.statusLabel}</td>
                        <td>
                          {formatDate(item.dueDate)}
                          {item.overdue ? <strong> (terlambat)</strong> : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollTable>
            )}
            <Pager
              page={pages.page}
              hasNext={body.nextCursor !== undefined}
              onPrevious={pages.previous}
              onNext={() => body.nextCursor && pages.next(body.nextCursor)}
            />
          </>
        )}
      </Show>
    </section>
  );
}

const STAFF_CHANNELS = COMPLAINT_CHANNELS.filter(
  (channel): channel is Exclude<ComplaintChannel, 'WEB'> => channel !== 'WEB',
);
const CHANNEL_OPTIONS = optionsOf(STAFF_CHANNELS, COMPLAINT_CHANNEL_LABEL);

/**
 * A complaint staff received by phone, WhatsApp, in person or by letter (`POST /complaints/entries`):
 * it gets a code to give the caller, as the public form's does. An operator enters complaints of
 * their own kabupaten only; a PUNGLI complaint goes to the province's queue, which an operator does
 * not see (the answer then names no complaint to open).
 */
function ComplaintEntry({ region, onEntered }: { region: string | undefined; onEntered: () => void }) {
  const names = usePlaceNames();
  const enter = useAction('EnterComplaint');
  const [channel, setChannel] = useState<(typeof STAFF_CHANNELS)[number]>('TELEPON');
  const [category, setCategory] = useState<ComplaintCategory>('KARTU');
  const [place, setPlace] = useState<PlaceChoice>(NO_PLACE);
  const [text, setText] = useState('');
  const [pelapor, setPelapor] = useState('');
  const [telepon, setTelepon] = useState('');
  const [nik, setNik] = useState('');
  const [noKk, setNoKk] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const optional = (name: string, value: string) => (value.trim() === '' ? {} : { [name]: value.trim() });

  const submit = async (event: Event) => {
    event.preventDefault();
    if (place.desa === '') {
      setProblem('Pilih desa/kelurahan yang diadukan.');
      return;
    }
    setProblem(undefined);
    const result = await enter.run({
      body: {
        channel,
        category,
        desaCode: place.desa,
        text,
        ...optional('pelapor', pelapor),
        ...optional('telepon', telepon),
        ...optional('nik', nik),
        ...optional('noKk', noKk),
      },
    });
    if (result?.kind === 'done') {
      setText('');
      setPelapor('');
      setTelepon('');
      setNik('');
      setNoKk('');
      onEntered();
    }
  };
  const entered = enter.last?.kind === 'done' ? enter.last.answer.body : undefined;

  return (
    <details class="part complaint-entry">
      <summary>Catat pengaduan dari telepon, WhatsApp, surat, atau yang datang langsung</summary>
      <form onSubmit={submit} aria-label="Catat pengaduan">
        <div class="upload-fields">
          <SelectField
            label="Saluran"
            name="saluran"
            value={channel}
            options={CHANNEL_OPTIONS}
            onChange={setChannel}
          />
          <SelectField
            label="Kategori"
            name="kategori-baru"
            value={category}
            options={CATEGORY_OPTIONS}
            onChange={setCategory}
          />
          <PlaceFields names={names} value={place} onChange={setPlace} {...(region ? { region } : {})} />
        </div>
        <ComplaintText rows={4} value={text} onValue={setText} />
        <div class="upload-fields">
          <TextField
            label="Nama pelapor (opsional)"
            name="pelapor"
            maxLength={100}
            value={pelapor}
            onValue={setPelapor}
          />
          <TextField
            label="Telepon pelapor (opsional)"
            name="telepon"
            inputMode="tel"
            maxLength={25}
            value={telepon}
            onValue={setTelepon}
          />
          <TextField
            label="NIK (opsional)"
            name="nik"
            inputMode="numeric"
            maxLength={16}
            value={nik}
            onValue={setNik}
          />
          <TextField
            label="Nomor KK (opsional)"
            name="nokk"
            inputMode="numeric"
            maxLength={16}
            value={noKk}
            onValue={setNoKk}
          />
        </div>
        <FormProblem title="Pengaduan belum tercatat" problem={problem} />
        <div class="actions">
          <button type="submit" class="button" disabled={enter.busy}>
            {enter.busy ? 'Mencatat…' : 'Catat pengaduan'}
          </button>
        </div>
      </form>
      {entered ? (
        <div class="notice notice-good" role="status" data-testid="pengaduan-dicatat">
          <p>
            Pengaduan tercatat dengan kode <span class="code">{entered.code}</span>; sampaikan kode ini kepada
            pelapor. Batas jawaban {formatDate(entered.dueDate)}.
          </p>
          {entered.complaintId ? (
            <p>
              <a href={`/pengaduan/${encodeURIComponent(entered.complaintId)}`}>Buka pengaduan ini</a>
            </p>
          ) : (
            <p>{entered.message}</p>
          )}
        </div>
      ) : (
        <ActionOutcome<'EnterComplaint'> result={enter.last} />
      )}
    </details>
  );
}

type ComplaintView = ApiSuccess<'GetComplaint'>['body'];

export function ComplaintPage({ complaintId }: { complaintId: string }) {
  const { state, reload } = useApi('GetComplaint', { params: { complaintId } });
  return (
    <section class="card complaints" aria-labelledby="judul-satu-pengaduan">
      <PageTitle title="Pengaduan">
        <span id="judul-satu-pengaduan">Pengaduan</span>
      </PageTitle>
      <Show state={state} label="Memuat pengaduan…">
        {(complaint) => <ComplaintDetail complaint={complaint} onChanged={reload} />}
      </Show>
    </section>
  );
}

function ComplaintDetail({ complaint, onChanged }: { complaint: ComplaintView; onChanged: () => void }) {
  const { scope } = useSignedIn();
  const handles = scope?.capabilities.has('complaints:handle') ?? false;
  return (
    <>
      <dl class="facts" data-testid="pengaduan" data-status={complaint.status}>
        <Fact label="Status">{complaint.statusLabel}</Fact>
        <Fact label="Kategori">{complaint.categoryLabel}</Fact>
        <Fact label="Saluran">{COMPLAINT_CHANNEL_LABEL[complaint.channel]}</Fact>
        <Fact label="Desa">{complaint.desaName ?? complaint.desaCode}</Fact>
        <Fact label="Diterima">{formatDateTime(complaint.lodgedAt)}</Fact>
        <Fact label="Batas jawaban">
          {formatDate(complaint.dueDate)}
          {complaint.overdue ? ' (terlambat)' : ''}
        </Fact>
        {complaint.assignee ? <Fact label="Petugas">{complaint.assignee.name}</Fact> : null}
        {complaint.nik ? <Fact label="NIK">{complaint.nik}</Fact> : null}
        {complaint.noKk ? <Fact label="Nomor KK">{complaint.noKk}</Fact> : null}
        {complaint.telepon ? <Fact label="Telepon">{complaint.telepon}</Fact> : null}
        {complaint.familyId ? (
          <Fact label="Keluarga">
            <a href={`/keluarga/${encodeURIComponent(complaint.familyId)}`}>Riwayat keluarga</a>
          </Fact>
        ) : null}
      </dl>
      <h2>Isi pengaduan</h2>
      <p class="complaint-text">{complaint.text}</p>
      {complaint.answer ? (
        <>
          <h2>Jawaban untuk pelapor</h2>
          <p>{complaint.answer}</p>
        </>
      ) : null}
      {handles ? <ComplaintActions complaint={complaint} onChanged={onChanged} /> : null}
      <h2>Riwayat</h2>
      <ol>
        {complaint.history.map((entry) => (
          <li key={`${entry.at}-${entry.action}`}>
            {formatDateTime(entry.at)} · {entry.label} · {entry.by}
            {entry.note ? ` — ${entry.note}` : ''}
          </li>
        ))}
      </ol>
    </>
  );
}

function ComplaintActions({ complaint, onChanged }: { complaint: ComplaintView; onChanged: () => void }) {
  const { scope } = useSignedIn();
  const assign = useAction('AssignComplaint');
  const answer = useAction('AnswerComplaint');
  const close = useAction('CloseComplaint');
  const [text, setText] = useState(complaint.answer ?? '');
  const [outcome, setOutcome] = useState<'SELESAI' | 'DITOLAK'>('SELESAI');
  const params = { complaintId: complaint.complaintId };
  const after = (result: { kind: string } | undefined) => {
    if (result?.kind === 'done') onChanged();
  };
  if (complaint.status === 'SELESAI' || complaint.status === 'DITOLAK') return null;
  return (
    <section aria-labelledby="judul-tindakan-pengaduan">
      <h2 id="judul-tindakan-pengaduan">Tindakan</h2>
      <div class="actions">
        <button
          type="button"
          class="button"
          disabled={assign.busy || scope === undefined}
          onClick={() =>
            scope &&
            void assign.run({ params, body: { assignee: { sub: scope.sub, name: scope.name } } }).then(after)
          }
        >
          Tangani sendiri
        </button>
      </div>
      <ActionOutcome<'AssignComplaint'> result={assign.last} done="Pengaduan ditugaskan kepada Anda." />
      <label class="field">
        Jawaban untuk pelapor (tampil pada halaman status)
        <textarea
          name="jawaban"
          rows={4}
          maxLength={2000}
          value={text}
          onInput={(event) => setText(event.currentTarget.value)}
        />
      </label>
      <div class="actions">
        <button
          type="button"
          class="button"
          disabled={answer.busy || complaint.status !== 'DITANGANI'}
          onClick={() => void answer.run({ params, body: { answer: text } }).then(after)}
        >
          Simpan jawaban
        </button>
        <SelectField
          label="Hasil"
          name="hasil"
          value={outcome}
          options={OUTCOME_OPTIONS}
          onChange={setOutcome}
        />
        <button
          type="button"
          class="button"
          disabled={close.busy}
          onClick={() =>
            void close
              .run({ params, body: { outcome, ...(text.trim() ? { answer: text } : {}) } })
              .then(after)
          }
        >
          Tutup pengaduan
        </button>
      </div>
      <ActionOutcome<'AnswerComplaint'> result={answer.last} done="Jawaban disimpan." />
      <ActionOutcome<'CloseComplaint'> result={close.last} done="Pengaduan ditutup." />
    </section>
  );
}

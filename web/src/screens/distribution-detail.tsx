import { useEffect, useState } from 'preact/hooks';
import type { ApiRouteId } from '#shared/contract/api.ts';
import type { TahapView } from '#shared/contract/responses.ts';
import {
  BAST_RECEIVER_LABEL,
  BAST_RECEIVERS,
  NOT_RECEIVED_REASON_LABEL,
  NOT_RECEIVED_REASONS,
} from '#shared/domain/family/food.ts';
import { SKIP_REASON_LABEL, type SkipReason } from '#shared/domain/family/payments.ts';
import type { Capability } from '#shared/http/caller.ts';
import { regionLabel, tahapName } from '../family-words.ts';
import { formatDate, formatDateTime, formatNumber, formatRupiah } from '../format.ts';
import { FILE_STATUS_WORDS, financeLines, groupedHash, instructionTitle, isPending } from '../money-words.ts';
import { FormProblem, PageTitle } from '../page.tsx';
import { pathTo } from '../router.ts';
import { useSignedIn } from '../session.tsx';
import {
  ActionOutcome,
  type ActionResult,
  Confirm,
  Fact,
  type Loaded,
  ScrollTable,
  Show,
  useAction,
  useApi,
} from '../ui.tsx';
import { NO_PLACE, type PlaceChoice, PlaceFields } from './form-fields.tsx';
import { usePlaceNames, useTahapRegion } from './tahap.tsx';
import './cards.css';

/**
 * `/tahapan/{id}/penyaluran?kabupaten=`: one kabupaten's distribution in a tahap (an operator's own;
 * the province's roles choose one). Each part shows to the roles whose capability its route names:
 * the account-opening request (`distribution:manage`), the payment instructions
 * (`payments:instruct`), the BKAD money view, BULOG's lists, the food reconciliation per titik bagi
 * and the EDC findings (`distribution:read`; making the lists: `distribution:manage`), and the desa
 * KPM lists published for objections (`kpm:compose`). Loaded on demand (a chunk of its own).
 */
export function TahapDistributionPage({ tahapId }: { tahapId: string }) {
  const { state } = useApi('GetTahap', { params: { tahapId } });
  const title = `Penyaluran ${state.kind === 'ok' ? state.body.label : tahapName(tahapId)}`;
  return (
    <section class="card wide" aria-labelledby="judul-penyaluran-kabupaten">
      <PageTitle title={title}>
        <span id="judul-penyaluran-kabupaten">{title}</span>
      </PageTitle>
      <p>
        <a href={pathTo.tahap(tahapId)}>Kembali ke halaman tahap</a>
      </p>
      <Show state={state} label="Memuat tahap…">
        {(tahap) => <RegionDistribution tahap={tahap} />}
      </Show>
    </section>
  );
}

function RegionDistribution({ tahap }: { tahap: TahapView }) {
  const { scope } = useSignedIn();
  const { region } = useTahapRegion(tahap);
  const may = (capability: Capability) => scope?.capabilities.has(capability) ?? false;
  if (region === undefined) {
    return (
      <nav aria-label="Pilih kabupaten/kota">
        <p>Pilih kabupaten/kota:</p>
        <ul class="plain">
          {Object.keys(tahap.snapshots)
            .sort()
            .map((code) => (
              <li key={code}>
                <a href={pathTo.tahapDistribution(tahap.tahapId, { kabupaten: code })}>{regionLabel(code)}</a>
              </li>
            ))}
        </ul>
      </nav>
    );
  }
  const props = { tahapId: tahap.tahapId, region };
  return (
    <div key={region} data-region={region} data-testid="penyaluran-kabupaten">
      <p class="lead">
        Kabupaten/kota: <strong data-testid="kabupaten-penyaluran">{regionLabel(region)}</strong>
      </p>
      {may('distribution:manage') ? <AccountsPart {...props} /> : null}
      {may('payments:instruct') ? <PaymentsPart {...props} /> : null}
      {may('distribution:read') ? (
        <>
          <FinancePart {...props} />
          <FoodListsPart {...props} mayMake={may('distribution:manage')} />
          <FoodReconciliationPart {...props} />
          <EdcPart {...props} />
        </>
      ) : null}
      {may('kpm:compose') ? <PublicationPart {...props} /> : null}
    </div>
  );
}

interface PartProps {
  readonly tahapId: string;
  readonly region: string;
}

/** Asks again every 1.5 s while a job is queued or running. */
function useFollow<R extends ApiRouteId>(pending: boolean, state: Loaded<R>, reload: () => void): void {
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(reload, 1_500);
    return () => clearTimeout(timer);
  }, [pending, state, reload]);
}

function FileStatus({ status, testId }: { status: keyof typeof FILE_STATUS_WORDS; testId: string }) {
  const tone = status === 'COMPLETED' ? 'good' : status === 'FAILED' ? 'bad' : 'neutral';
  return (
    <span class={`badge badge-${tone}`} data-status={status} data-testid={testId}>
      {FILE_STATUS_WORDS[status]}
    </span>
  );
}

/** A short-lived link to a file (a presigned URL), with when it stops working. */
/** A file's fact: its download link and until when the link works; nothing while there is no file. */
function FileFact({
  fact,
  file,
  label,
  testId,
}: {
  fact: string;
  file: { downloadUrl: string; expiresAt: string } | undefined;
  label: string;
  testId: string;
}) {
  if (!file) return null;
  return (
    <Fact label={fact}>
      <a href={file.downloadUrl} data-testid={testId}>
        {label}
      </a>{' '}
      <span class="muted">(tautan berlaku sampai {formatDateTime(file.expiresAt)})</span>
    </Fact>
  );
}

const Pending = () => (
  <p class="muted" role="status">
    Berkas sedang dibuat. Bagian ini diperbarui sendiri.
  </p>
);

// ─── Accounts ──────────────────────────────────────────────────────────────────────────────────

function AccountsPart({ tahapId, region }: PartProps) {
  const { state, reload } = useApi('GetAccountRequest', { params: { tahapId }, query: { region } });
  const request = useAction('RequestAccounts');
  const status = state.kind === 'ok' ? state.body.request?.status : undefined;
  const pending = isPending(status);
  useFollow(pending, state, reload);
  return (
    <section class="part" aria-labelledby="judul-rekening" data-testid="rekening">
      <h2 id="judul-rekening">Pembukaan rekening Bank Kalteng</h2>
      <p class="muted">
        Penerima bantuan tunai yang belum memiliki rekening aktif diajukan ke Bank Kalteng dalam satu berkas.
        Bank mengambil berkas itu lewat sistemnya dan mengirim jawabannya; pembayaran menunggu rekening
        dibuka.
      </p>
      <Show state={state} label="Memuat pengajuan rekening…">
        {(view) =>
          view.request === undefined ? (
            <p class="empty">Belum ada pengajuan pembukaan rekening.</p>
          ) : (
            <dl class="facts">
              <Fact label="Keadaan">
                <FileStatus status={view.request.status} testId="status-rekening" />
              </Fact>
              <Fact label="Diajukan">
                {formatDateTime(view.request.requestedAt)} oleh {view.request.requestedBy.name}
              </Fact>
              {view.request.rows !== undefined ? (
                <Fact label="Penerima dalam berkas">
                  <span data-testid="rekening-baris">{formatNumber(view.request.rows)}</span>
                </Fact>
              ) : null}
              {view.request.notNeeded !== undefined ? (
                <Fact label="Tidak perlu diajukan (rekening aktif atau pengajuan belum dijawab)">
                  <span data-testid="rekening-tidak-perlu">{formatNumber(view.request.notNeeded)}</span>
                </Fact>
              ) : null}
              {view.request.refused !== undefined ? (
                <Fact label="Tidak diajukan karena data KYC kurang">
                  <span data-testid="rekening-ditolak">{formatNumber(view.request.refused)}</span>
                </Fact>
              ) : null}
              {view.request.sha256 ? (
                <Fact label="SHA-256 berkas">
                  <span class="code hash">{groupedHash(view.request.sha256)}</span>
                </Fact>
              ) : null}
              <FileFact
                fact="Berkas"
                file={view.file}
                label="Unduh berkas pengajuan"
                testId="unduh-rekening"
              />
              {view.request.error ? <Fact label="Kesalahan">{view.request.error}</Fact> : null}
            </dl>
          )
        }
      </Show>
      {pending ? <Pending /> : null}
      <StartJob<'RequestAccounts'>
        action={request}
        label="Ajukan pembukaan rekening"
        disabled={pending}
        start={() => request.run({ params: { tahapId }, body: { region } })}
        reload={reload}
      />
    </section>
  );
}

// ─── Payment instructions ──────────────────────────────────────────────────────────────────────

function PaymentsPart({ tahapId, region }: PartProps) {
  const { state, reload } = useApi('GetPaymentInstruction', { params: { tahapId }, query: { region } });
  const instruct = useAction('InstructPayments');
  const [asking, setAsking] = useState<'AWAL' | 'SUSULAN' | undefined>();
  const status = state.kind === 'ok' ? state.body.instruction?.status : undefined;
  const pending = isPending(status);
  useFollow(pending, state, reload);
  const send = async () => {
    const followUp = asking === 'SUSULAN';
    const result = await instruct.run({
      params: { tahapId },
      body: { region, ...(followUp ? { followUp } : {}) },
    });
    setAsking(undefined);
    if (result?.kind === 'done') reload();
  };
  return (
    <section class="part" aria-labelledby="judul-instruksi" data-testid="instruksi">
      <h2 id="judul-instruksi">Instruksi pembayaran</h2>
      <p class="muted">
        Satu berkas instruksi untuk Bank Kalteng berisi hak tunai yang belum pernah dikirim dan penerimanya
        sudah memiliki rekening aktif. Pembayaran yang dilaporkan gagal oleh bank dikirim lagi lewat instruksi
        susulan.
      </p>
      <Show state={state} label="Memuat instruksi pembayaran…">
        {(view) => {
          const instruction = view.instruction;
          if (instruction === undefined) return <p class="empty">Belum ada instruksi pembayaran.</p>;
          const skipped = Object.entries(instruction.skipped ?? {}).filter(([, count]) => count > 0);
          return (
            <dl class="facts" data-kind={instruction.kind} data-seq={instruction.seq}>
              <Fact label="Berkas">
                <span data-testid="instruksi-judul">
                  {instructionTitle(instruction.seq, instruction.kind)}
                </span>
              </Fact>
              <Fact label="Keadaan">
                <FileStatus status={instruction.status} testId="status-instruksi" />
              </Fact>
              <Fact label="Diterbitkan">
                {formatDateTime(instruction.requestedAt)} oleh {instruction.requestedBy.name}
              </Fact>
              {instruction.lines !== undefined ? (
                <Fact label="Jumlah pembayaran">
                  <span data-testid="instruksi-baris">{formatNumber(instruction.lines)}</span>
                </Fact>
              ) : null}
              {instruction.total !== undefined ? (
                <Fact label="Total kontrol">
                  <span data-testid="instruksi-total">{formatRupiah(instruction.total)}</span>
                </Fact>
              ) : null}
              {instruction.sha256 ? (
                <Fact label="SHA-256 berkas (sama dengan berkas kontrol)">
                  <span class="code hash" data-testid="instruksi-sha">
                    {groupedHash(instruction.sha256)}
                  </span>
                </Fact>
              ) : null}
              {instruction.waitingAccount !== undefined ? (
                <Fact label="Menunggu rekening dibuka">
                  <span data-testid="instruksi-menunggu-rekening">
                    {formatNumber(instruction.waitingAccount)}
                  </span>
                </Fact>
              ) : null}
              {skipped.length > 0 ? (
                <Fact label="Tidak masuk berkas">
                  <ul class="plain">
                    {skipped.map(([reason, count]) => (
                      <li key={reason}>
                        {SKIP_REASON_LABEL[reason as SkipReason] ?? reason}: {formatNumber(count)}
                      </li>
                    ))}
                  </ul>
                </Fact>
              ) : null}
              <FileFact
                fact="Berkas instruksi"
                file={view.file}
                label="Unduh berkas instruksi"
                testId="unduh-instruksi"
              />
              <FileFact
                fact="Berkas kontrol"
                file={view.control}
                label="Unduh berkas kontrol"
                testId="unduh-kontrol"
              />
              {instruction.error ? <Fact label="Kesalahan">{instruction.error}</Fact> : null}
            </dl>
          );
        }}
      </Show>
      {pending ? <Pending /> : null}
      <div class="actions">
        <button
          type="button"
          class="button"
          disabled={pending || instruct.busy}
          onClick={() => setAsking('AWAL')}
        >
          Terbitkan instruksi pembayaran…
        </button>
        <button
          type="button"
          class="button button-secondary"
          disabled={pending || instruct.busy}
          onClick={() => setAsking('SUSULAN')}
        >
          Instruksi susulan untuk pembayaran gagal…
        </button>
      </div>
      <ActionOutcome<'InstructPayments'>
        result={instruct.last?.kind === 'done' ? undefined : instruct.last}
      />
      <Confirm
        open={asking !== undefined}
        title={asking === 'SUSULAN' ? 'Terbitkan instruksi susulan?' : 'Terbitkan instruksi pembayaran?'}
        confirmLabel="Ya, terbitkan"
        busy={instruct.busy}
        onConfirm={() => void send()}
        onCancel={() => setAsking(undefined)}
      >
        <p>
          {asking === 'SUSULAN'
            ? `Pembayaran ${regionLabel(region)} yang dilaporkan gagal oleh bank dimasukkan ke berkas baru dan dikirim lagi.`
            : `Hak tunai ${regionLabel(region)} yang belum pernah dikirim dan penerimanya sudah memiliki rekening aktif dimasukkan ke berkas baru.`}{' '}
          Bank Kalteng membayar menurut berkas itu; hak yang sudah masuk berkas tidak dikirim dua kali.
        </p>
      </Confirm>
    </section>
  );
}

// ─── BKAD: the money view ──────────────────────────────────────────────────────────────────────

function FinancePart({ tahapId, region }: PartProps) {
  const { state } = useApi('GetFinance', { params: { tahapId }, query: { region } });
  return (
    <section class="part" aria-labelledby="judul-keuangan" data-testid="keuangan">
      <h2 id="judul-keuangan">Keuangan bantuan tunai (BKAD)</h2>
      <Show state={state} label="Memuat keuangan…">
        {(view) => (
          <>
            <p class="muted">
              Saldo dikembalikan ke RKUD = diinstruksikan − dibayar bersih − ditahan di bank.{' '}
              {view.distributionClosed
                ? 'Penyaluran tahap ini sudah ditutup: setiap pembayaran gagal dikembalikan.'
                : 'Selama penyaluran berjalan, pembayaran gagal masih ditahan untuk instruksi susulan.'}
            </p>
            <ScrollTable label="Keuangan bantuan tunai">
              <table class="table" data-testid="tabel-keuangan">
                <thead>
                  <tr>
                    <th scope="col">Pos</th>
                    <th scope="col" class="num">
                      Keluarga
                    </th>
                    <th scope="col" class="num">
                      Jumlah
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {financeLines(view).map((line) => (
                    <tr key={line.key} data-key={line.key} class={line.total ? 'total' : undefined}>
                      <th scope="row" class={line.part ? 'part-line' : undefined}>
                        {line.part ? `— ${line.label}` : line.label}
                      </th>
                      <td class="num" data-testid="keluarga">
                        {line.count === undefined ? '' : formatNumber(line.count)}
                      </td>
                      <td class="num" data-testid="jumlah">
                        {line.total ? (
                          <strong>{formatRupiah(line.amount)}</strong>
                        ) : (
                          formatRupiah(line.amount)
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollTable>
            {view.returnedTotal > 0 ? (
              <p class="muted">Seluruh dana retur dari bank: {formatRupiah(view.returnedTotal)}.</p>
            ) : null}
          </>
        )}
      </Show>
    </section>
  );
}

// ─── Food: BULOG's lists, the reconciliation per titik bagi, the EDC findings ──────────────────

function FoodListsPart({ tahapId, region, mayMake }: PartProps & { mayMake: boolean }) {
  const { state, reload } = useApi('GetFoodLists', { params: { tahapId }, query: { region } });
  const make = useAction('CreateFoodLists');
  const status = state.kind === 'ok' ? state.body.job?.status : undefined;
  const pending = isPending(status);
  useFollow(pending, state, reload);
  return (
    <section class="part" aria-labelledby="judul-daftar-salur" data-testid="daftar-salur">
      <h2 id="judul-daftar-salur">Daftar salur pangan untuk BULOG</h2>
      <p class="muted">
        Satu berkas per desa (titik bagi) berisi keluarga yang berhak atas paket pangan; BULOG mengambilnya
        lewat sistemnya dan mengirim berita acara serah terima (BAST).
      </p>
      <Show state={state} label="Memuat daftar salur…">
        {(view) => (
          <>
            {view.job === undefined ? (
              <p class="empty">Daftar salur belum dibuat.</p>
            ) : (
              <dl class="facts">
                <Fact label="Keadaan">
                  <FileStatus status={view.job.status} testId="status-daftar-salur" />
                </Fact>
                <Fact label="Diminta">
                  {formatDateTime(view.job.requestedAt)} oleh {view.job.requestedBy.name}
                </Fact>
                {view.job.counts ? (
                  <>
                    <Fact label="Keluarga dalam daftar">
                      <span data-testid="salur-tercantum">{formatNumber(view.job.counts.listed)}</span>
                    </Fact>
                    <Fact label="Baru dikirim ke BULOG">{formatNumber(view.job.counts.sent)}</Fact>
                    <Fact label="Tidak dicantumkan">{formatNumber(view.job.counts.notListed)}</Fact>
                  </>
                ) : null}
                {view.job.error ? <Fact label="Kesalahan">{view.job.error}</Fact> : null}
              </dl>
            )}
            {view.files.length > 0 ? (
              <ScrollTable label="Berkas daftar salur per desa">
                <table class="table" data-testid="tabel-daftar-salur">
                  <thead>
                    <tr>
                      <th scope="col">Desa (titik bagi)</th>
                      <th scope="col" class="num">
                        Keluarga
                      </th>
                      <th scope="col">SHA-256</th>
                      <th scope="col">Berkas</th>
                    </tr>
                  </thead>
                  <tbody>
                    {view.files.map((file) => (
                      <tr key={file.desaCode} data-desa={file.desaCode}>
                        <th scope="row">{file.desaName}</th>
                        <td class="num" data-testid="baris-salur">
                          {formatNumber(file.rows)}
                        </td>
                        <td class="code hash">{file.sha256.slice(0, 16)}…</td>
                        <td>
                          <a href={file.downloadUrl} aria-label={`Unduh daftar salur ${file.desaName}`}>
                            Unduh
                          </a>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollTable>
            ) : null}
          </>
        )}
      </Show>
      {pending ? <Pending /> : null}
      {mayMake ? (
        <StartJob<'CreateFoodLists'>
          action={make}
          label="Buat daftar salur BULOG"
          disabled={pending}
          start={() => make.run({ params: { tahapId }, body: { region } })}
          reload={reload}
        />
      ) : null}
    </section>
  );
}

const sumOf = (counts: Partial<Record<string, number>>): number =>
  Object.values(counts).reduce<number>((total, value) => total + (value ?? 0), 0);

function FoodReconciliationPart({ tahapId, region }: PartProps) {
  const { state } = useApi('GetFoodReconciliation', { params: { tahapId }, query: { region } });
  return (
    <section class="part" aria-labelledby="judul-rekonsiliasi-pangan" data-testid="rekonsiliasi-pangan">
      <h2 id="judul-rekonsiliasi-pangan">Rekonsiliasi pangan per titik bagi</h2>
      <Show state={state} label="Memuat rekonsiliasi pangan…">
        {(view) => (
          <>
            <p class="muted">
              Paket: {view.package.label} ({formatRupiah(view.package.price)} per paket:{' '}
              {view.package.items.map((item) => `${item.name} ${item.quantity} ${item.unit}`).join(', ')}).
            </p>
            {view.titikBagi.length === 0 ? (
              <p class="empty">Belum ada titik bagi dengan hak pangan.</p>
            ) : (
              <ScrollTable label="Pangan per titik bagi">
                <table class="table" data-testid="tabel-titik-bagi">
                  <thead>
                    <tr>
                      <th scope="col">Titik bagi</th>
                      <th scope="col" class="num">
                        Hak (keluarga)
                      </th>
                      <th scope="col" class="num">
                        Hak (paket)
                      </th>
                      <th scope="col" class="num">
                        Diserahkan
                      </th>
                      <th scope="col" class="num">
                        Tidak diterima
                      </th>
                      <th scope="col" class="num">
                        Belum dilaporkan
                      </th>
                      <th scope="col" class="num">
                        Temuan BAST
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {view.titikBagi.map((tally) => (
                      <tr key={tally.desaCode} data-desa={tally.desaCode}>
                        <th scope="row">{tally.desaName}</th>
                        <td class="num" data-testid="hak-keluarga">
                          {formatNumber(tally.entitled.families)}
                        </td>
                        <td class="num" data-testid="hak-paket">
                          {formatNumber(tally.entitled.packages)}
                        </td>
                        <td
                          class="num"
                          data-testid="diserahkan"
                          title={BAST_RECEIVERS.map(
                            (receiver) =>
                              `${BAST_RECEIVER_LABEL[receiver]}: ${formatNumber(tally.delivered.byReceiver[receiver] ?? 0)}`,
                          ).join('; ')}
                        >
                          {formatNumber(tally.delivered.packages)}
                        </td>
                        <td class="num" data-testid="tidak-diterima">
                          {formatNumber(tally.notReceived.packages)}
                          {tally.notReceived.packages > 0 ? (
                            <span class="muted">
                              {' '}
                              (
                              {NOT_RECEIVED_REASONS.filter(
                                (reason) => (tally.notReceived.byReason[reason] ?? 0) > 0,
                              )
                                .map(
                                  (reason) =>
                                    `${NOT_RECEIVED_REASON_LABEL[reason]} ${formatNumber(tally.notReceived.byReason[reason] ?? 0)}`,
                                )
                                .join(', ')}
                              )
                            </span>
                          ) : null}
                        </td>
                        <td class="num" data-testid="belum-dilaporkan">
                          {formatNumber(tally.notReported)}
                        </td>
                        <td class="num">{formatNumber(sumOf(tally.findings.byCode))}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollTable>
            )}
            <h3>Dasar tagihan BULOG</h3>
            <p data-testid="tagihan-bulog">
              {formatNumber(view.invoice.packagesDelivered)} paket diserahkan ×{' '}
              {formatRupiah(view.invoice.price)} = <strong>{formatRupiah(view.invoice.total)}</strong> (
              {formatNumber(view.invoice.titikBagi)} titik bagi; hak{' '}
              {formatNumber(view.invoice.packagesEntitled)} paket, tidak diterima{' '}
              {formatNumber(view.invoice.packagesNotReceived)}, belum dilaporkan{' '}
              {formatNumber(view.invoice.packagesNotReported)}).
            </p>
            <h3>Temuan BAST</h3>
            <FindingsTable
              label="Temuan BAST"
              testId="tabel-temuan-bast"
              empty={{ testId: 'temuan-bast-kosong', text: 'Tidak ada temuan pada BAST BULOG.' }}
              rows={view.findings}
              columns={[
                { title: 'Temuan', cell: (finding) => finding.label },
                { title: 'Desa', cell: (finding) => finding.desaCode ?? '–' },
                { title: 'Rincian', cell: (finding) => finding.detail },
                { title: 'Baris BAST', cell: (finding) => formatNumber(finding.sourceRow), class: 'num' },
                { title: 'Ditemukan', cell: (finding) => formatDateTime(finding.foundAt) },
              ]}
            />
          </>
        )}
      </Show>
    </section>
  );
}

function EdcPart({ tahapId, region }: PartProps) {
  const { state } = useApi('GetEdcFindings', { params: { tahapId }, query: { region } });
  return (
    <section class="part" aria-labelledby="judul-edc" data-testid="temuan-edc">
      <h2 id="judul-edc">Temuan transaksi EDC</h2>
      <Show state={state} label="Memuat temuan EDC…">
        {(view) => (
          <FindingsTable
            label="Temuan transaksi EDC"
            testId="tabel-temuan-edc"
            empty={{
              testId: 'temuan-edc-kosong',
              text: 'Tidak ada temuan pada transaksi EDC kabupaten/kota ini.',
            }}
            rows={view.items}
            columns={[
              { title: 'Temuan', cell: (item) => item.label },
              { title: 'Kartu', cell: (item) => item.card, class: 'code' },
              { title: 'Komponen', cell: (item) => (item.component === 'TUNAI' ? 'Tunai' : 'Pangan') },
              { title: 'Waktu transaksi', cell: (item) => formatDateTime(item.waktu) },
              { title: 'Rincian', cell: (item) => item.detail },
            ]}
          />
        )}
      </Show>
    </section>
  );
}

/**
 * The button that asks for a job (the account-opening request, BULOG's lists) and reloads the part
 * once the API took it; a refusal or a lost connection is said under it.
 */
function StartJob<R extends ApiRouteId>(props: {
  readonly action: { readonly busy: boolean; readonly last: ActionResult<R> | undefined };
  readonly label: string;
  readonly disabled: boolean;
  readonly start: () => Promise<ActionResult<R> | undefined>;
  readonly reload: () => void;
}) {
  const { action } = props;
  return (
    <>
      <div class="actions">
        <button
          type="button"
          class="button"
          disabled={props.disabled || action.busy}
          onClick={async () => {
            if ((await props.start())?.kind === 'done') props.reload();
          }}
        >
          {action.busy ? 'Meminta…' : props.label}
        </button>
      </div>
      <ActionOutcome<R> result={action.last?.kind === 'done' ? undefined : action.last} />
    </>
  );
}

/** A finding as both findings tables show it: one row per finding, keyed by where it was found. */
interface FindingRow {
  readonly code: string;
  readonly importId: string;
  readonly sourceRow: number;
}

/** The BAST's and the EDC's findings: a table (each row `data-code`), or the words saying none. */
function FindingsTable<T extends FindingRow>(props: {
  readonly label: string;
  readonly testId: string;
  readonly empty: { readonly testId: string; readonly text: string };
  readonly rows: readonly T[];
  readonly columns: readonly {
    readonly title: string;
    readonly cell: (row: T) => string;
    readonly class?: string;
  }[];
}) {
  if (props.rows.length === 0) {
    return (
      <p class="empty" data-testid={props.empty.testId}>
        {props.empty.text}
      </p>
    );
  }
  return (
    <ScrollTable label={props.label}>
      <table class="table" data-testid={props.testId}>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column.title} scope="col">
                {column.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={`${row.importId}-${row.sourceRow}-${row.code}`} data-code={row.code}>
              {props.columns.map((column) => (
                <td key={column.title} class={column.class}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

// ─── A desa's KPM list published for objections ────────────────────────────────────────────────

/** Today in WIB plus `days`, as `YYYY-MM-DD`. */
function dayInWib(days: number): string {
  return new Date(Date.now() + 7 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

function PublicationPart({ tahapId, region }: PartProps) {
  const names = usePlaceNames();
  const publish = useAction('CreatePublication');
  const [place, setPlace] = useState<PlaceChoice>({ ...NO_PLACE, kabupaten: region });
  const [until, setUntil] = useState(() => dayInWib(14));
  const [problem, setProblem] = useState<string | undefined>();
  const published = publish.last?.kind === 'done' ? publish.last.answer.body : undefined;
  return (
    <section class="part" aria-labelledby="judul-pengumuman" data-testid="pengumuman">
      <h2 id="judul-pengumuman">Pengumuman daftar KPM untuk sanggahan</h2>
      <p class="muted">
        Umumkan keluarga sebuah desa dalam daftar KPM yang berlaku (nama, NIK disamarkan) pada halaman publik,
        agar warga dapat menyampaikan sanggahan sampai batas tanggalnya (paling lama 30 hari).
      </p>
      <form
        aria-label="Umumkan daftar KPM desa"
        onSubmit={(event) => {
          event.preventDefault();
          if (place.desa === '') {
            setProblem('Pilih desa/kelurahan yang diumumkan.');
            return;
          }
          setProblem(undefined);
          void publish.run({ params: { tahapId }, body: { desaCode: place.desa, until } });
        }}
      >
        <div class="upload-fields">
          <PlaceFields names={names} value={place} onChange={setPlace} region={region} />
          <label class="field">
            Batas sanggahan
            <input
              type="date"
              name="batas"
              required
              min={dayInWib(0)}
              max={dayInWib(30)}
              value={until}
              onInput={(event) => setUntil(event.currentTarget.value)}
            />
          </label>
        </div>
        <FormProblem title="Belum dapat diumumkan" problem={problem} />
        <div class="actions">
          <button type="submit" class="button" disabled={publish.busy}>
            {publish.busy ? 'Mengumumkan…' : 'Umumkan daftar desa ini'}
          </button>
        </div>
      </form>
      {published ? (
        <div class="notice notice-good" role="status" data-testid="pengumuman-dibuat">
          <p>
            {formatNumber(published.families)} keluarga {names.desa(published.desaCode)} diumumkan sampai{' '}
            {formatDate(published.until)}.
          </p>
          <p>
            Halaman publik:{' '}
            <a href={pathTo.publication(published.publicationId)} data-testid="tautan-pengumuman">
              {location.origin}
              {pathTo.publication(published.publicationId)}
            </a>
          </p>
        </div>
      ) : (
        <ActionOutcome<'CreatePublication'> result={publish.last} />
      )}
    </section>
  );
}

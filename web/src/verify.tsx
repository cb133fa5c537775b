import type { ConsoleConfig } from './config.ts';
import { formatDate, formatDateTime, formatNumber, formatRupiah } from './format.ts';
import { Loading, PageTitle, Problem } from './page.tsx';
import { type Lookup, refusalMessage, usePublicLookup } from './public-lookup.ts';

/**
 * The page a decree's QR code opens (`/verify/{code}`): whether the SK Gubernur is genuine and in
 * force, with what the printed decree itself shows. Public, no sign-in, nothing personal: it shows
 * only what the public route answers.
 */
type State = Lookup<'VerifyDecree'>;

export function VerifyPage({ config, code }: { config: ConsoleConfig; code: string }) {
  const state = usePublicLookup(config, 'VerifyDecree', { params: { code } });

  return (
    <section class="card verify" aria-labelledby="judul-verifikasi">
      <PageTitle title="Verifikasi SK Gubernur">
        <span id="judul-verifikasi">Verifikasi SK Gubernur</span>
      </PageTitle>
      <p class="muted">
        Kode verifikasi: <span class="code">{code}</span>
      </p>
      <Result state={state} />
    </section>
  );
}

function Result({ state }: { state: State }) {
  if (state.kind === 'loading' || state.kind === 'idle') return <Loading label="Memeriksa kode…" />;
  if (state.kind === 'offline') {
    return (
      <Problem title="Pemeriksaan tidak dapat dilakukan">
        <p>Layanan verifikasi tidak dapat dihubungi. Periksa koneksi internet lalu muat ulang halaman ini.</p>
      </Problem>
    );
  }
  const { answer } = state;
  if (!answer.ok) {
    const message = refusalMessage(answer);
    const title =
      answer.status === 404
        ? 'Dokumen tidak dikenal'
        : answer.status === 400
          ? 'Kode tidak sah'
          : 'Pemeriksaan gagal';
    return (
      <div class="verdict verdict-bad" role="status" data-testid="putusan">
        <p class="verdict-title">{title}</p>
        <p>{message}</p>
      </div>
    );
  }
  const decree = answer.body;
  // A KPM decree fixes families of a tahap; a BKK decree, recipients of a period.
  const kpm = decree.kind === 'KPM';
  return (
    <>
      <div
        class={`verdict ${decree.inForce ? 'verdict-good' : 'verdict-bad'}`}
        role="status"
        data-testid="putusan"
      >
        <p class="verdict-title">{decree.inForce ? 'Asli dan berlaku' : 'Asli, tetapi telah dicabut'}</p>
        <p>{decree.message}</p>
      </div>
      <dl class="facts">
        <div>
          <dt>Nomor</dt>
          <dd data-testid="nomor">{decree.number}</dd>
        </div>
        <div>
          <dt>Tanggal</dt>
          <dd>{formatDate(decree.decreeDate)}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd data-testid="status">{decree.statusLabel}</dd>
        </div>
        <div>
          <dt>Tentang</dt>
          <dd data-testid="perihal">{decree.title}</dd>
        </div>
        {decree.regionName !== undefined ? (
          <div>
            <dt>Kabupaten/kota</dt>
            <dd>{decree.regionName}</dd>
          </div>
        ) : null}
        {decree.periodLabel !== undefined ? (
          <div>
            <dt>{kpm ? 'Tahap' : 'Periode'}</dt>
            <dd data-testid="periode">{decree.periodLabel}</dd>
          </div>
        ) : null}
        <div>
          <dt>{kpm ? 'Jumlah keluarga penerima manfaat' : 'Jumlah penerima'}</dt>
          <dd data-testid="jumlah-penerima">
            {formatNumber(decree.recipientCount)} {kpm ? 'keluarga' : 'orang'}
          </dd>
        </div>
        {decree.total !== undefined ? (
          <div>
            <dt>Jumlah bantuan</dt>
            <dd data-testid="jumlah-bantuan">{formatRupiah(decree.total)}</dd>
          </div>
        ) : null}
        {decree.revokedAt !== undefined ? (
          <div>
            <dt>Dicabut pada</dt>
            <dd>{formatDateTime(decree.revokedAt)}</dd>
          </div>
        ) : null}
        {decree.replacedBy !== undefined ? (
          <div>
            <dt>Diganti dengan</dt>
            <dd>SK Nomor {decree.replacedBy}</dd>
          </div>
        ) : null}
        {decree.replaces !== undefined ? (
          <div>
            <dt>Menggantikan</dt>
            <dd>SK Nomor {decree.replaces}</dd>
          </div>
        ) : null}
        {decree.sha256 !== undefined ? (
          <div>
            <dt>Sidik berkas PDF (SHA-256)</dt>
            <dd class="code hash">{decree.sha256}</dd>
          </div>
        ) : null}
      </dl>
      <p class="muted">
        Cocokkan nomor dan tanggal di atas dengan dokumen yang Anda pegang. Halaman ini tidak memuat data
        pribadi penerima.
      </p>
    </>
  );
}

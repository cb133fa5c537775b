import { useEffect, useRef, useState } from 'preact/hooks';
import type { Capability } from '#shared/http/caller.ts';
import { completeSignIn, SignInError } from './auth.ts';
import type { ConsoleConfig } from './config.ts';
import { formatDateTime } from './format.ts';
import { sectionsFor } from './nav.tsx';
import { Loading, PageTitle, Problem } from './page.tsx';
import { navigate } from './router.ts';
import { useSignedIn } from './session.tsx';
import { CAPABILITY_LABEL, identityOf, ROLE_LABEL } from './who.ts';

export function SignInPage({ expired, onSignIn }: { expired: boolean; onSignIn: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  return (
    <section class="card narrow" aria-labelledby="judul-masuk">
      <PageTitle title="Masuk">
        <span id="judul-masuk">Masuk</span>
      </PageTitle>
      <p>
        Konsol KHBS untuk operator kabupaten/kota, verifikator perangkat daerah, penyetuju, dan auditor. Masuk
        dengan akun yang diberikan admin.
      </p>
      {expired ? (
        <p class="notice notice-info" role="status">
          Sesi Anda telah berakhir. Silakan masuk lagi.
        </p>
      ) : null}
      {failed ? (
        <Problem title="Halaman masuk tidak dapat dibuka">
          <p>Penyedia identitas tidak menjawab. Coba lagi sebentar lagi.</p>
        </Problem>
      ) : null}
      <button
        type="button"
        class="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setFailed(false);
          onSignIn().catch(() => {
            setBusy(false);
            setFailed(true);
          });
        }}
      >
        {busy ? 'Membuka halaman masuk…' : 'Masuk'}
      </button>
      <p class="muted">
        Warga yang ingin memeriksa keaslian SK Gubernur cukup memindai kode QR pada dokumen; tidak perlu
        masuk.
      </p>
    </section>
  );
}

export function CallbackPage({ config, onSignedIn }: { config: ConsoleConfig; onSignedIn: () => void }) {
  const [problem, setProblem] = useState<string | undefined>();
  // The code can be traded once: never twice, whatever re-renders.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    completeSignIn(config, location.search).then(
      (returnTo) => {
        onSignedIn();
        navigate(returnTo, { replace: true });
      },
      (error: unknown) =>
        setProblem(error instanceof SignInError ? error.message : 'Proses masuk gagal. Silakan coba lagi.'),
    );
  }, [config, onSignedIn]);
  if (problem === undefined) return <Loading label="Menyelesaikan proses masuk…" />;
  return (
    <section class="card narrow">
      <PageTitle title="Gagal masuk">Gagal masuk</PageTitle>
      <Problem title="Proses masuk tidak selesai">
        <p>{problem}</p>
      </Problem>
      <a class="button" href="/">
        Kembali ke halaman masuk
      </a>
    </section>
  );
}

export function WhoAmIPage() {
  const { session } = useSignedIn();
  const identity = identityOf(session.claims);
  const expires = formatDateTime(new Date(session.claims.exp * 1000));
  if (!identity.ok) {
    return (
      <section class="card">
        <PageTitle title="Siapa saya">Siapa saya</PageTitle>
        <p>
          Anda masuk sebagai <strong>{identity.name}</strong>.
        </p>
        <Problem title="Akun ini belum dapat digunakan">
          <p>{identity.problem}</p>
        </Problem>
      </section>
    );
  }
  const { scope, regionLabel } = identity;
  const capabilities = [...scope.capabilities];
  return (
    <section class="card" aria-labelledby="judul-saya">
      <PageTitle title="Siapa saya">
        <span id="judul-saya">Siapa saya</span>
      </PageTitle>
      <dl class="facts">
        <div>
          <dt>Nama</dt>
          <dd data-testid="nama">{scope.name}</dd>
        </div>
        <div>
          <dt>Peran</dt>
          <dd data-testid="peran">{ROLE_LABEL[scope.role]}</dd>
        </div>
        <div>
          <dt>Wilayah</dt>
          <dd data-testid="wilayah">{regionLabel ?? 'Semua kabupaten/kota di Kalimantan Tengah'}</dd>
        </div>
        {scope.agency !== undefined ? (
          <div>
            <dt>Perangkat daerah</dt>
            <dd data-testid="opd">{scope.agency}</dd>
          </div>
        ) : null}
        <div>
          <dt>Data pribadi</dt>
          <dd>
            {scope.personalData === 'full'
              ? 'Ditampilkan lengkap'
              : 'Disamarkan (NIK, nomor rekening, dan nomor telepon)'}
          </dd>
        </div>
        <div>
          <dt>Sesi berakhir</dt>
          <dd>{expires}</dd>
        </div>
      </dl>
      <StartHere capabilities={capabilities} />
      <h2>Yang dapat Anda lakukan</h2>
      {capabilities.length > 0 ? (
        <ul class="checks">
          {capabilities.map((capability) => (
            <li key={capability}>{CAPABILITY_LABEL[capability]}</li>
          ))}
        </ul>
      ) : (
        <p>Peran ini belum memiliki tindakan di konsol.</p>
      )}
    </section>
  );
}

/** The role's sections as the first thing to click after signing in. */
function StartHere({ capabilities }: { capabilities: readonly Capability[] }) {
  const sections = sectionsFor(capabilities);
  if (sections.length === 0) return null;
  return (
    <>
      <h2>Mulai bekerja</h2>
      <ul class="start">
        {sections.map((section) => (
          <li key={section.href}>
            <a href={section.href}>{section.label}</a>
            <span class="muted"> · {section.description}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

export function NotFoundPage() {
  return (
    <section class="card narrow">
      <PageTitle title="Halaman tidak ditemukan">Halaman tidak ditemukan</PageTitle>
      <p>Alamat ini tidak ada di konsol KHBS.</p>
      <a class="button" href="/">
        Ke halaman utama
      </a>
    </section>
  );
}

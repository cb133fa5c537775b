import type { ApiSuccess } from '#shared/contract/client.ts';
import type { ConsoleConfig } from './config.ts';
import { tahapName } from './family-words.ts';
import { formatDate } from './format.ts';
import { Loading, PageTitle, Problem } from './page.tsx';
import { refusalMessage, usePublicLookup } from './public-lookup.ts';
import './screens/complaints.css';

/**
 * `/pengumuman/{publicationId}` (public, no sign-in): a desa's families of the kabupaten's KPM list,
 * published for objections (sanggahan) until a day: names with the NIK masked, as the API gives
 * them, and where to object. Once the window closes, the API says so and names no one. Loaded on
 * demand (a chunk of its own).
 */
export function PublicationPage({ config, publicationId }: { config: ConsoleConfig; publicationId: string }) {
  const state = usePublicLookup(config, 'GetPublication', { params: { publicationId } });
  return (
    <section class="card complaints" aria-labelledby="judul-pengumuman-kpm">
      <PageTitle title="Pengumuman daftar KPM">
        <span id="judul-pengumuman-kpm">Pengumuman daftar KPM</span>
      </PageTitle>
      {state.kind === 'idle' || state.kind === 'loading' ? (
        <Loading label="Memuat pengumuman…" />
      ) : state.kind === 'offline' ? (
        <Problem title="Pengumuman tidak dapat dimuat">
          <p>Layanan tidak dapat dihubungi. Periksa koneksi internet lalu muat ulang halaman ini.</p>
        </Problem>
      ) : !state.answer.ok ? (
        <Problem title={state.answer.status === 404 ? 'Pengumuman tidak dikenal' : 'Tidak dapat ditampilkan'}>
          <p>{refusalMessage(state.answer)}</p>
        </Problem>
      ) : (
        <Published publication={state.answer.body} />
      )}
    </section>
  );
}

function Published({ publication }: { publication: ApiSuccess<'GetPublication'>['body'] }) {
  const open = publication.status === 'DIBUKA';
  return (
    <>
      <div
        class={`verdict ${open ? 'verdict-good' : 'verdict-bad'}`}
        role="status"
        data-testid="status-pengumuman"
        data-status={publication.status}
      >
        <p class="verdict-title">{open ? 'Masa sanggah dibuka' : 'Masa sanggah sudah ditutup'}</p>
        <p>{publication.message}</p>
      </div>
      <dl class="facts">
        <div>
          <dt>Desa/kelurahan</dt>
          <dd>{publication.desaName ?? publication.desaCode}</dd>
        </div>
        <div>
          <dt>Tahap</dt>
          <dd>{tahapName(publication.tahapId)}</dd>
        </div>
        <div>
          <dt>Batas sanggahan</dt>
          <dd>{formatDate(publication.until)}</dd>
        </div>
      </dl>
      {publication.entries === undefined ? null : (
        <>
          <h2>Keluarga penerima manfaat ({publication.entries.length})</h2>
          <ol class="publication-list" data-testid="daftar-pengumuman">
            {publication.entries.map((entry) => (
              <li key={`${entry.nik}-${entry.nama}`}>
                {entry.nama} <span class="code">{entry.nik}</span>
              </li>
            ))}
          </ol>
          <p>
            Keberatan atas daftar ini? Sampaikan{' '}
            <a
              href={`/aduan?pengumuman=${encodeURIComponent(publication.publicationId)}`}
              data-testid="sanggah"
            >
              sanggahan
            </a>{' '}
            sebelum batasnya. Kode pengumuman: <span class="code">{publication.publicationId}</span>
          </p>
        </>
      )}
    </>
  );
}

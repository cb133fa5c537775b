import { useEffect, useState } from 'preact/hooks';
import { cardCodeFromInput, cardVerdict } from './card-words.ts';
import type { ConsoleConfig } from './config.ts';
import { FormProblem, Loading, PageTitle, Problem } from './page.tsx';
import { type Lookup, refusalMessage, usePublicLookup } from './public-lookup.ts';
import { navigate, pathTo } from './router.ts';
import './screens/cards.css';

/**
 * The page a KHBS card's QR code opens (`/verify/card/{code}`), and its form (`/verify/card`) for a
 * code typed by hand: whether the card is genuine, and active, blocked or replaced. Public, no
 * sign-in, and nothing about the family: the public route answers only the card's status.
 */
type State = Lookup<'VerifyCard'>;

export function VerifyCardPage({ config, code }: { config: ConsoleConfig; code: string | undefined }) {
  const state = usePublicLookup(config, 'VerifyCard', code === undefined ? undefined : { params: { code } });
  const [typed, setTyped] = useState(code ?? '');
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => setTyped(code ?? ''), [code]);

  return (
    <section class="card verify" aria-labelledby="judul-periksa-kartu">
      <PageTitle title="Periksa Kartu KHBS">
        <span id="judul-periksa-kartu">Periksa Kartu KHBS</span>
      </PageTitle>
      <p>
        Pindai kode QR pada Kartu Huma Betang Sejahtera, atau ketik kode verifikasi yang tercetak di kartu (12
        huruf/angka, seperti <span class="code">ABCD-EFGH-JKMN</span>).
      </p>
      <form
        aria-label="Periksa kode kartu"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const normalized = cardCodeFromInput(typed);
          if (normalized === undefined) {
            setProblem('Kode verifikasi terdiri atas 12 huruf/angka, seperti ABCD-EFGH-JKMN. Periksa lagi.');
            return;
          }
          setProblem(undefined);
          navigate(pathTo.verifyCard(normalized));
        }}
      >
        <label class="field">
          Kode verifikasi kartu
          <input
            name="kode"
            type="text"
            inputMode="text"
            autoComplete="off"
            autoCapitalize="characters"
            spellcheck={false}
            maxLength={20}
            value={typed}
            aria-invalid={problem !== undefined}
            onInput={(event) => setTyped(event.currentTarget.value)}
          />
        </label>
        <FormProblem title="Kode belum benar" problem={problem} />
        <div class="actions">
          <button type="submit" class="button">
            Periksa kartu
          </button>
        </div>
      </form>
      <Result state={state} />
      <p class="muted">
        Halaman ini hanya menyatakan keaslian dan status kartu; tidak memuat nama atau data keluarga pemegang
        kartu.
      </p>
    </section>
  );
}

function Result({ state }: { state: State }) {
  if (state.kind === 'idle') return null;
  if (state.kind === 'loading') return <Loading label="Memeriksa kartu…" />;
  if (state.kind === 'offline') {
    return (
      <Problem title="Pemeriksaan tidak dapat dilakukan">
        <p>Layanan verifikasi tidak dapat dihubungi. Periksa koneksi internet lalu coba lagi.</p>
      </Problem>
    );
  }
  const { answer } = state;
  if (!answer.ok) {
    const message = refusalMessage(answer);
    const title =
      answer.status === 404
        ? cardVerdict({ kind: 'unknown' }).title
        : answer.status === 400
          ? 'Kode tidak sah'
          : answer.status === 429
            ? 'Terlalu banyak pemeriksaan'
            : 'Pemeriksaan gagal';
    return (
      <div class="verdict verdict-bad" role="status" data-testid="putusan-kartu" data-status="TIDAK_DIKENAL">
        <p class="verdict-title">{title}</p>
        <p>
          {answer.status === 429 ? 'Tunggu sebentar, lalu periksa lagi.' : message}{' '}
          {answer.status === 404 ? 'Jangan terima kartu ini; laporkan ke kantor desa atau dinas sosial.' : ''}
        </p>
      </div>
    );
  }
  const card = answer.body;
  const verdict = cardVerdict({ kind: 'known', status: card.status, active: card.active });
  return (
    <div
      class={`verdict verdict-${verdict.tone}`}
      role="status"
      data-testid="putusan-kartu"
      data-status={card.status}
    >
      <p class="verdict-title">{verdict.title}</p>
      <p>{card.message}</p>
      <p>
        Kode verifikasi: <span class="code">{card.code}</span> · Status: {card.statusLabel}
      </p>
    </div>
  );
}

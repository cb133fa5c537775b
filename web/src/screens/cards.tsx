import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiSuccess } from '#shared/contract/client.ts';
import { type CardAction, cardActionInput, cardRefusalTitle } from '../card-words.ts';
import { regionLabel, tahapName } from '../family-words.ts';
import { formatDateTime, formatNumber } from '../format.ts';
import { FormProblem, PageTitle, Problem } from '../page.tsx';
import { useSignedIn } from '../session.tsx';
import { type ActionResult, Fact, failureMessage, RegionOptions, ScrollTable, useAction } from '../ui.tsx';
import { usePlaceNames } from './tahap.tsx';
import './cards.css';

/**
 * `/kartu` (`distribution:manage`): the kabupaten's KHBS cards. The printer's file of the cards
 * waiting to be printed (an operator's own kabupaten; the admin chooses one), and a card blocked or
 * replaced by its number, with a reason, after a confirmation. The number travels in the request's
 * body, never in the address.
 */
export function CardsPage() {
  const { scope } = useSignedIn();
  const own = scope !== undefined && scope.regions !== 'all' ? scope.regions[0] : undefined;
  return (
    <section class="card wide cards" aria-labelledby="judul-kartu">
      <PageTitle title="Kartu KHBS">
        <span id="judul-kartu">Kartu KHBS</span>
      </PageTitle>
      <p>
        Setiap keluarga penerima manfaat memegang satu Kartu Huma Betang Sejahtera. Nomor kartu diberikan saat
        penyaluran tahap dibuka oleh SK Gubernur; kartu yang hilang, rusak atau disalahgunakan diblokir atau
        diganti di sini.
      </p>
      <PrintFile own={own} />
      <CardActionForm />
    </section>
  );
}

type PrintState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'busy' }
  | { readonly kind: 'done'; readonly file: ApiSuccess<'GetCardPrintFile'>['body'] }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'offline' };

function PrintFile({ own }: { own: string | undefined }) {
  const { call } = useSignedIn();
  const [chosen, setChosen] = useState('');
  const [state, setState] = useState<PrintState>({ kind: 'idle' });
  const [problem, setProblem] = useState<string | undefined>();
  const region = own ?? chosen;
  const make = async () => {
    if (region === '') {
      setProblem('Pilih kabupaten/kota lebih dulu.');
      return;
    }
    setProblem(undefined);
    setState({ kind: 'busy' });
    try {
      const answer = await call('GetCardPrintFile', { query: { region } });
      setState(
        answer.ok ? { kind: 'done', file: answer.body } : { kind: 'failed', message: failureMessage(answer) },
      );
    } catch {
      setState({ kind: 'offline' });
    }
  };
  return (
    <section class="part" aria-labelledby="judul-berkas-cetak">
      <h2 id="judul-berkas-cetak">Berkas cetak kartu</h2>
      <p class="muted">
        Berkas CSV untuk percetakan: setiap kartu yang belum dicetak, dengan nomor kartu, kode verifikasi dan
        alamat kode QR-nya, nama penerima, serta desa. Tidak memuat NIK maupun nomor KK. Setiap pembuatan
        berkas dicatat.
      </p>
      <form
        class="filters"
        aria-label="Berkas cetak kartu"
        onSubmit={(event) => {
          event.preventDefault();
          void make();
        }}
      >
        {own === undefined ? (
          <label class="field">
            Kabupaten/kota
            <select
              value={chosen}
              onChange={(event) => {
                setChosen(event.currentTarget.value);
                setState({ kind: 'idle' });
              }}
            >
              <RegionOptions none="Pilih kabupaten/kota…" />
            </select>
          </label>
        ) : (
          <p>
            Kabupaten/kota: <strong>{regionLabel(own)}</strong>
          </p>
        )}
        <button type="submit" class="button" disabled={state.kind === 'busy'}>
          {state.kind === 'busy' ? 'Membuat berkas…' : 'Buat berkas cetak'}
        </button>
      </form>
      <FormProblem title="Belum dapat dibuat" problem={problem} />
      {state.kind === 'done' ? (
        <div class="notice notice-good" role="status" data-testid="berkas-cetak">
          <p>
            {state.file.rows === 0
              ? `Tidak ada kartu ${regionLabel(state.file.region)} yang menunggu dicetak.`
              : `${formatNumber(state.file.rows)} kartu ${regionLabel(state.file.region)} menunggu dicetak.`}
          </p>
          <p>
            <a class="button" href={state.file.downloadUrl} download data-testid="unduh-berkas-cetak">
              Unduh berkas cetak (CSV)
            </a>
          </p>
          <p class="muted">Tautan berlaku sampai {formatDateTime(state.file.expiresAt)}.</p>
        </div>
      ) : state.kind === 'failed' ? (
        <Problem title="Berkas tidak dapat dibuat">
          <p>{state.message}</p>
        </Problem>
      ) : state.kind === 'offline' ? (
        <Problem title="Server tidak dapat dihubungi">
          <p>Periksa koneksi internet lalu coba lagi.</p>
        </Problem>
      ) : null}
    </section>
  );
}

const ACTION_WORDS: Readonly<
  Record<CardAction, { label: string; title: string; confirm: string; explain: string; done: string }>
> = {
  block: {
    label: 'Blokir kartu',
    title: 'Blokir kartu ini?',
    confirm: 'Ya, blokir kartu',
    explain:
      'Kartu yang diblokir tidak pernah aktif lagi: pemeriksaan kodenya menjawab "diblokir" dan transaksi dengan kartu ini menjadi temuan. Keluarga mendapat kartu baru hanya lewat penggantian.',
    done: 'Kartu diblokir.',
  },
  replace: {
    label: 'Ganti dengan kartu baru',
    title: 'Ganti kartu ini dengan kartu baru?',
    confirm: 'Ya, ganti kartu',
    explain:
      'Nomor lama tidak berlaku lagi (diganti), dan nomor baru diberikan untuk keluarga yang sama; kartu baru masuk berkas cetak berikutnya.',
    done: 'Kartu diganti; nomor baru menunggu dicetak.',
  },
};

type CardResult = ActionResult<'BlockCard'> | ActionResult<'ReplaceCard'>;

function CardActionForm() {
  const [action, setAction] = useState<CardAction>('block');
  const [cardNumber, setCardNumber] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [asking, setAsking] = useState<{ cardNumber: string; reason: string; action: CardAction }>();
  const [outcome, setOutcome] = useState<{ action: CardAction; result: CardResult }>();
  const block = useAction('BlockCard');
  const replace = useAction('ReplaceCard');
  const busy = block.busy || replace.busy;
  const outcomeRef = useRef<HTMLDivElement>(null);
  // After an action, the focus moves to what it did (or why it was refused).
  useEffect(() => {
    if (outcome !== undefined) outcomeRef.current?.focus();
  }, [outcome]);

  const words = ACTION_WORDS[action];
  return (
    <section class="part" aria-labelledby="judul-tindakan-kartu">
      <h2 id="judul-tindakan-kartu">Blokir atau ganti kartu</h2>
      <form
        aria-label="Blokir atau ganti kartu"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const input = cardActionInput(cardNumber, reason);
          if (!input.ok) {
            setProblem(input.problem);
            return;
          }
          setProblem(undefined);
          setCardNumber(input.cardNumber);
          setAsking({ cardNumber: input.cardNumber, reason: input.reason, action });
        }}
      >
        <fieldset class="choices">
          <legend>Tindakan</legend>
          {(['block', 'replace'] as const).map((value) => (
            <label key={value} class="choice">
              <input
                type="radio"
                name="tindakan"
                value={value}
                checked={action === value}
                onChange={() => setAction(value)}
              />{' '}
              {ACTION_WORDS[value].label}
            </label>
          ))}
        </fieldset>
        <label class="field">
          Nomor kartu
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
        <label class="field">
          Alasan (paling sedikit 5 karakter)
          <textarea
            name="alasan"
            maxLength={500}
            value={reason}
            onInput={(event) => setReason(event.currentTarget.value)}
          />
        </label>
        <FormProblem title="Belum dapat dikirim" problem={problem} />
        <div class="actions">
          <button
            type="submit"
            class={action === 'block' ? 'button button-danger' : 'button'}
            disabled={busy}
          >
            {words.label}…
          </button>
        </div>
      </form>
      <Confirm
        asking={asking}
        busy={busy}
        onCancel={() => setAsking(undefined)}
        onConfirm={async (request) => {
          const body = { cardNumber: request.cardNumber, reason: request.reason };
          const result = request.action === 'block' ? await block.run({ body }) : await replace.run({ body });
          setAsking(undefined);
          if (result !== undefined) {
            setOutcome({ action: request.action, result });
            if (result.kind === 'done') setReason('');
          }
        }}
      />
      {outcome !== undefined ? (
        <div ref={outcomeRef} tabIndex={-1} class="card-outcome" data-testid="hasil-kartu">
          <Outcome action={outcome.action} result={outcome.result} />
        </div>
      ) : null}
    </section>
  );
}

function Confirm(props: {
  asking: { cardNumber: string; reason: string; action: CardAction } | undefined;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (request: { cardNumber: string; reason: string; action: CardAction }) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const { asking } = props;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (asking !== undefined && !dialog.open) dialog.showModal();
    if (asking === undefined && dialog.open) dialog.close();
  }, [asking]);
  const words = ACTION_WORDS[asking?.action ?? 'block'];
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="judul-dialog-kartu" onClose={props.onCancel}>
      <h2 id="judul-dialog-kartu">{words.title}</h2>
      {asking !== undefined ? (
        <>
          <dl class="facts">
            <Fact label="Nomor kartu">
              <span class="code">{asking.cardNumber}</span>
            </Fact>
            <Fact label="Alasan">{asking.reason}</Fact>
          </dl>
          <p>{words.explain}</p>
        </>
      ) : null}
      <div class="actions">
        <button
          type="button"
          class="button"
          disabled={props.busy}
          onClick={() => asking !== undefined && props.onConfirm(asking)}
        >
          {props.busy ? 'Memproses…' : words.confirm}
        </button>
        <button type="button" class="button button-secondary" onClick={props.onCancel}>
          Batal
        </button>
      </div>
    </dialog>
  );
}

function Outcome({ action, result }: { action: CardAction; result: CardResult }) {
  if (result.kind === 'offline') {
    return (
      <Problem title="Tidak terkirim">
        <p>Server tidak dapat dihubungi. Coba lagi; tindakan yang sama tidak akan tercatat dua kali.</p>
      </Problem>
    );
  }
  if (result.kind === 'refused') {
    return (
      <Problem title={cardRefusalTitle(result.answer.status)}>
        <p data-testid="pesan-kartu">{result.message}</p>
      </Problem>
    );
  }
  const { card, replacement } = result.answer.body;
  return (
    <>
      <p class="notice notice-good" role="status">
        {ACTION_WORDS[action].done}
      </p>
      <CardFacts title={replacement === undefined ? 'Kartu' : 'Kartu lama'} card={card} />
      {replacement !== undefined ? <CardFacts title="Kartu baru" card={replacement} /> : null}
    </>
  );
}

type CardView = ApiSuccess<'BlockCard'>['body']['card'];

function CardFacts({ title, card }: { title: string; card: CardView }) {
  const places = usePlaceNames();
  const blocked = card.status === 'DIBLOKIR' || card.status === 'DIGANTI';
  return (
    <section class="card-view" aria-label={`${title} ${card.cardNumber}`} data-card={card.cardNumber}>
      <h3>
        {title} <span class="code">{card.cardNumber}</span>
      </h3>
      <dl class="facts">
        <Fact label="Status">
          <span
            class={`badge badge-${blocked ? 'bad' : 'good'}`}
            data-testid="status-kartu"
            data-status={card.status}
          >
            {card.statusLabel}
          </span>
        </Fact>
        <Fact label="Penerima">{card.penerimaNama}</Fact>
        <Fact label="NIK penerima">
          <span class="code">{card.penerimaNik}</span>
        </Fact>
        <Fact label="Desa/kelurahan">
          {places.desa(card.desaCode)}, {regionLabel(card.region)}
        </Fact>
        <Fact label="Tahap">{tahapName(card.tahapId)}</Fact>
        {card.replaces !== undefined ? (
          <Fact label="Menggantikan">
            <span class="code">{card.replaces}</span>
          </Fact>
        ) : null}
        {card.replacedBy !== undefined ? (
          <Fact label="Diganti dengan">
            <span class="code">{card.replacedBy}</span>
          </Fact>
        ) : null}
      </dl>
      <ScrollTable label={`Riwayat kartu ${card.cardNumber}`}>
        <table class="table" data-testid="riwayat-kartu">
          <caption class="sr-only">Riwayat kartu {card.cardNumber}</caption>
          <thead>
            <tr>
              <th scope="col">Waktu</th>
              <th scope="col">Status</th>
              <th scope="col">Oleh</th>
              <th scope="col">Catatan</th>
            </tr>
          </thead>
          <tbody>
            {card.history.map((event) => (
              <tr key={`${event.at}-${event.status}`} data-status={event.status}>
                <td>{formatDateTime(event.at)}</td>
                <td>{CARD_STATUS_WORDS[event.status]}</td>
                <td>{event.by?.name ?? 'Sistem'}</td>
                <td>{event.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollTable>
    </section>
  );
}

/** A history line's status, capitalised for a table cell. */
const CARD_STATUS_WORDS: Readonly<Record<CardView['status'], string>> = {
  TERDAFTAR: 'Terdaftar, menunggu cetak',
  DICETAK: 'Dicetak',
  DIBAGIKAN: 'Dibagikan kepada keluarga',
  DIBLOKIR: 'Diblokir',
  DIGANTI: 'Diganti dengan kartu baru',
};

import { useEffect, useState } from 'preact/hooks';
import type { ProposalPage as ProposalBody } from '#shared/contract/responses.ts';
import { useSignedIn } from '../session.tsx';
import { ActionOutcome, Confirm, useAction } from '../ui.tsx';

/**
 * What the signed-in user may do with the proposal now, by role and status: the operator submits a
 * draft; a verifier signs off or returns the list for its agency; the approver approves or rejects a
 * verified list. Every POST goes through `useAction` (one Idempotency-Key per action), so a double
 * click never acts twice. Nothing shows when the user has nothing to do here.
 */
export function ProposalActions({
  proposal,
  onDone,
}: {
  proposal: ProposalBody;
  onDone: (message: string) => void;
}) {
  const { scope } = useSignedIn();
  if (scope === undefined) return null;
  const can = (capability: Parameters<typeof scope.capabilities.has>[0]) =>
    scope.capabilities.has(capability);
  const agency = scope.agency;

  if (can('proposals:submit') && proposal.status === 'DRAFT') {
    return <SubmitAction proposal={proposal} onDone={onDone} />;
  }
  if (
    can('proposals:review') &&
    proposal.status === 'IN_REVIEW' &&
    agency !== undefined &&
    proposal.requiredAgencies.includes(agency) &&
    !proposal.signedBy.includes(agency)
  ) {
    return <ReviewAction proposal={proposal} agency={agency} onDone={onDone} />;
  }
  if (can('proposals:decide') && proposal.status === 'VERIFIED') {
    return <DecideAction proposal={proposal} onDone={onDone} />;
  }
  return null;
}

/** A free-text reason (≥ 10 characters, as the API requires), labelled, with its own message. */
function ReasonField(props: {
  id: string;
  label: string;
  hint: string;
  value: string;
  problem: string | undefined;
  onInput: (value: string) => void;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <span id={`${props.id}-petunjuk`} class="muted hint">
        {props.hint}
      </span>
      <textarea
        id={props.id}
        value={props.value}
        maxLength={2000}
        aria-describedby={`${props.id}-petunjuk${props.problem ? ` ${props.id}-masalah` : ''}`}
        aria-invalid={props.problem !== undefined}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
      {props.problem ? (
        <span id={`${props.id}-masalah`} class="field-problem" role="alert">
          {props.problem}
        </span>
      ) : null}
    </div>
  );
}

export const MIN_REASON = 10;

/**
 * Forgets what the actions last said once the proposal moved on (another action, a waiver): an old
 * refusal must not stand next to a state that no longer has its reason.
 */
function useForgetOnChange(version: number, ...actions: readonly { clear: () => void }[]) {
  useEffect(() => {
    for (const action of actions) action.clear();
  }, [version]);
}

const tooShort = (text: string) => text.trim().length < MIN_REASON;

function SubmitAction({ proposal, onDone }: { proposal: ProposalBody; onDone: (message: string) => void }) {
  const submit = useAction('SubmitProposal');
  const [asking, setAsking] = useState(false);
  const params = { proposalId: proposal.proposalId };
  return (
    <section class="part action-panel" aria-labelledby="judul-ajukan">
      <h2 id="judul-ajukan">Ajukan usulan</h2>
      <p>
        Daftar berisi {proposal.recipientCount} penerima. Setelah diajukan, daftar diperiksa otomatis lalu
        diverifikasi perangkat daerah.
      </p>
      <div class="actions">
        <button type="button" class="button" onClick={() => setAsking(true)} disabled={submit.busy}>
          Ajukan untuk verifikasi
        </button>
      </div>
      <ActionOutcome<'SubmitProposal'> result={submit.last} />
      <Confirm
        open={asking}
        title="Ajukan usulan ini?"
        confirmLabel="Ya, ajukan"
        busy={submit.busy}
        onCancel={() => setAsking(false)}
        onConfirm={async () => {
          const result = await submit.run({ params, body: {} });
          setAsking(false);
          if (result?.kind === 'done') {
            onDone('Usulan telah diajukan. Pemeriksaan otomatis sedang berjalan.');
          }
        }}
      >
        <p>Yang terjadi selanjutnya:</p>
        <ol>
          <li>
            {proposal.kind === 'KPM'
              ? 'Pemeriksaan otomatis berjalan atas setiap keluarga dan penerimanya.'
              : 'Pemeriksaan otomatis berjalan (NIK, usia, rekening, dan kecocokan dengan daftar kabupaten/kota lain).'}
          </li>
          <li>
            Setelah itu perangkat daerah yang wajib memverifikasi
            {proposal.requiredAgencies.length > 0 ? ` (${proposal.requiredAgencies.join(' dan ')})` : ''}{' '}
            memeriksa temuan dan menyetujui daftar, atau mengembalikannya dengan catatan.
          </li>
          <li>
            Selama diverifikasi, daftar tidak dapat diganti dengan unggahan baru, kecuali bila dikembalikan
            untuk diperbaiki.
          </li>
        </ol>
      </Confirm>
    </section>
  );
}

function ReviewAction({
  proposal,
  agency,
  onDone,
}: {
  proposal: ProposalBody;
  agency: string;
  onDone: (message: string) => void;
}) {
  const approve = useAction('ReviewProposal');
  const giveBack = useAction('ReviewProposal');
  useForgetOnChange(proposal.version, approve, giveBack);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const params = { proposalId: proposal.proposalId };
  return (
    <section class="part action-panel" aria-labelledby="judul-verifikasi">
      <h2 id="judul-verifikasi">Verifikasi {agency}</h2>
      {proposal.openBlocking > 0 ? (
        <p class="notice notice-info">
          Masih ada {proposal.openBlocking} temuan menghalangi yang terbuka. Kesampingkan temuan dengan alasan
          tertulis (lihat Pemeriksaan otomatis di bawah), atau kembalikan daftar untuk diperbaiki.
        </p>
      ) : null}
      <div class="actions">
        <button
          type="button"
          class="button"
          disabled={approve.busy || giveBack.busy}
          onClick={async () => {
            const result = await approve.run({ params, body: { decision: 'approve' } });
            if (result?.kind === 'done') onDone(`Usulan disetujui atas nama ${agency}.`);
          }}
        >
          {approve.busy ? 'Memproses…' : `Setujui atas nama ${agency}`}
        </button>
      </div>
      <ActionOutcome<'ReviewProposal'> result={approve.last} />
      <form
        class="return-form"
        aria-label="Kembalikan usulan"
        onSubmit={async (event) => {
          event.preventDefault();
          if (tooShort(note)) {
            setProblem(`Tulis alasan pengembalian, minimal ${MIN_REASON} karakter.`);
            return;
          }
          setProblem(undefined);
          const result = await giveBack.run({ params, body: { decision: 'return', note: note.trim() } });
          if (result?.kind === 'done')
            onDone(`Usulan dikembalikan ke kabupaten/kota dengan catatan ${agency}.`);
        }}
      >
        <ReasonField
          id="catatan-pengembalian"
          label="Catatan pengembalian"
          hint="Tulis apa yang harus diperbaiki kabupaten/kota (minimal 10 karakter). Catatan ini dibaca operator."
          value={note}
          problem={problem}
          onInput={setNote}
        />
        <div class="actions">
          <button type="submit" class="button button-secondary" disabled={approve.busy || giveBack.busy}>
            {giveBack.busy ? 'Memproses…' : 'Kembalikan dengan catatan'}
          </button>
        </div>
      </form>
      <ActionOutcome<'ReviewProposal'> result={giveBack.last} />
    </section>
  );
}

function DecideAction({ proposal, onDone }: { proposal: ProposalBody; onDone: (message: string) => void }) {
  const approve = useAction('DecideProposal');
  const reject = useAction('DecideProposal');
  useForgetOnChange(proposal.version, approve, reject);
  const [asking, setAsking] = useState(false);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const params = { proposalId: proposal.proposalId };
  const busy = approve.busy || reject.busy;
  return (
    <section class="part action-panel" aria-labelledby="judul-keputusan">
      <h2 id="judul-keputusan">Keputusan</h2>
      <p>
        Daftar telah diverifikasi {proposal.signedBy.join(' dan ')}. Setujui untuk menerbitkan SK Gubernur,
        atau tolak dengan alasan.
      </p>
      <div class="actions">
        <button type="button" class="button" disabled={busy} onClick={() => setAsking(true)}>
          Setujui usulan
        </button>
      </div>
      <ActionOutcome<'DecideProposal'> result={approve.last} />
      <Confirm
        open={asking}
        title="Setujui usulan ini?"
        confirmLabel="Ya, setujui"
        busy={approve.busy}
        onCancel={() => setAsking(false)}
        onConfirm={async () => {
          const result = await approve.run({ params, body: { decision: 'approve' } });
          setAsking(false);
          if (result?.kind === 'done') {
            onDone('Usulan disetujui. SK Gubernur sedang diberi nomor dan diterbitkan.');
          }
        }}
      >
        <p>
          SK Gubernur untuk {proposal.recipientCount} penerima akan diberi nomor dan diterbitkan (PDF dengan
          kode verifikasi). Nomor SK tidak dapat dipakai ulang; bila ada kesalahan, SK harus dicabut dengan
          alasan.
        </p>
      </Confirm>
      <form
        class="return-form"
        aria-label="Tolak usulan"
        onSubmit={async (event) => {
          event.preventDefault();
          if (tooShort(note)) {
            setProblem(`Tulis alasan penolakan, minimal ${MIN_REASON} karakter.`);
            return;
          }
          setProblem(undefined);
          const result = await reject.run({ params, body: { decision: 'reject', note: note.trim() } });
          if (result?.kind === 'done') onDone('Usulan ditolak.');
        }}
      >
        <ReasonField
          id="alasan-penolakan"
          label="Alasan penolakan"
          hint="Penolakan mengakhiri usulan ini; kabupaten/kota harus mengunggah daftar baru (minimal 10 karakter)."
          value={note}
          problem={problem}
          onInput={setNote}
        />
        <div class="actions">
          <button type="submit" class="button button-danger" disabled={busy}>
            {reject.busy ? 'Memproses…' : 'Tolak usulan'}
          </button>
        </div>
      </form>
      <ActionOutcome<'DecideProposal'> result={reject.last} />
    </section>
  );
}

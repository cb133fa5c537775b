import { useState } from 'preact/hooks';
import type { ProposalPage as ProposalBody } from '#shared/contract/responses.ts';
import { FLAG_CODES, FLAGS, type FlagCode } from '#shared/domain/checks.ts';
import { roleLabel } from '#shared/domain/roles.ts';
import { formatNumber } from '../format.ts';
import { useSignedIn } from '../session.tsx';
import {
  ActionOutcome,
  Confirm,
  Pager,
  ScrollTable,
  Show,
  useAction,
  useApi,
  useCursorPages,
} from '../ui.tsx';
import { MIN_REASON } from './proposal-actions.tsx';

type ChecksSummary = NonNullable<ProposalBody['checks']>;
type CodeCounts = NonNullable<ChecksSummary['byCode']>;

/** Recipients shown at once under a flag: a verifier reads them one by one. */
const PAGE_SIZE = 20;

/**
 * The checks' findings grouped by kind (the `byCode` counts the checks worker records), each with
 * "lihat penerima" that loads the recipients behind it, a page at a time. A verifier of a required
 * agency may set a blocking flag of one recipient aside, with a written reason (`WaiveFlag`).
 */
export function FlagGroups({
  proposal,
  checks,
  onDone,
}: {
  proposal: ProposalBody;
  checks: ChecksSummary;
  onDone: (message: string) => void;
}) {
  const { scope } = useSignedIn();
  const byCode: CodeCounts = checks.byCode ?? {};
  const codes = FLAG_CODES.filter((code) => byCode[code] !== undefined);
  const [open, setOpen] = useState<FlagCode | undefined>();
  // Waived flags as `<recipientId>#<code>`: those the history names, and those waived just now (shown
  // before the proposal has reloaded).
  const [waivedNow, setWaivedNow] = useState<ReadonlySet<string>>(new Set());
  const waived = new Set(waivedNow);
  for (const entry of proposal.history) {
    if (entry.waived) waived.add(`${entry.waived.recipientId}#${entry.waived.flag}`);
  }
  const agency = scope?.agency;
  const mayWaive =
    scope?.capabilities.has('flags:waive') === true &&
    proposal.status === 'IN_REVIEW' &&
    agency !== undefined &&
    proposal.requiredAgencies.includes(agency);

  if (checks.byCode === undefined) {
    return (
      <p class="muted">
        Rincian per jenis temuan belum tersedia untuk hasil pemeriksaan ini. Lihat daftar penerima lengkap
        untuk menyaring menurut temuan.
      </p>
    );
  }
  if (codes.length === 0) return <p class="empty">Tidak ada temuan.</p>;
  return (
    <ul class="flag-groups" data-testid="temuan-per-jenis">
      {codes.map((code) => {
        const counts = byCode[code];
        if (counts === undefined) return null;
        const blocking = counts.severity === 'blocking';
        return (
          <li key={code} class="flag-group" data-code={code}>
            <div class="flag-head">
              <span class={`badge ${blocking ? 'badge-bad' : 'badge-neutral'}`}>
                {blocking ? 'menghalangi' : 'peringatan'}
              </span>
              <span class="flag-label">{FLAGS[code].label}</span>
              <span class="flag-count" data-testid={`jumlah-${code}`}>
                {formatNumber(counts.count)} penerima
                {blocking ? `, ${formatNumber(counts.open)} terbuka` : ''}
              </span>
              <button
                type="button"
                class="link"
                aria-expanded={open === code}
                aria-controls={`penerima-${code}`}
                onClick={() => setOpen(open === code ? undefined : code)}
              >
                {open === code ? 'tutup' : 'lihat penerima'}
                <span class="sr-only"> dengan temuan {FLAGS[code].label}</span>
              </button>
            </div>
            {open === code ? (
              <div id={`penerima-${code}`}>
                <FlagRecipients
                  proposalId={proposal.proposalId}
                  code={code}
                  blocking={blocking}
                  mayWaive={mayWaive && blocking}
                  waived={waived}
                  onWaived={(recipientId, row) => {
                    setWaivedNow(new Set([...waivedNow, `${recipientId}#${code}`]));
                    onDone(`Temuan ${FLAGS[code].label} pada baris ${row} dikesampingkan.`);
                  }}
                />
              </div>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function FlagRecipients(props: {
  proposalId: string;
  code: FlagCode;
  /** A blocking flag: each row says whether it is open or waived. */
  blocking: boolean;
  mayWaive: boolean;
  waived: ReadonlySet<string>;
  onWaived: (recipientId: string, row: number) => void;
}) {
  const pages = useCursorPages();
  const { state } = useApi('ListRecipients', {
    params: { proposalId: props.proposalId },
    query: { flag: props.code, limit: String(PAGE_SIZE), ...(pages.cursor ? { cursor: pages.cursor } : {}) },
  });
  const [target, setTarget] = useState<{ recipientId: string; row: number; name: string } | undefined>();
  return (
    <>
      <Show state={state} label="Memuat penerima…">
        {(body) =>
          body.items.length === 0 ? (
            <p class="empty">Tidak ada penerima dengan temuan ini di daftar saat ini.</p>
          ) : (
            <>
              <ScrollTable label={`Penerima dengan temuan ${FLAGS[props.code].label}`}>
                <table class="table table-wide" data-testid={`penerima-temuan-${props.code}`}>
                  <caption class="sr-only">Penerima dengan temuan {FLAGS[props.code].label}</caption>
                  <thead>
                    <tr>
                      <th scope="col" class="num">
                        Baris
                      </th>
                      <th scope="col">Nama</th>
                      <th scope="col">Peran</th>
                      <th scope="col">Kecamatan</th>
                      <th scope="col">Keterangan</th>
                      {props.blocking ? <th scope="col">Status</th> : null}
                    </tr>
                  </thead>
                  <tbody>
                    {body.items.map((recipient) => {
                      const flag = recipient.flags?.find((entry) => entry.code === props.code);
                      const done = props.waived.has(`${recipient.recipientId}#${props.code}`);
                      return (
                        <tr key={recipient.recipientId}>
                          <td class="num">{recipient.row}</td>
                          <td>{recipient.nama}</td>
                          <td>{roleLabel(recipient.peran)}</td>
                          <td>{recipient.kecamatan}</td>
                          <td>{flag?.detail ?? '—'}</td>
                          {props.blocking ? (
                            <td>
                              {done ? (
                                <span class="badge badge-good">dikesampingkan</span>
                              ) : props.mayWaive ? (
                                <button
                                  type="button"
                                  class="button button-secondary button-small"
                                  onClick={() =>
                                    setTarget({
                                      recipientId: recipient.recipientId,
                                      row: recipient.row,
                                      name: recipient.nama,
                                    })
                                  }
                                >
                                  Kesampingkan<span class="sr-only"> temuan baris {recipient.row}</span>
                                </button>
                              ) : (
                                <span class="badge badge-bad">terbuka</span>
                              )}
                            </td>
                          ) : null}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </ScrollTable>
              {pages.page > 1 || body.nextCursor !== null ? (
                <Pager
                  label={`Halaman penerima dengan temuan ${FLAGS[props.code].label}`}
                  page={pages.page}
                  hasNext={body.nextCursor !== null}
                  onPrevious={pages.previous}
                  onNext={() => body.nextCursor !== null && pages.next(body.nextCursor)}
                />
              ) : null}
            </>
          )
        }
      </Show>
      {props.mayWaive ? (
        <WaiveDialog
          proposalId={props.proposalId}
          code={props.code}
          target={target}
          onClose={() => setTarget(undefined)}
          onWaived={props.onWaived}
        />
      ) : null}
    </>
  );
}

function WaiveDialog(props: {
  proposalId: string;
  code: FlagCode;
  target: { recipientId: string; row: number; name: string } | undefined;
  onClose: () => void;
  onWaived: (recipientId: string, row: number) => void;
}) {
  const waive = useAction('WaiveFlag');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const close = () => {
    setReason('');
    setProblem(undefined);
    waive.clear();
    props.onClose();
  };
  const { target } = props;
  return (
    <Confirm
      open={target !== undefined}
      title="Kesampingkan temuan"
      confirmLabel="Kesampingkan"
      busy={waive.busy}
      onCancel={close}
      onConfirm={async () => {
        if (target === undefined) return;
        if (reason.trim().length < MIN_REASON) {
          setProblem(`Tulis alasannya, minimal ${MIN_REASON} karakter.`);
          return;
        }
        setProblem(undefined);
        const result = await waive.run({
          params: { proposalId: props.proposalId },
          body: { recipientId: target.recipientId, flag: props.code, reason: reason.trim() },
        });
        if (result?.kind === 'done') {
          close();
          props.onWaived(target.recipientId, target.row);
        }
      }}
    >
      {target === undefined ? null : (
        <>
          <p>
            Temuan <strong>{FLAGS[props.code].label}</strong> pada baris {target.row} ({target.name}) tidak
            lagi menghalangi verifikasi. Alasan Anda dicatat di jejak audit dan tidak dapat diubah.
          </p>
          <div class="field">
            <label for="alasan-kesampingkan">Alasan</label>
            <textarea
              id="alasan-kesampingkan"
              value={reason}
              maxLength={2000}
              aria-invalid={problem !== undefined}
              aria-describedby={problem ? 'alasan-kesampingkan-masalah' : undefined}
              onInput={(event) => setReason(event.currentTarget.value)}
            />
            {problem ? (
              <span id="alasan-kesampingkan-masalah" class="field-problem" role="alert">
                {problem}
              </span>
            ) : null}
          </div>
          <ActionOutcome<'WaiveFlag'> result={waive.last} />
        </>
      )}
    </Confirm>
  );
}

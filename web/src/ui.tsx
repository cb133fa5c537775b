import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiRouteId } from '#shared/contract/api.ts';
import type { ApiAnswer, ApiFailure, ApiRequest, ApiSuccess } from '#shared/contract/client.ts';
import { STATUS_LABEL } from '#shared/domain/proposal.ts';
import { REGIONS } from '#shared/domain/regions.ts';
import { Loading, Problem } from './page.tsx';
import { useSignedIn } from './session.tsx';

/**
 * The building blocks every signed-in screen shares: loading an answer of the API, acting once
 * however often a button is pressed, asking before an action that cannot be undone, paging, and
 * the labels of states. Screens stay short: what they show, and which route they call.
 */

/** What a failed answer says, for the user: the API's own message (in Bahasa Indonesia). */
export function failureMessage(answer: ApiFailure): string {
  if ('error' in answer.body) {
    const { message, details } = answer.body.error;
    if (Array.isArray(details) && details.length > 0) {
      return `${message} ${details.map((detail) => detail.message).join(' ')}`;
    }
    return message;
  }
  if (answer.status === 429) return 'Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.';
  return answer.body.message;
}

/** The reason code of a 409 (`details.reason`, e.g. SEPARATION_OF_DUTIES), if any. */
export function failureReason(answer: ApiFailure): string | undefined {
  if (!('error' in answer.body)) return undefined;
  const details = answer.body.error.details;
  if (details === undefined || Array.isArray(details)) return undefined;
  return typeof details.reason === 'string' ? details.reason : undefined;
}

/** A request as a key (typed `unknown`: over every route, `ApiRequest<R> | null` is too large a union for tsc). */
const requestKey = (request: unknown): string => JSON.stringify(request ?? null);

export type Loaded<R extends ApiRouteId> =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ok'; readonly body: ApiSuccess<R>['body']; readonly status: number }
  | { readonly kind: 'failed'; readonly status: number; readonly message: string }
  | { readonly kind: 'offline' };

/**
 * Calls `route` when the screen opens and whenever `key` changes (say, the request as JSON), and
 * again on `reload()`. An answer that arrives after the screen moved on is dropped. While a reload
 * of the same request runs, the last answer stays on screen (polling does not flicker); a new
 * request (another id, another filter) shows "loading" until its own answer, never the last one's.
 */
export function useApi<R extends ApiRouteId>(
  route: R,
  request: ApiRequest<R> | undefined,
  key: string = requestKey(request),
): { readonly state: Loaded<R>; readonly reload: () => void } {
  const { call } = useSignedIn();
  const [answered, setAnswered] = useState<{ readonly key: string; readonly state: Loaded<R> }>();
  const [round, setRound] = useState(0);
  const latest = useRef(request);
  latest.current = request;
  useEffect(() => {
    const current = latest.current;
    if (current === undefined) return;
    let live = true;
    const settle = (state: Loaded<R>) => live && setAnswered({ key, state });
    call(route, current).then(
      (answer: ApiAnswer<R>) =>
        settle(
          answer.ok
            ? { kind: 'ok', body: answer.body, status: answer.status }
            : { kind: 'failed', status: answer.status, message: failureMessage(answer) },
        ),
      () => settle({ kind: 'offline' }),
    );
    return () => {
      live = false;
    };
  }, [call, route, key, round]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  return { state: answered?.key === key ? answered.state : { kind: 'loading' }, reload };
}

/**
 * What a screen shows while its answer is not there, or failed; `children` once it is.
 * `label` says what is being loaded ("Memuat usulan…").
 */
export function Show<R extends ApiRouteId>(props: {
  state: Loaded<R>;
  label: string;
  children: (body: ApiSuccess<R>['body']) => ComponentChildren;
}) {
  const { state } = props;
  if (state.kind === 'loading') return <Loading label={props.label} />;
  if (state.kind === 'offline') {
    return (
      <Problem title="Server tidak dapat dihubungi">
        <p>Periksa koneksi internet lalu muat ulang halaman ini.</p>
      </Problem>
    );
  }
  if (state.kind === 'failed') {
    return (
      <Problem title={state.status === 404 ? 'Tidak ditemukan' : 'Tidak dapat ditampilkan'}>
        <p>{state.message}</p>
      </Problem>
    );
  }
  return <>{props.children(state.body)}</>;
}

export type ActionResult<R extends ApiRouteId> =
  | { readonly kind: 'done'; readonly answer: ApiSuccess<R> }
  | { readonly kind: 'refused'; readonly answer: ApiFailure; readonly message: string }
  | { readonly kind: 'offline' };

/**
 * An action that acts once however often it is pressed: while a request is in flight the action is
 * busy (its button disabled), and every request carries the same `Idempotency-Key` until the API
 * gives a definitive answer, so a double click, or a retry after the connection dropped mid-answer,
 * is answered from the first request's result and never acts twice. After an answer (done or
 * refused) the next press is a new action with a new key.
 */
export function useAction<R extends ApiRouteId>(route: R) {
  const { call } = useSignedIn();
  const key = useRef<string>(crypto.randomUUID());
  const inFlight = useRef(false);
  const [busy, setBusy] = useState(false);
  const [last, setLast] = useState<ActionResult<R> | undefined>();

  const run = useCallback(
    async (request: Omit<ApiRequest<R>, 'idempotencyKey'>): Promise<ActionResult<R> | undefined> => {
      if (inFlight.current) return undefined;
      inFlight.current = true;
      setBusy(true);
      let result: ActionResult<R>;
      try {
        const answer = await call(route, { ...request, idempotencyKey: key.current } as ApiRequest<R>);
        result = answer.ok
          ? { kind: 'done', answer: answer as ApiSuccess<R> }
          : { kind: 'refused', answer, message: failureMessage(answer) };
        // A definitive answer: the next press is another action.
        key.current = crypto.randomUUID();
      } catch {
        // No answer: the same key again, so a retry cannot act twice.
        result = { kind: 'offline' };
      }
      inFlight.current = false;
      setBusy(false);
      setLast(result);
      return result;
    },
    [call, route],
  );
  return { run, busy, last, clear: () => setLast(undefined) } as const;
}

/** What an action's last result says, where the user is looking (nothing before the first). */
export function ActionOutcome<R extends ApiRouteId>({
  result,
  done,
}: {
  result: ActionResult<R> | undefined;
  /** What to say when it worked. */
  done?: string;
}) {
  if (result === undefined) return null;
  if (result.kind === 'done') {
    return done === undefined ? null : (
      <p class="notice notice-good" role="status">
        {done}
      </p>
    );
  }
  if (result.kind === 'offline') {
    return (
      <Problem title="Tidak terkirim">
        <p>Server tidak dapat dihubungi. Coba lagi; tindakan yang sama tidak akan tercatat dua kali.</p>
      </Problem>
    );
  }
  return (
    <Problem title="Ditolak">
      <p>{result.message}</p>
    </Problem>
  );
}

/**
 * Asks before an action that cannot be undone: a modal dialog (the browser's own `<dialog>`, so the
 * focus stays inside it and Escape closes it) that says what will happen next.
 */
export function Confirm(props: {
  open: boolean;
  title: string;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="judul-dialog" onClose={props.onCancel}>
      <h2 id="judul-dialog">{props.title}</h2>
      {props.children}
      <div class="actions">
        <button type="button" class="button" disabled={props.busy} onClick={props.onConfirm}>
          {props.busy ? 'Memproses…' : props.confirmLabel}
        </button>
        <button type="button" class="button button-secondary" onClick={props.onCancel}>
          Batal
        </button>
      </div>
    </dialog>
  );
}

/** A proposal's status as a label (`dalam verifikasi`), coloured by where it stands. */
export function StatusBadge({ status }: { status: keyof typeof STATUS_LABEL }) {
  const tone =
    status === 'REJECTED' || status === 'REVOKED'
      ? 'bad'
      : status === 'DECREED' || status === 'DISBURSED' || status === 'APPROVED'
        ? 'good'
        : 'neutral';
  return (
    <span class={`badge badge-${tone}`} data-status={status}>
      {STATUS_LABEL[status]}
    </span>
  );
}

/**
 * Paging by the API's opaque cursors: "Berikutnya" follows `nextCursor`, "Sebelumnya" goes back
 * through the cursors already seen (the API pages forward only).
 */
export function useCursorPages() {
  const [trail, setTrail] = useState<readonly (string | undefined)[]>([undefined]);
  const cursor = trail.at(-1);
  return {
    cursor,
    page: trail.length,
    next: (nextCursor: string) => setTrail((pages) => [...pages, nextCursor]),
    previous: () => setTrail((pages) => (pages.length > 1 ? pages.slice(0, -1) : pages)),
    reset: () => setTrail([undefined]),
  } as const;
}

export function Pager(props: {
  page: number;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  label?: string;
}) {
  return (
    <nav class="pager" aria-label={props.label ?? 'Halaman'}>
      <button
        type="button"
        class="button button-secondary"
        disabled={props.page <= 1}
        onClick={props.onPrevious}
      >
        Sebelumnya
      </button>
      <span aria-live="polite">Halaman {props.page}</span>
      <button type="button" class="button button-secondary" disabled={!props.hasNext} onClick={props.onNext}>
        Berikutnya
      </button>
    </nav>
  );
}

/**
 * A table that scrolls sideways on a narrow screen (`.table-wrap`), reachable by keyboard: a region
 * (a named section) with a tab stop, so arrow keys can scroll it when it holds nothing else to focus
 * (axe's scrollable-region-focusable).
 */
export function ScrollTable({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take the focus to scroll by keyboard.
    <section class="table-wrap" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}

/** One fact of a `<dl class="facts">`: its label and its value. */
export function Fact({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/**
 * The options of a kabupaten/kota select: `none` first (the empty value: "Pilih…", "Semua"), then
 * the 13 kabupaten and the kota in Kemendagri order, by name.
 */
export function RegionOptions({ none }: { none: string }) {
  return (
    <>
      <option value="">{none}</option>
      {REGIONS.map((entry) => (
        <option key={entry.code} value={entry.code}>
          {entry.name}
        </option>
      ))}
    </>
  );
}

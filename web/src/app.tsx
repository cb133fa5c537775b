import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { currentSession, forgetSession, type Session, signIn, signOut } from './auth.ts';
import { type ConsoleConfig, loadConfig } from './config.ts';
import { Loading, Problem } from './page.tsx';
import { CallbackPage, NotFoundPage, SignInPage, WhoAmIPage } from './pages.tsx';
import { useRoute } from './router.ts';
import { SignedInProvider } from './session.tsx';
import { VerifyPage } from './verify.tsx';

type ConfigState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly config: ConsoleConfig }
  | { readonly kind: 'failed' };

export function App() {
  const route = useRoute();
  const [state, setState] = useState<ConfigState>({ kind: 'loading' });
  const [session, setSession] = useState<Session | undefined>(() => currentSession());
  const [expired, setExpired] = useState(false);
  const expire = useCallback(() => {
    forgetSession();
    setSession(undefined);
    setExpired(true);
  }, []);

  useEffect(() => {
    loadConfig().then(
      (config) => setState({ kind: 'ready', config }),
      () => setState({ kind: 'failed' }),
    );
  }, []);

  const config = state.kind === 'ready' ? state.config : undefined;
  // The verification page is public and needs no sign-in: no account controls there.
  const showAccount = route.page !== 'verify' && config !== undefined;

  let content: JSX.Element;
  if (route.page === 'verify') {
    content = config ? <VerifyPage config={config} code={route.code} /> : <Waiting state={state} />;
  } else if (config === undefined) {
    content = <Waiting state={state} />;
  } else if (route.page === 'callback') {
    content = <CallbackPage config={config} onSignedIn={() => setSession(currentSession())} />;
  } else if (route.page === 'not-found') {
    content = <NotFoundPage />;
  } else if (session === undefined) {
    content = <SignInPage expired={expired} onSignIn={() => signIn(config)} />;
  } else {
    content = (
      <SignedInProvider config={config} session={session} onExpired={expire}>
        <WhoAmIPage />
      </SignedInProvider>
    );
  }

  return (
    <>
      <a class="skip" href="#isi">
        Langsung ke isi
      </a>
      <header class="bar">
        <a class="brand" href="/">
          <span class="brand-mark">KHBS</span>
          <span class="brand-text">Kartu Huma Betang Sejahtera · Bantuan Keuangan Khusus</span>
        </a>
        {showAccount && session !== undefined ? (
          <button
            type="button"
            class="button button-quiet"
            onClick={() => {
              setSession(undefined);
              void signOut(config);
            }}
          >
            Keluar
          </button>
        ) : null}
      </header>
      <main id="isi">{content}</main>
      <footer class="foot">
        <p>Pemerintah Provinsi Kalimantan Tengah · Waktu ditampilkan dalam WIB</p>
      </footer>
    </>
  );
}

function Waiting({ state }: { state: ConfigState }) {
  return state.kind === 'failed' ? (
    <Problem title="Konsol tidak dapat dimuat">
      <p>Pengaturan konsol tidak terbaca. Muat ulang halaman ini, atau hubungi admin bila terus terjadi.</p>
    </Problem>
  ) : (
    <Loading label="Memuat…" />
  );
}

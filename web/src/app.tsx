import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { currentSession, forgetSession, type Session, signIn, signOut } from './auth.ts';
import { type ConsoleConfig, loadConfig } from './config.ts';
import { lazyScreen } from './lazy.tsx';
import { Nav } from './nav.tsx';
import { Loading, Problem } from './page.tsx';
import { CallbackPage, NotFoundPage, SignInPage, WhoAmIPage } from './pages.tsx';
import { followLink, type Route, useRoute } from './router.ts';
import { AuditPage, AuditTrailPage } from './screens/audit.tsx';
import { CardsPage } from './screens/cards.tsx';
import { DecreePage, DecreesPage } from './screens/decrees.tsx';
import { ExclusionListsPage, FamilyDataPage, FamilyImportPage, SnapshotPage } from './screens/families.tsx';
import { FamilyPage, FamilySearchPage } from './screens/family-search.tsx';
import { ProposalPage } from './screens/proposal.tsx';
import { ProposalsPage } from './screens/proposals.tsx';
import { RecipientsPage } from './screens/recipients.tsx';
import { ReconciliationPage, ReconciliationsPage } from './screens/reconciliation.tsx';
import { TahapListPage, TahapPage } from './screens/tahap.tsx';
import { UploadPage, UploadResultPage } from './screens/upload.tsx';
import { RelawanVervalPage, TahapVervalPage, VervalImportPage } from './screens/verval.tsx';
import { SignedInProvider } from './session.tsx';
import { VerifyPage } from './verify.tsx';
import { VerifyCardPage } from './verify-card.tsx';
import { identityOf } from './who.ts';

// Opened by few, and only after the screens above: each a chunk of its own, loaded when first opened.
const TahapDistributionPage = lazyScreen(() =>
  import('./screens/distribution-detail.tsx').then((module) => module.TahapDistributionPage),
);
const TahapDashboardPage = lazyScreen(() =>
  import('./screens/dashboard.tsx').then((module) => module.TahapDashboardPage),
);
const PublicationPage = lazyScreen(() =>
  import('./publication.tsx').then((module) => module.PublicationPage),
);
const complaints = () => import('./screens/complaints.tsx');
const PublicComplaintPage = lazyScreen(() => complaints().then((module) => module.PublicComplaintPage));
const ComplaintsPage = lazyScreen(() => complaints().then((module) => module.ComplaintsPage));
const ComplaintPage = lazyScreen(() => complaints().then((module) => module.ComplaintPage));
const RelawanFieldPage = lazyScreen(
  () => import('./screens/relawan.tsx').then((module) => module.RelawanFieldPage),
  'Membuka halaman lapangan…',
);

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
  const showAccount =
    route.page !== 'verify' &&
    route.page !== 'verify-card' &&
    route.page !== 'complaint-public' &&
    route.page !== 'publication' &&
    config !== undefined;

  let content: JSX.Element;
  if (route.page === 'verify') {
    content = config ? <VerifyPage config={config} code={route.code} /> : <Waiting state={state} />;
  } else if (route.page === 'verify-card') {
    // A card's printed QR code opens this page: public, like the decree's.
    content = config ? <VerifyCardPage config={config} code={route.code} /> : <Waiting state={state} />;
  } else if (route.page === 'complaint-public') {
    // The complaint form is public too: a citizen needs no account.
    content = config ? <PublicComplaintPage config={config} /> : <Waiting state={state} />;
  } else if (route.page === 'publication') {
    // A desa's published KPM list is public: citizens read it and object without an account.
    content = config ? (
      <PublicationPage config={config} publicationId={route.publicationId} />
    ) : (
      <Waiting state={state} />
    );
  } else if (config === undefined) {
    content = <Waiting state={state} />;
  } else if (route.page === 'callback') {
    content = <CallbackPage config={config} onSignedIn={() => setSession(currentSession())} />;
  } else if (route.page === 'not-found') {
    content = <NotFoundPage />;
  } else if (session === undefined) {
    // A session that expired on a page comes back to it once signed in again (the relawan's field
    // page then sends the records it kept).
    const returnTo = expired ? `${location.pathname}${location.search}` : '/';
    content = <SignInPage expired={expired} onSignIn={() => signIn(config, returnTo)} />;
  } else {
    const identity = identityOf(session.claims);
    content = (
      <SignedInProvider config={config} session={session} onExpired={expire}>
        {identity.ok ? <Nav capabilities={[...identity.scope.capabilities]} route={route} /> : null}
        <SignedInScreen route={route} />
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
      {/* Links inside the console move between screens without reloading the app. */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: a click on a link; the keyboard follows links natively (Enter is a click). */}
      <main id="isi" onClick={followLink}>
        {content}
      </main>
      <footer class="foot">
        <p>Pemerintah Provinsi Kalimantan Tengah · Waktu ditampilkan dalam WIB</p>
      </footer>
    </>
  );
}

/** The signed-in screen a route names (the routes without sign-in are handled above). */
function SignedInScreen({ route }: { route: Route }) {
  switch (route.page) {
    case 'proposals':
      return <ProposalsPage />;
    case 'proposal':
      return <ProposalPage proposalId={route.proposalId} />;
    case 'recipients':
      return <RecipientsPage proposalId={route.proposalId} />;
    case 'upload':
      return <UploadPage />;
    case 'upload-result':
      return <UploadResultPage uploadId={route.uploadId} />;
    case 'decrees':
      return <DecreesPage />;
    case 'decree':
      return <DecreePage decreeId={route.decreeId} />;
    case 'audit':
      return <AuditPage />;
    case 'audit-trail':
      return <AuditTrailPage proposalId={route.proposalId} />;
    case 'reconciliations':
      return <ReconciliationsPage />;
    case 'reconciliation':
      return <ReconciliationPage runId={route.runId} />;
    case 'family-data':
      return <FamilyDataPage />;
    case 'family-import':
      return <FamilyImportPage importId={route.importId} />;
    case 'snapshot':
      return <SnapshotPage region={route.region} versionDate={route.versionDate} />;
    case 'exclusion-lists':
      return <ExclusionListsPage />;
    case 'tahap-list':
      return <TahapListPage />;
    case 'tahap':
      return <TahapPage tahapId={route.tahapId} />;
    case 'tahap-verval':
      return <TahapVervalPage tahapId={route.tahapId} />;
    case 'verval':
      return <RelawanVervalPage />;
    case 'verval-import':
      return <VervalImportPage tahapId={route.tahapId} importId={route.importId} />;
    case 'family-search':
      return <FamilySearchPage />;
    case 'family':
      return <FamilyPage familyId={route.familyId} />;
    case 'complaints':
      return <ComplaintsPage />;
    case 'complaint':
      return <ComplaintPage complaintId={route.complaintId} />;
    case 'cards':
      return <CardsPage />;
    case 'tahap-distribution':
      return <TahapDistributionPage tahapId={route.tahapId} />;
    case 'field':
      // Loaded when first opened: only a relawan's phone needs it, and the first load stays small.
      return <RelawanFieldPage />;
    case 'tahap-dashboard':
      return <TahapDashboardPage tahapId={route.tahapId} />;
    default:
      return <WhoAmIPage />;
  }
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

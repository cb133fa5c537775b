import { PageTitle } from '../page.tsx';

export function ReconciliationsPage() {
  return <PageTitle title="Rekonsiliasi">Rekonsiliasi</PageTitle>;
}

export function ReconciliationPage({ runId }: { runId: string }) {
  return <PageTitle title="Rekonsiliasi">Rekonsiliasi {runId}</PageTitle>;
}

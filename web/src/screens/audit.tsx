import { PageTitle } from '../page.tsx';

export function AuditPage() {
  return <PageTitle title="Jejak audit">Jejak audit</PageTitle>;
}

export function AuditTrailPage({ proposalId }: { proposalId: string }) {
  return <PageTitle title="Jejak audit">Jejak audit {proposalId}</PageTitle>;
}

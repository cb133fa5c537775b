import { PageTitle } from '../page.tsx';

export function ProposalPage({ proposalId }: { proposalId: string }) {
  return <PageTitle title="Usulan">Usulan {proposalId}</PageTitle>;
}

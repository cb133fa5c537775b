import { PageTitle } from '../page.tsx';

export function RecipientsPage({ proposalId }: { proposalId: string }) {
  return <PageTitle title="Daftar penerima">Daftar penerima {proposalId}</PageTitle>;
}

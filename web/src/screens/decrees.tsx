import { PageTitle } from '../page.tsx';

export function DecreesPage() {
  return <PageTitle title="SK Gubernur">SK Gubernur</PageTitle>;
}

export function DecreePage({ decreeId }: { decreeId: string }) {
  return <PageTitle title="SK Gubernur">SK {decreeId}</PageTitle>;
}

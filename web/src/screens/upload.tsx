import { PageTitle } from '../page.tsx';

export function UploadPage() {
  return <PageTitle title="Unggah berkas">Unggah berkas</PageTitle>;
}

export function UploadResultPage({ uploadId }: { uploadId: string }) {
  return <PageTitle title="Hasil unggahan">Hasil unggahan {uploadId}</PageTitle>;
}

import type { Capability } from '#shared/http/caller.ts';
import type { Route } from './router.ts';

/**
 * The console's sections, each shown to the roles whose capabilities can use it: the menu is a
 * convenience, never the control (the API refuses what a role may not do, whatever the console shows).
 */
interface Section {
  readonly label: string;
  /** What the section is for, on the home page. */
  readonly description: string;
  readonly href: string;
  readonly needs: Capability;
  /** Not shown to a role that also holds this one (it reaches the same work through that section). */
  readonly unless?: Capability;
  /** The pages that belong to this section (the menu marks it as current there). */
  readonly pages: readonly Route['page'][];
}

export const SECTIONS: readonly Section[] = [
  {
    label: 'Usulan',
    description: 'Daftar usulan per kabupaten/kota, periode dan status; antrean verifikasi dan persetujuan.',
    href: '/usulan',
    needs: 'proposals:read',
    pages: ['proposals', 'proposal', 'recipients'],
  },
  {
    label: 'Unggah berkas',
    description: 'Kirim berkas daftar penerima (CSV atau Excel) dan lihat hasil impornya baris demi baris.',
    href: '/unggah',
    needs: 'uploads:create',
    pages: ['upload', 'upload-result'],
  },
  {
    label: 'Data keluarga',
    description:
      'Snapshot DTSEN per kabupaten/kota (berkas keluarga dan anggota), hasil impornya, daftar pengecualian program lain (PKH, BPNT, BLT Dana Desa), dan unggah berkas baru.',
    href: '/data-keluarga',
    needs: 'imports:read',
    pages: ['family-data', 'family-import', 'snapshot', 'exclusion-lists'],
  },
  {
    label: 'Tahap',
    description:
      'Tahap penyaluran KHBS: besaran bantuan, rentang desil, snapshot, dan hasil pemeriksaan kelayakan keluarga.',
    href: '/tahapan',
    needs: 'tahap:read',
    pages: ['tahap-list', 'tahap', 'tahap-verval', 'verval-import', 'tahap-distribution'],
  },
  {
    label: 'Kartu KHBS',
    description:
      'Berkas cetak kartu untuk percetakan, serta blokir atau ganti kartu yang hilang, rusak atau disalahgunakan.',
    href: '/kartu',
    needs: 'distribution:manage',
    pages: ['cards'],
  },
  {
    label: 'Cari keluarga',
    description:
      'Cari keluarga lewat NIK, nomor KK, atau nama kepala keluarga di sebuah desa, lalu lihat riwayatnya: snapshot DTSEN, hasil tiap tahap, dan verval. Setiap pembacaan dicatat.',
    href: '/keluarga',
    needs: 'families:read',
    pages: ['family-search', 'family'],
  },
  {
    label: 'Verval lapangan',
    description:
      'Desa yang ditugaskan kepada Anda: unduh lembar verval, unggah hasil kunjungan, dan lihat kemajuannya.',
    href: '/verval',
    needs: 'verval:work',
    // Operators and admins work verval from the tahap's page (Tahap › Verval).
    unless: 'tahap:read',
    pages: ['verval', 'verval-import'],
  },
  {
    label: 'Pengaduan',
    description:
      'Pengaduan warga dan sanggahan: antrean per kabupaten/kota, batas jawaban, penugasan, jawaban dan penutupan.',
    href: '/pengaduan',
    needs: 'complaints:read',
    pages: ['complaints', 'complaint'],
  },
  {
    label: 'SK Gubernur',
    description: 'Keputusan yang telah diterbitkan: nomor, tanggal, status, jumlah, dan dokumen PDF-nya.',
    href: '/sk',
    needs: 'decrees:read',
    pages: ['decrees', 'decree'],
  },
  {
    label: 'Rekonsiliasi',
    description: 'Pencocokan penyaluran bank dengan SK yang berlaku: temuan per SK dan laporan.',
    href: '/rekonsiliasi',
    needs: 'reconciliations:read',
    pages: ['reconciliations', 'reconciliation'],
  },
  {
    label: 'Jejak audit',
    description: 'Riwayat setiap tindakan atas sebuah usulan, dengan pemeriksaan keutuhan rantainya.',
    href: '/jejak-audit',
    needs: 'audit:read',
    pages: ['audit', 'audit-trail'],
  },
];

/** The sections a user with these capabilities can use. */
export const sectionsFor = (capabilities: readonly Capability[]): readonly Section[] =>
  SECTIONS.filter(
    (section) =>
      capabilities.includes(section.needs) &&
      (section.unless === undefined || !capabilities.includes(section.unless)),
  );

export function Nav({ capabilities, route }: { capabilities: readonly Capability[]; route: Route }) {
  const sections = sectionsFor(capabilities);
  return (
    <nav class="menu" aria-label="Menu utama">
      <ul>
        <li>
          <a href="/" aria-current={route.page === 'home' ? 'page' : undefined}>
            Beranda
          </a>
        </li>
        {sections.map((section) => (
          <li key={section.href}>
            <a href={section.href} aria-current={section.pages.includes(route.page) ? 'page' : undefined}>
              {section.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

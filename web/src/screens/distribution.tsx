import { COMPONENTS } from '#shared/domain/family/tahap.ts';
import { componentTotals } from '../card-words.ts';
import { regionLabel } from '../family-words.ts';
import { formatDateTime, formatNumber, formatRupiah } from '../format.ts';
import { pathTo } from '../router.ts';
import { useSignedIn } from '../session.tsx';
import { ScrollTable, Show, useApi } from '../ui.tsx';
import './cards.css';

/** The components' short names, as a table's column headings. */
const COMPONENT_SHORT = { TUNAI: 'Tunai', PANGAN: 'Pangan' } as const;

/**
 * The tahap page's "Penyaluran" (`GET /tahap/{id}/distribution`): each kabupaten whose KPM decree
 * opened its distribution, with the decree, its families, what they are owed per component, and
 * its cards (numbered now, kept from an earlier tahap, blocked). An operator sees their own.
 */
export function DistributionSection({ tahapId }: { tahapId: string }) {
  const { state } = useApi('GetDistribution', { params: { tahapId } });
  const mayManage = useSignedIn().scope?.capabilities.has('distribution:manage') ?? false;
  return (
    <section class="part" aria-labelledby="judul-penyaluran" data-testid="penyaluran">
      <h2 id="judul-penyaluran">Penyaluran</h2>
      <Show state={state} label="Memuat penyaluran…">
        {(view) =>
          view.items.length === 0 ? (
            <p class="empty" data-testid="penyaluran-kosong">
              Penyaluran tahap ini belum dibuka. Penyaluran sebuah kabupaten/kota dibuka setelah SK Gubernur
              penetapan KPM-nya terbit: setiap keluarga mendapat nomor kartu dan hak bantuannya dicatat.
            </p>
          ) : (
            <>
              <p class="muted">
                Dibuka oleh SK Gubernur penetapan KPM tiap kabupaten/kota. Kartu baru menunggu dicetak
                {mayManage ? (
                  <>
                    {' '}
                    (berkasnya ada di menu <a href={pathTo.cards()}>Kartu KHBS</a>)
                  </>
                ) : null}
                ; keluarga yang sudah memegang kartu aktif dari tahap sebelumnya tetap memakainya.
              </p>
              <p>
                <a href={pathTo.tahapDashboard(tahapId)} data-testid="tautan-dasbor">
                  Dasbor penyaluran per kabupaten, kecamatan dan desa
                </a>
              </p>
              <ScrollTable label="Penyaluran per kabupaten/kota">
                <table class="table" data-testid="tabel-penyaluran">
                  <thead>
                    <tr>
                      <th scope="col">Kabupaten/kota</th>
                      <th scope="col">SK Gubernur</th>
                      <th scope="col" class="num">
                        Keluarga
                      </th>
                      {COMPONENTS.map((component) => (
                        <th key={component} scope="col" class="num">
                          {COMPONENT_SHORT[component]}
                        </th>
                      ))}
                      <th scope="col" class="num">
                        Jumlah
                      </th>
                      <th scope="col" class="num">
                        Kartu baru
                      </th>
                      <th scope="col" class="num">
                        Kartu lama
                      </th>
                      <th scope="col" class="num">
                        Kartu diblokir
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {view.items.map((record) => {
                      const { byComponent, total } = componentTotals(record.byComponent);
                      const open = record.status === 'OPEN';
                      return (
                        <tr key={record.region} data-region={record.region} data-status={record.status}>
                          <th scope="row">
                            {regionLabel(record.region)}
                            <br />
                            <a
                              href={pathTo.tahapDistribution(tahapId, { kabupaten: record.region })}
                              data-testid="rincian-penyaluran"
                            >
                              Rekening, pembayaran, dan pangan
                            </a>
                          </th>
                          <td>
                            <a href={pathTo.decree(record.decreeId)} data-testid="sk-penyaluran">
                              {record.decreeNumber}
                            </a>
                            <br />
                            <span class="muted">
                              {open && record.openedAt !== undefined
                                ? `dibuka ${formatDateTime(record.openedAt)}`
                                : 'sedang dibuka…'}
                            </span>
                          </td>
                          <td class="num" data-testid="keluarga-penyaluran">
                            {record.families === undefined ? '–' : formatNumber(record.families)}
                          </td>
                          {COMPONENTS.map((component) => {
                            const entry = byComponent[component];
                            return (
                              <td key={component} class="num" data-component={component}>
                                {entry === undefined ? (
                                  '–'
                                ) : (
                                  <>
                                    {formatNumber(entry.count)} KPM
                                    <br />
                                    {formatRupiah(entry.amount)}
                                  </>
                                )}
                              </td>
                            );
                          })}
                          <td class="num" data-testid="jumlah-penyaluran">
                            {record.byComponent === undefined ? '–' : formatRupiah(total)}
                          </td>
                          <td class="num" data-testid="kartu-baru">
                            {record.cards === undefined ? '–' : formatNumber(record.cards.issued)}
                          </td>
                          <td class="num" data-testid="kartu-lama">
                            {record.cards === undefined ? '–' : formatNumber(record.cards.kept)}
                          </td>
                          <td class="num" data-testid="kartu-diblokir">
                            {record.cards === undefined ? '–' : formatNumber(record.cards.blocked)}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </ScrollTable>
            </>
          )
        }
      </Show>
    </section>
  );
}

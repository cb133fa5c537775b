import { formatRupiah } from '../format.ts';

/**
 * Paid against expected as horizontal bars, drawn as inline SVG (no chart library: the first-load
 * budget). Each bar: what should be paid as a grey track, what was paid over it; more than expected
 * shows in red past the track. A screen reader gets the figures twice over: the picture's
 * `aria-label`, and the same numbers in a table it can walk cell by cell.
 */
export interface Bar {
  readonly key: string;
  readonly label: string;
  readonly expected: number;
  readonly paid: number;
}

/** Drawing units (the SVG scales to the width it is given, up to the CSS's max-width). */
const WIDTH = 480;
const ROW = 62;
const BAR_TOP = 20;
const BAR_HEIGHT = 16;

/**
 * What the bars measure. By default Rupiah paid against expected; a count (families with a reason
 * among the families of a place) says so with its own words.
 */
export interface BarWords {
  /** `dibayar dibanding seharusnya`. */
  readonly comparison: string;
  /** The table's headings of `expected` and `paid`. */
  readonly expected: string;
  readonly paid: string;
  readonly format: (value: number) => string;
}

const RUPIAH_WORDS: BarWords = {
  comparison: 'dibayar dibanding seharusnya',
  expected: 'Seharusnya dibayar',
  paid: 'Dibayar',
  format: formatRupiah,
};

export function BarChart({
  title,
  bars,
  testId,
  words = RUPIAH_WORDS,
}: {
  title: string;
  bars: readonly Bar[];
  testId: string;
  words?: BarWords;
}) {
  const max = Math.max(1, ...bars.map((bar) => Math.max(bar.expected, bar.paid)));
  const scale = (amount: number) => (amount / max) * WIDTH;
  const sentence = (bar: Bar) =>
    `${words.format(bar.paid)} dari ${words.format(bar.expected)} (${percent(bar)})`;
  const summary = bars.map((bar) => `${bar.label}: ${sentence(bar)}`).join('; ');
  return (
    <figure class="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg
        class="chart-svg"
        role="img"
        aria-label={`${title}, ${words.comparison}. ${summary}.`}
        viewBox={`0 0 ${WIDTH} ${bars.length * ROW}`}
        preserveAspectRatio="xMinYMin meet"
      >
        {bars.map((bar, index) => {
          const y = index * ROW;
          const over = bar.paid > bar.expected;
          return (
            <g key={bar.key} data-bar={bar.key}>
              <text x={0} y={y + 14} class="chart-label">
                {bar.label}
              </text>
              <rect
                x={0}
                y={y + BAR_TOP}
                width={scale(bar.expected)}
                height={BAR_HEIGHT}
                class="chart-expected"
              />
              <rect
                x={0}
                y={y + BAR_TOP + 3}
                width={scale(Math.min(bar.paid, bar.expected))}
                height={BAR_HEIGHT - 6}
                class="chart-paid"
              />
              {over ? (
                <rect
                  x={scale(bar.expected)}
                  y={y + BAR_TOP + 3}
                  width={scale(bar.paid - bar.expected)}
                  height={BAR_HEIGHT - 6}
                  class="chart-over"
                />
              ) : null}
              <text x={0} y={y + BAR_TOP + BAR_HEIGHT + 16} class="chart-value">
                {sentence(bar)}
              </text>
            </g>
          );
        })}
      </svg>
      {/* Hidden in a box of its own: a table is never narrower than its cells, a div can be. */}
      <div class="sr-only">
        <table data-testid={`${testId}-tabel`}>
          <caption>
            {title}: {words.comparison}
          </caption>
          <thead>
            <tr>
              <th scope="col">Nama</th>
              <th scope="col">{words.expected}</th>
              <th scope="col">{words.paid}</th>
              <th scope="col">Persen</th>
            </tr>
          </thead>
          <tbody>
            {bars.map((bar) => (
              <tr key={bar.key}>
                <th scope="row">{bar.label}</th>
                <td>{words.format(bar.expected)}</td>
                <td>{words.format(bar.paid)}</td>
                <td>{percent(bar)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

function percent(bar: Bar): string {
  if (bar.expected === 0) return bar.paid === 0 ? '—' : 'tanpa dasar SK';
  return `${((bar.paid / bar.expected) * 100).toLocaleString('id-ID', { maximumFractionDigits: 1 })}%`;
}

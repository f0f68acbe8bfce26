// Transfer volume over time as an inline SVG bar chart (no chart library): one bar per bucket, scaled to the largest,
// with a text summary and a data table for screen readers and exact numbers.
import type { Volume } from '../types';

const W = 720;
const H = 220;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

type Point = Volume['points'][number];

/** Every bucket of the range, in order: the API omits empty ones, but a time axis must not skip them. */
function allBuckets(volume: Volume): Point[] {
  const unit = volume.bucket === 'hour' ? 3600_000 : 86400_000;
  const byStart = new Map(volume.points.map((p) => [Date.parse(p.start), p]));
  const out: Point[] = [];
  const from = Date.parse(volume.from);
  const to = Date.parse(volume.to);
  for (let t = Math.floor(from / unit) * unit; t < to && out.length < 400; t += unit) {
    out.push(byStart.get(t) ?? { start: new Date(t).toISOString(), count: 0, amount: '0', amount_minor: '0' });
  }
  return out;
}

export function VolumeChart({ volume, metric }: { volume: Volume; metric: 'amount' | 'count' }) {
  const points = allBuckets(volume);
  // Bar heights only: the exact amounts are in each bar's title and the summary, as the API's decimal strings.
  const values = points.map((p) => (metric === 'count' ? p.count : Number(p.amount)));
  const max = Math.max(0, ...values);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const n = Math.max(1, points.length);
  const slot = innerW / n;
  const bar = Math.max(1, Math.min(40, slot * 0.7));
  const label = (iso: string) => (volume.bucket === 'day' ? iso.slice(5, 10) : iso.slice(11, 16));
  const every = Math.ceil(n / 8);
  const total = metric === 'count' ? values.reduce((a, b) => a + b, 0) : null;
  const summary =
    volume.points.length === 0
      ? `No posted ${volume.asset} transfers in this range.`
      : `${volume.points.length} ${volume.bucket}${volume.points.length === 1 ? '' : 's'} with transfers; the busiest ${metric === 'count' ? `had ${max} transfer${max === 1 ? '' : 's'}` : `moved ${max} ${volume.asset}`}${total !== null ? `; ${total} in all` : ''}.`;
  return (
    <figure className="chart-figure">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Transfer volume of ${volume.asset} per ${volume.bucket}. ${summary}`}>
        <line className="axis" x1={PAD.left} y1={PAD.top + innerH} x2={W - PAD.right} y2={PAD.top + innerH} />
        <line className="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={PAD.top + innerH} />
        <text x={PAD.left - 6} y={PAD.top + 10} textAnchor="end">
          {max}
        </text>
        <text x={PAD.left - 6} y={PAD.top + innerH} textAnchor="end">
          0
        </text>
        {points.map((p, i) => {
          const v = values[i] ?? 0;
          const h = max > 0 ? (v / max) * innerH : 0;
          const x = PAD.left + i * slot + (slot - bar) / 2;
          return (
            <g key={p.start}>
              {v > 0 ? (
                <rect className="bar" x={x} y={PAD.top + innerH - Math.max(h, 1)} width={bar} height={Math.max(h, 1)} rx={2}>
                  <title>{`${p.start}: ${p.count} transfers, ${p.amount} ${volume.asset}`}</title>
                </rect>
              ) : null}
              {i % every === 0 ? (
                <text x={x + bar / 2} y={H - 8} textAnchor="middle">
                  {label(p.start)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">{summary}</figcaption>
    </figure>
  );
}

import { useId } from "react";
import type { PurseHistoryView } from "../../../shared/commands/views";
import type { Currency } from "../../../shared/money/currency";
import { moneyText, timeText } from "../../ui";

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { left: 78, right: 12, top: 12, bottom: 28 };

/** A text version of the chart, for screen readers and for anyone who wants the numbers. */
export function historySummary(history: PurseHistoryView, currencies: readonly Currency[]): string {
  const points = history.points;
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return `No ${history.currency} entries yet.`;
  const money = (minor: number) => moneyText(minor, history.currency, currencies);
  const high = points.reduce((best, point) => (point.balance > best.balance ? point : best), first);
  const low = points.reduce((best, point) => (point.balance < best.balance ? point : best), first);
  return `${history.currency}: ${money(first.balance)} on ${timeText(first.at, false)}, ${money(last.balance)} on ${timeText(last.at, false)}; highest ${money(high.balance)}, lowest ${money(low.balance)}.`;
}

/** The purse balance of one currency over time: a hand-drawn SVG line with its range on the axes. */
export function BalanceChart({ history, currencies }: { history: PurseHistoryView; currencies: readonly Currency[] }) {
  const summaryId = useId();
  const points = history.points;
  const summary = historySummary(history, currencies);
  if (points.length === 0) return <p className="muted">{summary}</p>;

  const times = points.map((point) => point.at);
  const balances = points.map((point) => point.balance);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  // Zero is always on the scale, so a purse that never dips still reads from nothing upwards.
  const low = Math.min(0, ...balances);
  const high = Math.max(0, ...balances);
  const x = (at: number) => PAD.left + (t1 === t0 ? (WIDTH - PAD.left - PAD.right) / 2 : ((at - t0) / (t1 - t0)) * (WIDTH - PAD.left - PAD.right));
  const y = (balance: number) =>
    PAD.top + (high === low ? (HEIGHT - PAD.top - PAD.bottom) / 2 : ((high - balance) / (high - low)) * (HEIGHT - PAD.top - PAD.bottom));
  // A step line: the balance holds until the next entry changes it.
  const line = points.flatMap((point, index) => {
    const here = `${x(point.at).toFixed(1)},${y(point.balance).toFixed(1)}`;
    const previous = points[index - 1];
    return previous ? [`${x(point.at).toFixed(1)},${y(previous.balance).toFixed(1)}`, here] : [here];
  });
  const money = (minor: number) => moneyText(minor, history.currency, currencies);

  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Purse balance of ${history.currency} over time`}
        aria-describedby={summaryId}
        preserveAspectRatio="xMidYMid meet"
      >
        <line className="chart__axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} />
        <line className="chart__axis" x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={HEIGHT - PAD.bottom} />
        <text className="chart__label" x={PAD.left - 6} y={y(high) + 4} textAnchor="end">
          {money(high)}
        </text>
        {low !== high ? (
          <text className="chart__label" x={PAD.left - 6} y={y(low) + 4} textAnchor="end">
            {money(low)}
          </text>
        ) : null}
        <text className="chart__label" x={PAD.left} y={HEIGHT - 8} textAnchor="start">
          {timeText(t0, false)}
        </text>
        {t1 !== t0 ? (
          <text className="chart__label" x={WIDTH - PAD.right} y={HEIGHT - 8} textAnchor="end">
            {timeText(t1, false)}
          </text>
        ) : null}
        <polyline className="chart__line" points={line.join(" ")} />
        {points.length === 1 ? <circle className="chart__dot" cx={x(t0)} cy={y(points[0]!.balance)} r={4} /> : null}
      </svg>
      <figcaption id={summaryId} className="muted small">
        {summary}
      </figcaption>
    </figure>
  );
}

import { useId } from "react";
import type { PurseHistoryView } from "../../../shared/commands/views";
import type { Currency } from "../../../shared/money/currency";
import { moneyText, timeText } from "../../ui";

const WIDTH = 640;
const HEIGHT = 200;
/** The left margin is made to fit the longest balance label (11px text, ~6.6 units a character, wider than most). */
const PAD = { right: 12, top: 12, bottom: 28 };
const CHARACTER = 6.6;
const leftFor = (labels: readonly string[]) => Math.min(WIDTH / 2, Math.max(48, 10 + CHARACTER * Math.max(...labels.map((label) => label.length))));
const clock = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

/** The x axis's two ends: a day's history by the time of day (both ends of one day read the same as dates), longer spans by date. */
function axisEnds(t0: number, t1: number): [string, string] {
  if (new Date(t0).toDateString() === new Date(t1).toDateString()) return [timeText(t0, true), clock.format(new Date(t1))];
  return [timeText(t0, false), timeText(t1, false)];
}

/** A text version of the chart, for screen readers and for anyone who wants the numbers. */
export function historySummary(history: PurseHistoryView, currencies: readonly Currency[], whose?: string): string {
  const points = history.points;
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return whose ? `No ${history.currency} entries of ${whose}'s yet.` : `No ${history.currency} entries yet.`;
  const money = (minor: number) => moneyText(minor, history.currency, currencies);
  const high = points.reduce((best, point) => (point.balance > best.balance ? point : best), first);
  const low = points.reduce((best, point) => (point.balance < best.balance ? point : best), first);
  return `${whose ? `${whose}'s standing in ${history.currency}` : history.currency}: ${money(first.balance)} on ${timeText(first.at, false)}, ${money(last.balance)} on ${timeText(last.at, false)}; highest ${money(high.balance)}, lowest ${money(low.balance)}.`;
}

/** The purse balance of one currency over time, or one member's standing (`whose`): a hand-drawn SVG line with its range on the axes. */
export function BalanceChart({ history, currencies, whose }: { history: PurseHistoryView; currencies: readonly Currency[]; whose?: string | undefined }) {
  const summaryId = useId();
  const points = history.points;
  const summary = historySummary(history, currencies, whose);
  if (points.length === 0) return <p className="muted">{summary}</p>;

  const times = points.map((point) => point.at);
  const balances = points.map((point) => point.balance);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  // Zero is always on the scale, so a purse that never dips still reads from nothing upwards.
  const low = Math.min(0, ...balances);
  const high = Math.max(0, ...balances);
  const money = (minor: number) => moneyText(minor, history.currency, currencies);
  const left = leftFor([money(high), money(low)]);
  const [start, end] = axisEnds(t0, t1);
  const x = (at: number) => left + (t1 === t0 ? (WIDTH - left - PAD.right) / 2 : ((at - t0) / (t1 - t0)) * (WIDTH - left - PAD.right));
  const y = (balance: number) =>
    PAD.top + (high === low ? (HEIGHT - PAD.top - PAD.bottom) / 2 : ((high - balance) / (high - low)) * (HEIGHT - PAD.top - PAD.bottom));
  // A step line: the balance holds until the next entry changes it.
  const line = points.flatMap((point, index) => {
    const here = `${x(point.at).toFixed(1)},${y(point.balance).toFixed(1)}`;
    const previous = points[index - 1];
    return previous ? [`${x(point.at).toFixed(1)},${y(previous.balance).toFixed(1)}`, here] : [here];
  });

  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={whose ? `${whose}'s standing in ${history.currency} over time` : `Purse balance of ${history.currency} over time`}
        aria-describedby={summaryId}
        preserveAspectRatio="xMidYMid meet"
      >
        <line className="chart__axis" x1={left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} />
        <line className="chart__axis" x1={left} x2={left} y1={PAD.top} y2={HEIGHT - PAD.bottom} />
        <text className="chart__label" x={left - 6} y={y(high) + 4} textAnchor="end">
          {money(high)}
        </text>
        {low !== high ? (
          <text className="chart__label" x={left - 6} y={y(low) + 4} textAnchor="end">
            {money(low)}
          </text>
        ) : null}
        <text className="chart__label" x={left} y={HEIGHT - 8} textAnchor="start">
          {start}
        </text>
        {t1 !== t0 ? (
          <text className="chart__label" x={WIDTH - PAD.right} y={HEIGHT - 8} textAnchor="end">
            {end}
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

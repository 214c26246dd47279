import type { Currency } from "../../shared/money/currency";
import { purseTotal, standingTotal, type PurseBreakdown, type StandingBreakdown } from "../../shared/purse/balances";
import { moneyText } from "./money";

type Line = [label: string, minor: number];

/** The purse's lines, signed as they add up: the same accounts as the journal export. */
export const purseLines = (b: PurseBreakdown): Line[] => [
  ["Put in by members", b.contributions],
  ["Paid to members", -b.paidToMembers],
  ["Paid to people outside the commune", -b.paidOutside],
  ["Received from partner communes", b.exchangedIn],
  ["Sent to partner communes", -b.exchangedOut],
];

/** A member's lines, signed as they add up. */
export const standingLines = (b: StandingBreakdown): Line[] => [
  ["Put into the purse", b.putIn],
  ["Paid to them from the purse", -b.drawn],
  ["Transferred to other members", -b.transferredAway],
  ["Received from other members", b.received],
];

/** What a standing is, in one sentence, wherever a breakdown of one is shown. */
export const STANDING_MEANS =
  "A standing is what a member put into the purse, minus what the purse paid them, minus what they transferred to other members, plus what others transferred to them. Payments to people outside the commune and exchanges with partner communes are the commune's, not a member's, so the standings need not add up to the purse.";

/**
 * "How this adds up": the lines behind a figure on screen, each with its
 * sign, and the total, which is the figure. Folded by default; opens from
 * the keyboard like any disclosure.
 */
export function HowItAddsUp({
  of,
  lines,
  total,
  code,
  currencies,
  explanation,
}: {
  /** What the figure is, for the table's name: "Ada's standing in EUR". */
  of: string;
  lines: readonly Line[];
  total: number;
  code: string;
  currencies: readonly Currency[];
  explanation?: string;
}) {
  const shown = lines.filter(([, minor]) => minor !== 0);
  const signed = (minor: number) => (minor > 0 ? `+${moneyText(minor, code, currencies)}` : moneyText(minor, code, currencies));
  return (
    <details className="adds-up">
      <summary>How this adds up</summary>
      {explanation ? <p className="muted small">{explanation}</p> : null}
      <table className="adds-up__table" aria-label={`How ${of} adds up`}>
        <tbody>
          {shown.length === 0 ? (
            <tr>
              <td colSpan={2} className="muted">
                Nothing counted yet.
              </td>
            </tr>
          ) : (
            shown.map(([label, minor]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td className="num">{signed(minor)}</td>
              </tr>
            ))
          )}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">= {of}</th>
            <td className="num adds-up__total">{moneyText(total, code, currencies)}</td>
          </tr>
        </tfoot>
      </table>
    </details>
  );
}

/** The purse's figure, explained. */
export function PurseAddsUp({ breakdown, code, currencies }: { breakdown: PurseBreakdown; code: string; currencies: readonly Currency[] }) {
  return <HowItAddsUp of={`the purse in ${code}`} lines={purseLines(breakdown)} total={purseTotal(breakdown)} code={code} currencies={currencies} />;
}

/** A member's standing, explained. */
export function StandingAddsUp({
  name,
  breakdown,
  code,
  currencies,
}: {
  name: string;
  breakdown: StandingBreakdown;
  code: string;
  currencies: readonly Currency[];
}) {
  return (
    <HowItAddsUp
      of={`${name}'s standing in ${code}`}
      lines={standingLines(breakdown)}
      total={standingTotal(breakdown)}
      code={code}
      currencies={currencies}
      explanation={STANDING_MEANS}
    />
  );
}

import type { CommuneView } from "../../../shared/commands/views";
import { moneyText, PurseAddsUp } from "../../ui";

/** Each currency's purse balance as the CLI writes it ("40.00 EUR"); the purse screen shows it too. */
export function PurseBalances({ view }: { view: CommuneView }) {
  const { currencies, purse, entries, purseBreakdown } = view.balances;
  return (
    <>
      <ul className="balance-list" aria-label="Purse balances">
        {currencies.map((currency) => (
          <li key={currency.code}>
            <div className="balance__amount">{moneyText(purse[currency.code] ?? 0, currency.code, currencies)}</div>
            <div className="balance__name">{currency.name}</div>
            {purseBreakdown?.[currency.code] ? <PurseAddsUp breakdown={purseBreakdown[currency.code]!} code={currency.code} currencies={currencies} /> : null}
          </li>
        ))}
      </ul>
      <p className="muted small">
        {entries.counted.toLocaleString()} counted {entries.counted === 1 ? "entry" : "entries"}
        {entries.overdrawn > 0 ? `, ${entries.overdrawn} overdrawn` : ""}
        {entries.untrusted > 0 ? `, ${entries.untrusted} untrusted` : ""}
      </p>
    </>
  );
}

import type { CommuneView } from "../../../shared/commands/views";
import { Button, Checkbox, Select, TextField } from "../../ui";
import { NO_FILTERS, dateRangeProblem, type LedgerFilters } from "./ledger-query";

/** Narrows the ledger by member, kind, currency, status and dates; the host does the filtering. */
export function LedgerFilterBar({ view, filters, onChange }: { view: CommuneView; filters: LedgerFilters; onChange(filters: LedgerFilters): void }) {
  const set = (change: Partial<LedgerFilters>) => onChange({ ...filters, ...change });
  const any = Object.entries(filters).some(([key, value]) => value !== NO_FILTERS[key as keyof LedgerFilters]);
  return (
    <div className="filters" role="search" aria-label="Ledger filters">
      <Select
        label="Filter by member"
        value={filters.member}
        onChange={(member) => set({ member })}
        options={[{ value: "", label: "Everyone" }, ...view.balances.members.map((member) => ({ value: member.key, label: member.name }))]}
      />
      <Select
        label="Filter by kind"
        value={filters.kind}
        onChange={(kind) => set({ kind: kind as LedgerFilters["kind"] })}
        options={[
          { value: "", label: "All kinds" },
          { value: "contribution", label: "Contributions" },
          { value: "disbursement", label: "Disbursements" },
          { value: "transfer", label: "Transfers" },
          { value: "exchange", label: "Exchanges" },
          { value: "void", label: "Voids" },
        ]}
      />
      <Select
        label="Filter by currency"
        value={filters.currency}
        onChange={(currency) => set({ currency })}
        options={[{ value: "", label: "All currencies" }, ...view.balances.currencies.map((currency) => ({ value: currency.code, label: currency.code }))]}
      />
      <Select
        label="Filter by status"
        value={filters.status}
        onChange={(status) => set({ status: status as LedgerFilters["status"] })}
        options={[
          { value: "", label: "Any status" },
          { value: "counted", label: "Counted" },
          { value: "overdrawn", label: "Overdrawn" },
          { value: "untrusted", label: "Untrusted" },
        ]}
      />
      <TextField label="From date" type="date" value={filters.from} onChange={(from) => set({ from })} />
      <TextField label="Until date" type="date" value={filters.until} onChange={(until) => set({ until })} error={dateRangeProblem(filters)} />
      <div className="filters__end">
        <Checkbox label="Oldest first" checked={filters.oldestFirst} onChange={(oldestFirst) => set({ oldestFirst })} />
        <Button variant="quiet" disabled={!any} onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </Button>
      </div>
    </div>
  );
}

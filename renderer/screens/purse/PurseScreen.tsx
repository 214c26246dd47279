import { useCallback, useState } from "react";
import type { LedgerRow } from "../../../shared/commands/views";
import { CorrectEntry } from "./CorrectEntry";
import { ProposeReversal } from "./ProposeReversal";
import { useView } from "../../link/hooks";
import { ErrorText, Notice, Panel, Select } from "../../ui";
import { ProvisionalNote } from "../home/ProvisionalNote";
import { PurseBalances } from "../home/PurseBalances";
import { BalanceChart } from "./BalanceChart";
import { ContributeForm, DisburseForm, TransferForm } from "./EntryForms";
import { Ledger } from "./Ledger";
import { LedgerFilterBar } from "./LedgerFilterBar";
import { NO_FILTERS, dateRangeProblem, ledgerQuery, type LedgerFilters } from "./ledger-query";
import { SnapshotPanel } from "./SnapshotPanel";

/** The common purse: balances, the three ways to write to it, its history, the full ledger, and export. */
export function PurseScreen({ communeId }: { communeId: string }) {
  const { value: view, error } = useView("commune.show", { commune: communeId });
  // Whose history the chart shows: the purse's, or one member's standing.
  const [whose, setWhose] = useState("");
  const history = useView("purse.history", { commune: communeId, points: 200, ...(whose ? { member: whose } : {}) });
  const [filters, setFilters] = useState<LedgerFilters>(NO_FILTERS);
  // The entry whose correction dialog is open.
  const [correcting, setCorrecting] = useState<LedgerRow>();
  const closeCorrection = useCallback(() => setCorrecting(undefined), []);
  // The payment a reversal is being proposed for.
  const [reversing, setReversing] = useState<LedgerRow>();
  const closeReversal = useCallback(() => setReversing(undefined), []);

  if (!view) return error ? <ErrorText error={error} /> : <p className="muted">Loading the purse…</p>;
  const currencies = view.balances.currencies;
  const whoseName = view.balances.members.find((member) => member.key === whose)?.name;
  const query = ledgerQuery(communeId, filters);

  return (
    <div className="stack">
      <div className="page-title">
        <h1>Purse</h1>
        {view.provisional ? (
          <span className="badge badge--info" role="status">
            loading…
          </span>
        ) : null}
      </div>
      <ErrorText error={error} />

      <Panel title="Balances">
        <PurseBalances view={view} />
        <ProvisionalNote view={view} />
      </Panel>

      {view.myStatus === "active" ? (
        <div className="entry-forms">
          <Panel title="Contribute" level={3}>
            <ContributeForm view={view} />
          </Panel>
          <Panel title="Transfer" level={3}>
            <TransferForm view={view} />
          </Panel>
          <Panel title="Disburse" level={3}>
            <DisburseForm view={view} />
          </Panel>
        </div>
      ) : (
        <Notice>Only active members write to the purse.</Notice>
      )}

      <Panel title="Balance over time">
        <Select
          label="Whose"
          className="chart-whose"
          value={whose}
          onChange={setWhose}
          options={[{ value: "", label: "The purse" }, ...view.balances.members.map((member) => ({ value: member.key, label: `${member.name}'s standing` }))]}
        />
        {history.value ? (
          history.value.every((line) => line.points.length === 0) ? (
            <p className="muted">
              {whoseName ? `Nothing has changed ${whoseName}'s standing yet.` : "Nothing in the purse yet: the chart starts with the first entry."}
            </p>
          ) : (
            <div className="charts">
              {history.value.map((line) => (
                <BalanceChart key={line.currency} history={line} currencies={currencies} whose={whoseName} />
              ))}
            </div>
          )
        ) : history.error ? (
          <ErrorText error={history.error} />
        ) : (
          <p className="muted">Loading the history…</p>
        )}
      </Panel>

      <Panel title="Ledger">
        <LedgerFilterBar view={view} filters={filters} onChange={setFilters} />
        {dateRangeProblem(filters) ? null : (
          <Ledger
            key={JSON.stringify(query)}
            query={query}
            currencies={currencies}
            reader={{ me: view.me, canWrite: view.myStatus === "active" && !view.readOnly, onCorrect: setCorrecting, onProposeReversal: setReversing }}
          />
        )}
        <CorrectEntry row={correcting} view={view} onClose={closeCorrection} />
        <ProposeReversal row={reversing} view={view} onClose={closeReversal} />
      </Panel>

      <SnapshotPanel communeId={communeId} communeName={view.name} />
    </div>
  );
}

import { useState } from "react";
import type { ProposalView } from "../../../shared/commands/views";
import { useView } from "../../link/hooks";
import { Button, EmptyState, ErrorText, Panel, Select, TextField } from "../../ui";
import { proposalShown, SHOW_OPTIONS, type ProposalShow } from "./proposal-filter";
import { NewProposalForm } from "./NewProposalForm";
import { ProposalCard } from "./ProposalCard";
import "./proposals.css";

/** The commune's proposals: the open ones to vote on, a form for a new one, and what was decided. */
export function ProposalsScreen({ communeId }: { communeId: string }) {
  const commune = useView("commune.show", { commune: communeId });
  const list = useView("proposal.list", { commune: communeId });
  const [showDecided, setShowDecided] = useState(true);
  const [show, setShow] = useState<ProposalShow>("all");
  const [search, setSearch] = useState("");
  const all: ProposalView[] = list.value ?? [];
  const proposals = all.filter((proposal) => proposalShown(proposal, show, search, commune.value?.me));
  const filtering = show !== "all" || search.trim() !== "";
  const open = proposals.filter((proposal) => proposal.outcome === "open");
  const decided = proposals.filter((proposal) => proposal.outcome !== "open");
  const view = commune.value;
  const canAct = view?.myStatus === "active";

  const card = (proposal: ProposalView) =>
    view ? (
      <li key={proposal.id}>
        <ProposalCard communeId={communeId} proposal={proposal} currencies={view.rules.currencies} canAct={canAct} />
      </li>
    ) : null;

  return (
    <div className="stack proposals-screen">
      <h1>Proposals</h1>
      <ErrorText error={list.error ?? commune.error} />
      <div className="proposals-layout">
        <div className="stack">
          <div className="filters" role="search" aria-label="Find proposals">
            <TextField label="Search" value={search} onChange={setSearch} hint="Words in the title, the text or the proposer's name" />
            <Select
              label="Show"
              value={show}
              onChange={(value) => setShow(SHOW_OPTIONS.find((option) => option.value === value)?.value ?? "all")}
              options={SHOW_OPTIONS}
            />
          </div>
          {filtering ? (
            <p className="muted small" aria-live="polite">
              {proposals.length} of {all.length} proposals shown
            </p>
          ) : null}
          <Panel title="Open proposals">
            {list.loading && !list.value ? <p className="muted">Loading proposals…</p> : null}
            {list.value && open.length === 0 && filtering ? <EmptyState>No open proposal fits the search.</EmptyState> : null}
            {list.value && open.length === 0 && !filtering ? (
              <EmptyState>Nothing is open for a vote. Use “New proposal” to put a spend, a member or a rule change to the commune.</EmptyState>
            ) : null}
            {open.length > 0 ? <ul className="plain-list proposal-list">{open.map(card)}</ul> : null}
          </Panel>
          <Panel
            title="Decided proposals"
            actions={
              decided.length > 0 ? (
                <Button variant="quiet" aria-expanded={showDecided} onClick={() => setShowDecided((shown) => !shown)}>
                  {showDecided ? "Hide decided" : `Show decided (${decided.length})`}
                </Button>
              ) : null
            }
          >
            {list.value && decided.length === 0 ? (
              <EmptyState>{filtering ? "No decided proposal fits the search." : "No proposal has been decided yet."}</EmptyState>
            ) : null}
            {showDecided && decided.length > 0 ? <ul className="plain-list proposal-list">{decided.map(card)}</ul> : null}
          </Panel>
        </div>
        <Panel title="New proposal">
          {view && canAct ? <NewProposalForm commune={view} /> : null}
          {view && !canAct ? (
            <EmptyState>Only active members make proposals. {view.myStatus === "applicant" ? "You can once the commune admits you." : ""}</EmptyState>
          ) : null}
          {!view && commune.loading ? <p className="muted">Loading the commune…</p> : null}
        </Panel>
      </div>
    </div>
  );
}

import type { CommuneView } from "../../../shared/commands/views";
import { awaitingDecision } from "../../../shared/commands/process-views";
import { useView } from "../../link/hooks";
import {
  Badge,
  EmptyState,
  ErrorText,
  MemberStatusBadge,
  Money,
  Notice,
  OutcomeBadge,
  Panel,
  SyncDetail,
  Time,
  relativeText,
  screenHref,
  useNow,
} from "../../ui";
import { EntryNotices } from "./EntryNotices";
import { OutcomePrompts } from "./OutcomePrompts";
import { ProvisionalNote } from "./ProvisionalNote";
import { PurseBalances } from "./PurseBalances";

const CLOSING_SOON_MS = 24 * 60 * 60 * 1000;

/** The commune at a glance: what the purse holds, who is in it, what waits for my vote, and how sync stands. */
export function HomeScreen({ communeId }: { communeId: string }) {
  const { value: view, error } = useView("commune.show", { commune: communeId });
  const sync = useView("sync.status", { commune: communeId });
  const now = useNow();

  if (!view) return error ? <ErrorText error={error} /> : <p className="muted">Loading the commune…</p>;

  // The soonest to close first; those closing within a day are said to close soon (the desktop app also notifies in the last hour).
  const waitingForMe =
    view.myStatus === "active"
      ? view.proposals
          .filter((proposal) => proposal.outcome === "open" && proposal.myVote === undefined && !awaitingDecision(proposal))
          .sort((a, b) => a.decidesAt - b.decidesAt)
      : [];
  const currencies = view.balances.currencies;

  return (
    <div className="stack">
      <div className="page-title">
        <h1>{view.name}</h1>
        {view.provisional ? (
          <span className="badge badge--info" role="status">
            loading…
          </span>
        ) : null}
      </div>
      <ErrorText error={error} />
      {view.myStatus === "applicant" ? <Notice>You have asked to join; the members decide by proposal. Until then you can look but not write.</Notice> : null}
      {view.myStatus === undefined ? <Notice>The commune is still arriving from its relays.</Notice> : null}
      <EntryNotices communeId={communeId} notices={sync.value?.notices ?? []} />

      <Panel title="Purse" actions={<a href={screenHref(communeId, "purse")}>Open the purse</a>}>
        <PurseBalances view={view} />
        <ProvisionalNote view={view} />
      </Panel>

      <div className="grid-2">
        <Panel title="Waiting for your vote" actions={<a href={screenHref(communeId, "proposals")}>All proposals</a>}>
          {waitingForMe.length === 0 ? (
            <EmptyState>No open proposal is waiting for your vote.</EmptyState>
          ) : (
            <ul className="plain-list" aria-label="Proposals waiting for your vote">
              {waitingForMe.map((proposal) => (
                <li key={proposal.id}>
                  <a href={screenHref(communeId, "proposals")}>{proposal.title}</a> <OutcomeBadge outcome={proposal.outcome} />{" "}
                  {proposal.decidesAt - now <= CLOSING_SOON_MS ? (
                    <Badge tone="warn" title="You have not voted and it decides within a day">
                      closes soon
                    </Badge>
                  ) : null}{" "}
                  <span className="muted">
                    by {proposal.byName}, decides {relativeText(proposal.decidesAt, now)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Panel>

        <Panel title="Sync">
          {sync.value ? (
            <>
              <p>
                {sync.value.peers} {sync.value.peers === 1 ? "peer" : "peers"} ·{" "}
                {sync.value.lastSynced === undefined ? (
                  "not synced with a relay yet"
                ) : (
                  <>
                    last synced <Time at={sync.value.lastSynced} />
                  </>
                )}{" "}
                · {sync.value.waiting === 0 ? "nothing to send" : `${sync.value.waiting} ${sync.value.waiting === 1 ? "document" : "documents"} to send`}
              </p>
              <SyncDetail status={sync.value} />
            </>
          ) : (
            <ErrorText error={sync.error} />
          )}
        </Panel>
      </div>

      <OutcomePrompts communeId={communeId} view={view} now={now} />

      <Members view={view} currencies={currencies} />

      {view.problems.length > 0 ? (
        <Panel title="Problems">
          <p className="muted">
            Each reason says what it means for the record: most of these count for nothing (no balance, no vote); one someone changed or deleted after it was
            signed still counts as signed. A record&apos;s own row says the same.
          </p>
          <ul className="plain-list" aria-label="Problems">
            {view.problems.map((problem) => (
              <li key={`${problem.subject}-${problem.id}`}>
                <strong>{problem.subject}</strong> <span className="mono">{problem.id}</span>: {problem.reason}
              </li>
            ))}
          </ul>
        </Panel>
      ) : null}
    </div>
  );
}

function Members({ view, currencies }: { view: CommuneView; currencies: CommuneView["balances"]["currencies"] }) {
  const members = view.balances.members;
  return (
    <Panel title="Members" actions={<a href={screenHref(view.id, "members")}>Manage members</a>}>
      {members.length === 0 ? (
        <EmptyState>No members yet.</EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table" aria-label="Members and their standing">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                {currencies.map((currency) => (
                  <th scope="col" className="num" key={currency.code}>
                    Standing ({currency.code})
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {members.map((member) => (
                <tr key={member.key}>
                  <th scope="row">
                    {member.name}
                    {member.key === view.me ? <span className="muted"> (you)</span> : null}
                  </th>
                  <td>
                    <MemberStatusBadge status={member.status} />
                  </td>
                  {currencies.map((currency) => (
                    <td className="num" key={currency.code}>
                      <Money minor={member.balances[currency.code] ?? 0} code={currency.code} currencies={currencies} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

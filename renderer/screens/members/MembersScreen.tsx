import { useState } from "react";
import type { MemberView } from "../../../shared/commands/views";
import { useView } from "../../link/hooks";
import { Button, Dialog, EmptyState, ErrorText, Panel, screenHref } from "../../ui";
import { NewProposalForm } from "../proposals/NewProposalForm";
import { AdmitForm } from "./AdmitForm";
import { InvitePanel } from "./InvitePanel";
import { LeavePanel } from "./LeavePanel";
import { MemberList } from "./MemberList";
import "./members.css";

type Proposing = { kind: "admit" | "remove"; member: MemberView | undefined } | undefined;

/** Who belongs to the commune, how to bring someone in, and how to leave. */
export function MembersScreen({ communeId }: { communeId: string }) {
  const { value: commune, error, loading } = useView("commune.show", { commune: communeId });
  const [proposing, setProposing] = useState<Proposing>();
  const [proposed, setProposed] = useState(false);

  if (!commune) {
    return (
      <div className="stack">
        <h1>Members</h1>
        <ErrorText error={error} />
        {loading ? <p className="muted">Loading members…</p> : null}
      </div>
    );
  }

  const active = commune.myStatus === "active";
  const member = commune.myStatus === "active" || commune.myStatus === "applicant";
  const direct = commune.rules.admission === "direct";
  const openProposal = (kind: "admit" | "remove", target: MemberView | undefined) => {
    setProposed(false);
    setProposing({ kind, member: target });
  };

  return (
    <div className="stack members-screen">
      <h1>Members</h1>
      <ErrorText error={error} />
      {commune.myStatus !== "active" ? (
        <p className="notice">
          {commune.myStatus === "applicant"
            ? "You are an applicant: the commune admits you when an admit proposal passes."
            : commune.myStatus === undefined
              ? "This commune has not synced your membership yet."
              : `You are no longer a member of ${commune.name} (${commune.myStatus}).`}
        </p>
      ) : null}
      <Panel title={`Members of ${commune.name}`}>
        {commune.balances.members.length === 0 ? (
          <EmptyState>No members have synced yet. Check the sync status: the commune's members arrive from its relay.</EmptyState>
        ) : (
          <MemberList
            members={commune.balances.members}
            currencies={commune.rules.currencies}
            me={commune.me}
            {...(active ? { onPropose: openProposal } : {})}
          />
        )}
        {proposed ? (
          <p role="status" className="success-text">
            Proposal made: the members vote on it under <a href={screenHref(communeId, "proposals")}>Proposals</a>.
          </p>
        ) : null}
      </Panel>
      {active ? (
        <div className="grid-2">
          <InvitePanel communeId={communeId} communeName={commune.name} admission={commune.rules.admission} />
          <Panel title="Add a member">
            {direct ? (
              <>
                <p className="muted">The rules let any member admit someone directly with their public key.</p>
                <AdmitForm communeId={communeId} />
              </>
            ) : (
              <p className="muted">The rules admit new members by proposal: the commune votes on it.</p>
            )}
            <div className="button-row">
              <Button variant={direct ? "secondary" : "primary"} onClick={() => openProposal("admit", undefined)}>
                Propose admission
              </Button>
            </div>
          </Panel>
        </div>
      ) : null}
      {member ? <LeavePanel communeId={communeId} communeName={commune.name} /> : null}
      <Dialog
        open={proposing !== undefined}
        onClose={() => setProposing(undefined)}
        title={
          proposing?.kind === "remove"
            ? `Propose removing ${proposing.member?.name ?? "a member"}`
            : `Propose admitting ${proposing?.member?.name ?? "someone"}`
        }
      >
        {proposing ? (
          <NewProposalForm
            commune={commune}
            kinds={[proposing.kind]}
            label={proposing.kind === "remove" ? "Propose removal" : "Propose admission"}
            initial={
              proposing.kind === "remove"
                ? { removeMember: proposing.member?.key ?? "", title: proposing.member ? `Remove ${proposing.member.name}` : "" }
                : {
                    memberKey: proposing.member?.key ?? "",
                    memberName: proposing.member?.name ?? "",
                    title: proposing.member ? `Admit ${proposing.member.name}` : "",
                  }
            }
            onCreated={() => {
              setProposing(undefined);
              setProposed(true);
            }}
          />
        ) : null}
      </Dialog>
    </div>
  );
}

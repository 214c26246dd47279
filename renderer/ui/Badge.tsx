import type { ReactNode } from "react";
import type { EntryStatus } from "../../shared/purse/entry";
import type { Outcome } from "../../shared/proposals/proposal";
import type { MemberStatus } from "../../shared/commune/state";

export type Tone = "good" | "warn" | "bad" | "info" | "neutral";

export function Badge({ tone = "neutral", title, children }: { tone?: Tone; title?: string; children: ReactNode }) {
  return (
    <span className={tone === "neutral" ? "badge" : `badge badge--${tone}`} title={title}>
      {children}
    </span>
  );
}

const entryTone: Record<EntryStatus, Tone> = { counted: "good", overdrawn: "warn", untrusted: "bad" };

/** A ledger entry's status; the reason an entry counts for nothing is written out, not hidden in a tooltip. */
export function EntryStatusBadge({ status, reason }: { status: EntryStatus; reason?: string | undefined }) {
  return (
    <span>
      <Badge tone={entryTone[status]}>{status}</Badge>
      {reason && status !== "counted" ? <span className="field__hint"> {reason}</span> : null}
    </span>
  );
}

const outcomeTone: Record<Outcome, Tone> = { open: "info", passed: "good", rejected: "bad", expired: "neutral" };

export function OutcomeBadge({ outcome }: { outcome: Outcome }) {
  return <Badge tone={outcomeTone[outcome]}>{outcome}</Badge>;
}

const memberTone: Record<MemberStatus, Tone> = { active: "good", applicant: "info", left: "neutral", removed: "bad" };

export function MemberStatusBadge({ status }: { status: MemberStatus }) {
  return <Badge tone={memberTone[status]}>{status}</Badge>;
}

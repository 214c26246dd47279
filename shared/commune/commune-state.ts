import type { PublicKey } from "../identity/keys";
import type { Verifier } from "../identity/crypto";
import { checkSignature, type Signed } from "../identity/signed";
import type { SawVote, Tally } from "../proposals/tally";
import type { ProcessBallot } from "../proposals/processes/ballots";
import { processTally, type ProcessTally } from "../proposals/processes/decide";
import { CLOCK_SKEW_MS, longDay } from "../history/claimed-time";
import type { RecordHistory } from "../history/change-graph";
import { writtenAfter } from "../history/backdated";
import { proposalVersion } from "../proposals/version";
import { canonicalJson } from "../identity/canonical";
import type { SignedProposal, SignedVote } from "../proposals/proposal";
import { fail, ok, type ProblemCode, type Result } from "../result";
import type { SignedMembershipEvent } from "./events";
import { anchorProblem, communeIdOf, type CommuneId, type Genesis } from "./genesis";
import { judgeMembershipEvent } from "../judges/membership";
import { judgeProposal } from "../judges/proposal";
import { judgeVote, type VoteSetting } from "../judges/vote";
import { applyRuleChange, rulesProblem } from "./rules";
import { rulesAt, statusAt, type CommuneState, type Member, type MemberStatus, type Problem, type ProposalState, type RulesVersion } from "./state";

export interface CommuneRecords {
  genesis: Signed<Genesis>;
  events: readonly SignedMembershipEvent[];
  proposals: readonly SignedProposal[];
  votes: readonly SignedVote[];
  /** What the proposals document's change graph says about which vote's author had which in their copy; absent when the records come without their history. */
  saw?: SawVote;
  /** From the same graph: for each proposal or vote, the latest-dated one its author provably had in their copy (`RecordHistory.latestSeen`). */
  latestSeen?: RecordHistory["latestSeen"];
  /** The same question of the commune document's graph, for its membership events. */
  eventsSeen?: RecordHistory["latestSeen"];
}

/** What communeState reads, from a commune's commune and proposals documents as their readers return them. */
export function communeRecords(
  commune: { genesis: Signed<Genesis>; events: readonly SignedMembershipEvent[] },
  proposals: { proposals: Record<string, SignedProposal>; votes: Record<string, SignedVote[]> },
  history?: Pick<RecordHistory, "saw" | "latestSeen">,
  communeHistory?: Pick<RecordHistory, "latestSeen">,
): CommuneRecords {
  return {
    genesis: commune.genesis,
    events: commune.events,
    proposals: Object.values(proposals.proposals),
    votes: Object.values(proposals.votes).flat(),
    ...(history ? { saw: (later: string, earlier: string) => history.saw(later, earlier), latestSeen: (dated) => history.latestSeen(dated) } : {}),
    ...(communeHistory ? { eventsSeen: (dated) => communeHistory.latestSeen(dated) } : {}),
  };
}

interface Pending {
  proposal: SignedProposal;
  slot: ProposalSlot;
  /** The hash of the version that counts. */
  version: string;
  electorate: PublicKey[];
  ballots: SignedVote[];
  /** What its votes are judged against before the decision is known; made once, the replay asks often. */
  undecided: VoteSetting;
}

const bySignedOrder = (a: { at: number; by: string; sig: string }, b: { at: number; by: string; sig: string }) =>
  a.at - b.at || compare(a.by, b.by) || compare(a.sig, b.sig);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Replays a commune's signed history in time order and says what it means:
 * membership over time, rules over time, each proposal's tally, and every
 * record that counts for nothing with the reason.
 *
 * Membership and proposals depend on each other (only members vote; passed
 * proposals admit and remove members), so the replay walks time forward:
 * at each step it takes whichever comes first, the next signed event or the
 * next proposal decision. A decision can only be computed once nothing that
 * could change a voter's standing happens before it, which the "earliest
 * decision first" order guarantees.
 */
export function communeState(verifier: Verifier, records: CommuneRecords, now: number, expectedId?: CommuneId): Result<CommuneState> {
  const { genesis } = records;
  if (checkSignature(verifier, "genesis", genesis))
    return fail("commune.badGenesisSignature", "The commune's founding record is not validly signed by its founder.");
  const anchored = anchorProblem(verifier, genesis);
  if (anchored) return fail("commune.badGenesisAnchor", `${anchored}.`);
  const foundingProblem = rulesProblem(genesis.rules);
  if (foundingProblem) return fail("commune.badFoundingRules", `The commune's founding rules are invalid: ${foundingProblem}.`);
  const id = communeIdOf(genesis);
  if (expectedId !== undefined && id !== expectedId) {
    return fail("commune.notTheNamedCommune", "This document is not the commune the invite or link names: its founding record does not match.");
  }

  const members = new Map<PublicKey, Member>();
  const rules: RulesVersion[] = [{ from: genesis.at, rules: genesis.rules }];
  const problems: Problem[] = [];
  const proposals: Record<string, ProposalState> = {};
  const state: CommuneState = { id, name: genesis.name, founder: genesis.by, now, members: {}, rules, proposals, problems };

  const setStatus = (key: PublicKey, name: string | undefined, at: number, status: MemberStatus, why: string) => {
    let member = members.get(key);
    if (!member) {
      member = { key, name: name ?? key.slice(0, 8), history: [] };
      members.set(key, member);
      state.members[key] = member;
    } else if (name) {
      member.name = name;
    }
    member.history.push({ at, status, why });
  };
  const nameOf = (key: PublicKey) => members.get(key)?.name ?? key.slice(0, 8);
  const problem = (subject: Problem["subject"], record: { by?: PublicKey; sig: string }, id: string, reason: string, code?: ProblemCode) =>
    problems.push({ subject, id, by: record.by, reason, ...(code ? { code } : {}) });

  setStatus(genesis.by, genesis.founderName, genesis.at, "active", "founded the commune");

  const signedEvents = genuine(verifier, "membership", records.events, id, problems, (event) => event.sig);
  // A backdated event is placed, and judged, at its effective time: it was written no earlier than the event it provably followed.
  const backdatedEvents = backdatedByTheirAuthors(signedEvents, records.eventsSeen, now);
  const events = signedEvents
    .map((event) => {
      const after = backdatedEvents.get(event.sig);
      return after ? { ...event, at: after.at + 1 } : event;
    })
    .sort(bySignedOrder);
  const slots = proposalSlots(
    genuine(verifier, "proposal", records.proposals, id, problems, (p) => p.id),
    problems,
  );
  const slotIds = new Set(slots.map((slot) => slot.first.id));
  const votes = genuine(verifier, "vote", records.votes, id, problems, (vote) => vote.sig);
  const votesByProposal = new Map<string, SignedVote[]>();
  for (const vote of votes) {
    if (!slotIds.has(vote.proposal)) {
      const verdict = judgeVote(undefined, vote);
      if (verdict !== "counted") problem("vote", vote, vote.sig, verdict.reason, verdict.code);
      continue;
    }
    const list = votesByProposal.get(vote.proposal) ?? [];
    list.push(vote);
    votesByProposal.set(vote.proposal, list);
  }

  const usedInvites = new Set<string>();
  const pending = new Map<string, Pending>();

  const applyEvent = (event: SignedMembershipEvent) => {
    const verdict = judgeMembershipEvent({ verifier, state, id, usedInvites }, event);
    if (verdict !== "counted") {
      problem("membership", event, event.sig, verdict.reason, verdict.code);
      return;
    }
    switch (event.type) {
      case "join": {
        const grant = event.invite;
        usedInvites.add(grant.id);
        const direct = rulesAt(state, event.at).admission === "direct";
        setStatus(
          event.by,
          event.name,
          event.at,
          direct ? "active" : "applicant",
          direct ? `joined with an invite from ${nameOf(grant.by)}` : `asked to join with an invite from ${nameOf(grant.by)}`,
        );
        return;
      }
      case "admit":
        setStatus(event.member, event.name, event.at, "active", `admitted by ${nameOf(event.by)}`);
        return;
      case "leave":
        setStatus(event.by, undefined, event.at, "left", "left the commune");
        return;
    }
  };

  const electorateAt = (at: number) =>
    [...members.values()]
      .filter((member) => statusAt(state, member.key, at) === "active")
      .map((member) => member.key)
      .sort(compare);

  const openProposal = (slot: ProposalSlot) => {
    const ballots = votesByProposal.get(slot.first.id) ?? [];
    const counting = countingVersion(slot, ballots, new Set(electorateAt(slot.first.at)));
    const { proposal, version } = counting;
    reportOtherVersions(slot, counting, nameOf, problems);
    const verdict = judgeProposal(state, proposal);
    if (verdict !== "counted") {
      problem("proposal", proposal, proposal.id, verdict.reason, verdict.code);
      return;
    }
    const electorate = electorateAt(proposal.at);
    const undecided: VoteSetting = {
      state,
      proposal,
      electorate: new Set(electorate),
      decidesAt: undefined,
      version: { counting: version, firstSeen: version === slot.versions[0]!.version },
    };
    pending.set(proposal.id, { proposal, slot, version, electorate, ballots, undecided });
  };

  // Before the decision is known (it depends on the ballots), every vote the judge would count up to it is a ballot.
  const ballotsOf = (entry: Pending): ProcessBallot[] => entry.ballots.filter((vote) => judgeVote(entry.undecided, vote) === "counted").map(ballotOf);

  const decide = (entry: Pending, at: number) => {
    const { proposal, electorate } = entry;
    pending.delete(proposal.id);
    const ballots = ballotsOf(entry);
    const result = processTally(proposal, ballots, electorate, rulesAt(state, proposal.at), now, records.saw);
    proposals[proposal.id] = { proposal, versions: entry.slot.versions, version: entry.version, electorate, tally: result };
    reportUncountedVotes(entry, result.decidesAt);
    reportLateVotes(entry, result);
    reportOtherDecisions(entry, result);
    if (result.outcome !== "passed") return;
    const why = `by proposal "${proposal.title}"`;
    switch (proposal.kind) {
      case "admit":
        if (statusAt(state, proposal.member, at) !== "active") setStatus(proposal.member, proposal.name, at, "active", `admitted ${why}`);
        return;
      case "remove": {
        const target = statusAt(state, proposal.member, at);
        if (target === "active" || target === "applicant") setStatus(proposal.member, undefined, at, "removed", `removed ${why}`);
        return;
      }
      case "rule": {
        const change = applyRuleChange(rulesAt(state, at), proposal.change);
        if ("problem" in change) problem("proposal", proposal, proposal.id, `passed, but its rule change cannot apply: ${change.problem}`);
        else rules.push({ from: at, rules: change.rules, proposal: proposal.id });
        return;
      }
      default:
        return;
    }
  };

  const reportLateVotes = (entry: Pending, result: Tally) => {
    const { decidedBy } = result;
    if (result.late.length === 0 || !decidedBy) return;
    const late = new Set(result.late);
    for (const vote of entry.ballots) {
      if (!late.has(vote.sig)) continue;
      late.delete(vote.sig);
      const reason =
        `${nameOf(vote.by)}'s "${vote.choice}" vote, dated ${longDay(vote.at)}, came too late: ` +
        `${nameOf(decidedBy.voter)}'s vote of ${longDay(decidedBy.at)} ${result.early === "settled" ? "settled the outcome" : "completed the vote"} without it, so the earlier vote stands`;
      problem("vote", vote, vote.sig, reason, "record.late");
    }
  };

  // A proposer's decision on an advice process is not taken back: any other they signed counts for nothing, and says so.
  const reportOtherDecisions = (entry: Pending, result: ProcessTally) => {
    const decided = result.result?.kind === "advice" ? result.result.decision : undefined;
    if (!decided) return;
    for (const vote of entry.ballots) {
      if (vote.decision === undefined || vote.sig === decided.sig || judgeVote(entry.undecided, vote) !== "counted") continue;
      const reason = `${nameOf(vote.by)}'s decision "${vote.decision}" on "${entry.proposal.title}", dated ${longDay(vote.at)}, counts for nothing: the decision of ${longDay(decided.at)} (${decided.outcome}) came first and is not taken back`;
      problem("vote", vote, vote.sig, reason, "vote.not-the-decision");
    }
  };

  const reportUncountedVotes = (entry: Pending, decidesAt: number) => {
    const decided = { ...entry.undecided, decidesAt };
    for (const vote of entry.ballots) {
      const verdict = judgeVote(decided, vote);
      if (verdict !== "counted") problem("vote", vote, vote.sig, verdict.reason, verdict.code);
    }
  };

  // The replay: signed events and proposal creations in time order, with
  // decisions interleaved at the moment they fall.
  type Step = { at: number; run: () => void };
  const steps: Step[] = [
    ...events.map((event) => ({ at: event.at, run: () => applyEvent(event) })),
    ...slots.map((slot) => ({ at: slot.first.at, run: () => openProposal(slot) })),
  ];
  steps.sort((a, b) => a.at - b.at);
  let next = 0;
  for (;;) {
    let earliest: { entry: Pending; at: number } | undefined;
    for (const entry of [...pending.values()].sort((a, b) => compare(a.proposal.id, b.proposal.id))) {
      const at = decidesAtNow(entry);
      if (!earliest || at < earliest.at) earliest = { entry, at };
    }
    const step = steps[next];
    if (earliest && earliest.at <= now && (!step || earliest.at <= step.at)) {
      decide(earliest.entry, earliest.at);
    } else if (step) {
      step.run();
      next++;
    } else {
      break;
    }
  }
  for (const entry of pending.values()) {
    const ballots = ballotsOf(entry);
    // A vote for another version will not count however the proposal ends: say so while it is open.
    for (const vote of entry.ballots) {
      const verdict = judgeVote(entry.undecided, vote);
      if (verdict !== "counted" && verdict.code === "vote.other-version") problem("vote", vote, vote.sig, verdict.reason, verdict.code);
    }
    proposals[entry.proposal.id] = {
      proposal: entry.proposal,
      versions: entry.slot.versions,
      version: entry.version,
      electorate: entry.electorate,
      tally: processTally(entry.proposal, ballots, entry.electorate, rulesAt(state, entry.proposal.at), now, records.saw),
    };
  }
  // After the replay, so that every author is named.
  reportBackdated(records.latestSeen, [...slots.flatMap((slot) => slot.versions.map((known) => known.proposal)), ...votes], nameOf, problems);
  // One who joins names themselves: a refused joining has no member to name.
  const authorOf = (event: SignedMembershipEvent) => (event.type === "join" && !members.has(event.by) ? event.name : nameOf(event.by));
  for (const event of signedEvents) {
    const after = backdatedEvents.get(event.sig);
    if (!after) continue;
    problems.push({
      subject: "membership",
      id: event.sig,
      by: event.by,
      code: "record.backdated",
      reason: `${authorOf(event)}'s ${eventWords(event)} is dated ${longDay(event.at)}, but was written after ${authorOf(after)}'s ${eventWords(after)} of ${longDay(after.at)}: it counts from then`,
    });
  }
  return ok(state);

  function decidesAtNow(entry: Pending): number {
    return processTally(entry.proposal, ballotsOf(entry), entry.electorate, rulesAt(state, entry.proposal.at), now, records.saw).decidesAt;
  }
}

/** A vote the judge counts, as the tallies read it: its choice, reason and whatever its process marks. */
function ballotOf(vote: SignedVote): ProcessBallot {
  const { reason, pick, dots, times, decision } = vote;
  return {
    voter: vote.by,
    at: vote.at,
    choice: vote.choice,
    sig: vote.sig,
    ...(reason !== undefined ? { reason } : {}),
    ...(pick !== undefined ? { pick } : {}),
    ...(dots !== undefined ? { dots } : {}),
    ...(times !== undefined ? { times } : {}),
    ...(decision !== undefined ? { decision } : {}),
  };
}

/** Keeps the records whose signature holds and that belong to this commune; reports the rest. */
function genuine<T extends { by: PublicKey; sig: string; commune: string }>(
  verifier: Verifier,
  purpose: "membership" | "proposal" | "vote",
  records: readonly T[],
  id: CommuneId,
  problems: Problem[],
  idOf: (record: T) => string,
): T[] {
  const subject = purpose === "membership" ? "membership" : purpose;
  return records.filter((record) => {
    const signature = checkSignature(verifier, purpose, record);
    const reason =
      signature === "unsigned"
        ? "is not signed"
        : signature
          ? "was altered after signing or is badly signed"
          : record.commune !== id
            ? "belongs to another commune"
            : undefined;
    if (reason)
      problems.push({ subject, id: idOf(record), by: record.by, reason: `This ${purpose === "membership" ? "membership record" : purpose} ${reason}` });
    return !reason;
  });
}

/**
 * Every proposal signed under one id by the author who holds it, in
 * first-seen order (the order the records arrive in: earlier in history
 * first, the same on every member). `first` is the first-seen version.
 */
interface ProposalSlot {
  first: SignedProposal;
  versions: { proposal: SignedProposal; version: string }[];
}

/**
 * Groups proposals by id. Another author's proposal under an id already
 * used (the earliest in signed order holds it, as before versions) is
 * refused; the holder's own further versions are kept as versions of one
 * proposal, for countingVersion to choose among. Copies of one version
 * (the same signed fields) are one version.
 */
function proposalSlots(proposals: readonly SignedProposal[], problems: Problem[]): ProposalSlot[] {
  const holders = new Map<string, SignedProposal>();
  for (const proposal of [...proposals].sort(bySignedOrder)) if (!holders.has(proposal.id)) holders.set(proposal.id, proposal);
  const slots = new Map<string, ProposalSlot>();
  for (const proposal of proposals) {
    if (proposal.by !== holders.get(proposal.id)!.by) {
      problems.push({ subject: "proposal", id: proposal.id, by: proposal.by, reason: "reuses the id of an earlier proposal" });
      continue;
    }
    const version = proposalVersion(proposal);
    const slot = slots.get(proposal.id);
    if (!slot) slots.set(proposal.id, { first: proposal, versions: [{ proposal, version }] });
    else if (!slot.versions.some((known) => known.version === version)) slot.versions.push({ proposal, version });
  }
  return [...slots.values()];
}

/**
 * Which version of a proposal counts: the one named by the most members of
 * the electorate (as of the first-seen version), its author left out, among
 * their votes, a vote without a version naming the first-seen one; a tie,
 * or no such votes, goes to the earlier seen. So a proposal re-signed after
 * the votes keeps the version the votes signed, and its author cannot pick
 * a version by voting for it.
 */
function countingVersion(slot: ProposalSlot, votes: readonly SignedVote[], electorate: ReadonlySet<PublicKey>): ProposalSlot["versions"][number] {
  if (slot.versions.length === 1) return slot.versions[0]!;
  const voters = new Map<string, Set<PublicKey>>();
  for (const vote of votes) {
    if (!electorate.has(vote.by) || vote.by === slot.first.by) continue;
    const named = vote.version ?? slot.versions[0]!.version;
    let set = voters.get(named);
    if (!set) voters.set(named, (set = new Set()));
    set.add(vote.by);
  }
  let best = slot.versions[0]!;
  for (const candidate of slot.versions) if ((voters.get(candidate.version)?.size ?? 0) > (voters.get(best.version)?.size ?? 0)) best = candidate;
  return best;
}

/** Names the author of each version that does not count, and what differs from the one that does. */
function reportOtherVersions(slot: ProposalSlot, counting: ProposalSlot["versions"][number], nameOf: (key: PublicKey) => string, problems: Problem[]): void {
  for (const other of slot.versions) {
    if (other === counting) continue;
    const { proposal } = other;
    const changes = differences(counting.proposal, proposal);
    problems.push({
      subject: "proposal",
      id: proposal.id,
      by: proposal.by,
      code: "record.equivocation",
      reason:
        `${nameOf(proposal.by)} signed two versions of proposal "${counting.proposal.title}"` +
        (changes ? ` (${changes})` : "") +
        `; the ${counting === slot.versions[0] ? "first-seen version, which its votes approve," : "version its votes approve"} counts`,
    });
  }
}

/** The signed fields two versions differ in, in words: "amount: 10000 → 90000". */
function differences(kept: object, other: object): string {
  const a = kept as Record<string, unknown>;
  const b = other as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => key !== "sig" && key !== "by").sort(compare);
  const shown = (value: unknown) => (value === undefined ? "none" : typeof value === "string" ? `"${value.slice(0, 60)}"` : JSON.stringify(value).slice(0, 80));
  return keys
    .filter((key) => canonicalJson(a[key] ?? null) !== canonicalJson(b[key] ?? null))
    .map((key) => `${key}: ${shown(a[key])} → ${shown(b[key])}`)
    .join(", ");
}

/**
 * Each event dated well before another event by the same author that the
 * author provably had in their copy. Only the author's own events bear
 * witness: another member's event dated ahead by a fast clock would, once
 * its date came, make every honest event written after it "backdated" and
 * take that member's place away after the fact (found by the clock-skew
 * fault scenario: Cy's honest joining, written after Bo's joining dated a
 * day ahead, dropped out of an electorate two days later).
 */
function backdatedByTheirAuthors(
  events: readonly SignedMembershipEvent[],
  latestSeen: RecordHistory["latestSeen"] | undefined,
  now: number,
): Map<string, SignedMembershipEvent> {
  const found = new Map<string, SignedMembershipEvent>();
  if (!latestSeen) return found;
  const byAuthor = new Map<PublicKey, SignedMembershipEvent[]>();
  for (const event of events) {
    const own = byAuthor.get(event.by);
    if (own) own.push(event);
    else byAuthor.set(event.by, [event]);
  }
  for (const own of byAuthor.values()) {
    // One event by an author (a joining) can be written after nothing of theirs: no graph to read.
    if (own.length < 2) continue;
    for (const [sig, witness] of writtenAfter(own, own, latestSeen, now)) found.set(sig, witness);
  }
  return found;
}

/** "joining", "admission of Ed", "leaving": a membership event in a sentence. */
function eventWords(event: SignedMembershipEvent): string {
  switch (event.type) {
    case "join":
      return "joining";
    case "admit":
      return `admission of ${event.name}`;
    case "leave":
      return "leaving";
  }
}

/**
 * Flags each proposal or vote dated earlier, by more than two honest
 * clocks can differ, than a record its author provably had in their copy
 * when writing it (`latestSeen`, from the proposals document's change
 * graph). It still counts as it would: the tally's late-vote rule is what
 * keeps such a vote from changing a decision; this says the date is false.
 */
function reportBackdated(
  latestSeen: RecordHistory["latestSeen"] | undefined,
  records: readonly (SignedProposal | SignedVote)[],
  nameOf: (key: PublicKey) => string,
  problems: Problem[],
): void {
  if (!latestSeen || records.length === 0) return;
  const bySig = new Map(records.map((record) => [record.sig, record]));
  const seen = latestSeen(new Map(records.map((record) => [record.sig, record.at])));
  const what = (record: SignedProposal | SignedVote) => ("choice" in record ? `"${record.choice}" vote` : `proposal "${record.title}"`);
  for (const [sig, latestSig] of seen) {
    const record = bySig.get(sig)!;
    const latest = bySig.get(latestSig);
    if (!latest || latest.at <= record.at + CLOCK_SKEW_MS) continue;
    problems.push({
      subject: "choice" in record ? "vote" : "proposal",
      id: "choice" in record ? record.sig : record.id,
      by: record.by,
      code: "record.backdated",
      reason: `${nameOf(record.by)}'s ${what(record)} is dated ${longDay(record.at)}, but was written after ${nameOf(latest.by)}'s ${what(latest)} of ${longDay(latest.at)}`,
    });
  }
}

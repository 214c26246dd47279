import { currencyAt } from "../../shared/commune/state";
import type { RuleChange } from "../../shared/commune/rules";
import { randomId } from "../../shared/identity/keys";
import type { Proposal } from "../../shared/proposals/proposal";
import { ballotProblem } from "../../shared/proposals/processes/ballots";
import { processProblem, type Process } from "../../shared/proposals/processes/process";
import { votingTimeProblem } from "../../shared/proposals/voting-time";
import { longDay } from "../../shared/history/claimed-time";
import { disbursementFor, type SpendProposal } from "../../shared/purse/spend-authority";
import { fail, ok, type Result } from "../../shared/result";
import type { SignedEntry } from "../../shared/purse/entry";
import type { ParsedInput } from "../../shared/commands/commands";
import type { CommuneModel } from "../commune/commune-model";
import { proposalRecord, voteRecord } from "../commune/record-kinds";
import { proposalViews } from "../commune/views";
import { writeRecord, type Fields } from "../commune/writer";
import { amountIn, amountsPerCurrency, communeModel, deadlineOf, type Handlers } from "./context";
import { writeEntry } from "./purse-commands";
import { executePartnerProposal, readForUs } from "./partner-proposals";
import { partnershipWith } from "../../shared/partners/partnerships";
import type { PartnerText } from "../../shared/partners/answer";

const nameOf = (model: CommuneModel, key: string) => model.state.members[key]?.name ?? key.slice(0, 8);

type ProposalCommand = "proposal.create" | "proposal.vote" | "proposal.execute" | "proposal.list" | "proposal.decide";

/** The signed proposal a person's input describes, or why it cannot be made; `pasted` is a `partner` proposal's offer as read and checked. */
export function proposalFrom(input: ParsedInput<"proposal.create">, model: CommuneModel, at: number, pasted?: PartnerText): Result<Fields<Proposal>> {
  const deadline = deadlineOf(input.deadline, at);
  // Against the host's own clock at signing, so an exact deadline (`{at}`) is held to it as well as a number of days.
  const tooShort = votingTimeProblem(deadline - at);
  if (tooShort) return fail("proposal.tooShort", tooShort, { field: "deadline" });
  // Every new proposal closes as soon as its outcome is settled; proposals signed before keep the all-voted rule they were signed under.
  const base = {
    id: randomId(),
    deadline,
    title: input.title.trim(),
    body: input.body,
    closesEarly: true as const,
    ...(input.hideVotes ? { hiddenVotes: true as const } : {}),
    ...(input.process ? { process: processFrom(input.process) } : {}),
  };
  const unfit = base.process && processProblem(input.kind, base.process);
  if (unfit) return fail("proposal.process", `${unfit}.`, { field: "process" });
  switch (input.kind) {
    case "spend": {
      const amount = amountIn(model, input.amount, input.currency, at);
      if (!amount.ok) return amount;
      const payee = "member" in input.payee ? { member: input.payee.member } : { outside: input.payee.outside.trim() };
      return ok({ ...base, kind: "spend", amount: amount.value, currency: input.currency, payee });
    }
    case "admit":
      return ok({ ...base, kind: "admit", member: input.member, name: input.name.trim() });
    case "remove":
      return ok({ ...base, kind: "remove", member: input.member });
    case "general":
      return ok({ ...base, kind: "general" });
    case "reverse": {
      const target = reversiblePayment(model, input.author, input.entry);
      return target.ok ? ok({ ...base, kind: "reverse", author: input.author, entry: input.entry }) : target;
    }
    case "rule": {
      const change = ruleChangeFrom(input.change, model, at);
      return change.ok ? ok({ ...base, kind: "rule", change: change.value }) : change;
    }
    case "partner": {
      if (!pasted) return fail("offer.empty", "Paste the partner offer the other commune sent.", { field: "offer" });
      const agreed = partnershipWith(model.state, pasted.offer.commune);
      if (agreed?.status === "agreed")
        return fail(
          "partner.agreed",
          `${model.state.name} decided to partner with ${agreed.name} already: its answer is taken in without a new vote (partner accept).`,
          { field: "offer" },
        );
      return ok({ ...base, kind: "partner", offer: pasted.offer, ...(pasted.answer ? { answer: pasted.answer } : {}) });
    }
    case "partner-end": {
      const agreed = partnershipWith(model.state, input.partner);
      if (agreed?.status !== "agreed")
        return fail("partner.notPartner", `${model.state.name} has no partnership with that commune to end.`, { field: "partner" });
      return ok({ ...base, kind: "partner-end", partner: input.partner, name: agreed.name });
    }
  }
}

/** The process as signed: options trimmed, as titles are. */
function processFrom(input: NonNullable<ParsedInput<"proposal.create">["process"]>): Process {
  if (input.kind !== "poll") return input;
  return { ...input, options: input.options.map((option) => option.trim()) };
}

/** Which field of the vote command a misfit is about, for the form to place it. */
function ballotField(input: ParsedInput<"proposal.vote">, process: Process | undefined): string {
  if (input.choice === "block" && process?.kind === "consent") return "reason";
  if (process?.kind === "poll") return process.dots === undefined ? "pick" : "dots";
  if (process?.kind === "meeting") return "times";
  return "choice";
}

/** A counted payment out of the purse, not taken back yet: what a reverse proposal may name. */
function reversiblePayment(model: CommuneModel, author: string, id: string): Result<SignedEntry> {
  const found = model.ledger.countedEntry(author, id);
  if (!found || found.entry.kind !== "disbursement")
    return fail("entry.notFound", `There is no payment ${id} by that member that counts in the purse: only a payment out of the purse can be reversed.`, {
      field: "entry",
    });
  if (found.voidedBy) return fail("entry.voided", `That payment was taken back already (by ${found.voidedBy.id}).`, { field: "entry" });
  return ok(found.entry);
}

function ruleChangeFrom(input: Extract<ParsedInput<"proposal.create">, { kind: "rule" }>["change"], model: CommuneModel, at: number): Result<RuleChange> {
  const { spendLimit, confirmAbove, partnerCredit, ...rest } = input;
  const change: RuleChange = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  // An amount may name a currency the same change adds.
  const currencyOf = (code: string) => currencyAt(model.state, code, at) ?? input.addCurrencies?.find((added) => added.code === code);
  if (spendLimit) {
    const limits = amountsPerCurrency(spendLimit, currencyOf, "Spend limit", "change.spendLimit");
    if (!limits.ok) return limits;
    change.spendLimit = limits.value;
  }
  if (confirmAbove) {
    const thresholds = amountsPerCurrency(confirmAbove, currencyOf, "Amount to confirm", "change.confirmAbove");
    if (!thresholds.ok) return thresholds;
    change.confirmAbove = thresholds.value;
  }
  if (partnerCredit) {
    const credit: Record<string, Record<string, number>> = {};
    for (const [partner, limits] of Object.entries(partnerCredit)) {
      if (partner === model.state.id)
        return fail("proposal.ownCommune", "A credit limit is for a partner commune, not this one.", { field: "change.partnerCredit" });
      const amounts = amountsPerCurrency(limits, currencyOf, "Credit limit", "change.partnerCredit");
      if (!amounts.ok) return amounts;
      credit[partner] = amounts.value;
    }
    change.partnerCredit = credit;
  }
  if (Object.keys(change).length === 0) return fail("proposal.changesNothing", "A rule proposal must change at least one rule.", { field: "change" });
  return ok(change);
}

export const proposalCommands: Handlers<ProposalCommand> = {
  async "proposal.create"(input, host) {
    const node = host.node(input.commune);
    if (!node.ok) return node;
    const pasted = input.kind === "partner" ? await readForUs(host, node.value, input.offer) : undefined;
    if (pasted && !pasted.ok) return pasted;
    const written = await writeRecord(node.value, host, proposalRecord, (model, at) => proposalFrom(input, model, at, pasted?.value));
    return written.ok ? ok({ id: written.value.id }) : written;
  },

  async "proposal.vote"(input, host) {
    const node = host.node(input.commune);
    if (!node.ok) return node;
    // The vote names the version it approves, so a version signed later under the same id does not inherit it.
    const written = await writeRecord(node.value, host, voteRecord, (model, at) => {
      const target = model.state.proposals[input.proposal];
      // A blank reason is none: the vote carries only what a member wrote.
      const reason = input.reason?.trim();
      const { pick, dots, times } = input;
      const marks = { ...(pick !== undefined ? { pick } : {}), ...(dots !== undefined ? { dots } : {}), ...(times !== undefined ? { times } : {}) };
      if (target) {
        const ballot = { voter: host.keys.publicKey, at, choice: input.choice, ...(reason ? { reason } : {}), ...marks };
        const unfit = ballotProblem(target.proposal, ballot);
        if (unfit) return fail("vote.doesNotFit", `${unfit}.`, { field: ballotField(input, target.proposal.process) });
      }
      return ok({ proposal: input.proposal, choice: input.choice, ...(target ? { version: target.version } : {}), ...(reason ? { reason } : {}), ...marks });
    });
    return written.ok ? ok({ id: written.value.sig.slice(0, 16) }) : written;
  },

  async "proposal.execute"(input, host) {
    const partnerly = await executePartnerProposal(host, input.commune, input.proposal);
    if (partnerly) return partnerly;
    // What is left to pay is read in the queue: two executions at once cannot both pay it.
    return writeEntry(host, input.commune, (model) => {
      const target = model.state.proposals[input.proposal];
      if (!target) return fail("proposal.notFound", "There is no such proposal in this commune.", { field: "proposal" });
      if (target.proposal.kind !== "spend" && target.proposal.kind !== "reverse")
        return fail("proposal.notASpend", "Only a spend, reverse or partnership proposal is executed: other proposals take effect when they pass.", {
          field: "proposal",
        });
      if (target.tally.outcome !== "passed")
        return fail("proposal.notPassed", `"${target.proposal.title}" has not passed (it is ${target.tally.outcome}).`, { field: "proposal" });
      if (target.proposal.kind === "reverse") {
        const { author, entry } = target.proposal;
        const payment = reversiblePayment(model, author, entry);
        if (!payment.ok) return payment;
        const { amount, currency } = payment.value;
        return ok({ id: randomId(), kind: "void", of: entry, ofBy: author, proposal: target.proposal.id, amount, currency, memo: target.proposal.title });
      }
      const spend = target.proposal as SpendProposal;
      const used = model.purse.used.get(spend.id) ?? 0;
      if (used >= spend.amount) return fail("proposal.paidOut", `"${spend.title}" has already been paid out in full.`, { field: "proposal" });
      return ok({ ...disbursementFor(spend), id: randomId(), amount: spend.amount - used });
    });
  },

  async "proposal.decide"(input, host) {
    const node = host.node(input.commune);
    if (!node.ok) return node;
    const written = await writeRecord(node.value, host, voteRecord, (model, at) => {
      const target = model.state.proposals[input.proposal];
      if (!target) return fail("proposal.notFound", "There is no such proposal in this commune.", { field: "proposal" });
      const { proposal, tally } = target;
      if (proposal.process?.kind !== "advice")
        return fail("proposal.notAdvice", `"${proposal.title}" is not an advice process: its outcome is decided by its votes.`, { field: "proposal" });
      if (proposal.by !== host.keys.publicKey)
        return fail("proposal.notProposer", `Only ${nameOf(model, proposal.by)}, who proposed "${proposal.title}", records its decision.`, {
          field: "proposal",
        });
      if (at <= proposal.deadline)
        return fail("proposal.stillAdvising", `The advice period of "${proposal.title}" ends ${longDay(proposal.deadline)}: decide after it.`, {
          field: "proposal",
        });
      if (tally.result?.kind === "advice" && tally.result.decision)
        return fail("proposal.decided", `"${proposal.title}" was decided already (${tally.result.decision.outcome}): a decision is not taken back.`, {
          field: "proposal",
        });
      const decision = input.outcome;
      return ok({ proposal: proposal.id, choice: decision === "passed" ? "yes" : "no", version: target.version, decision, reason: input.statement.trim() });
    });
    return written.ok ? ok({ id: written.value.sig.slice(0, 16) }) : written;
  },

  async "proposal.list"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    return ok(proposalViews(found.value.model, host.keys.publicKey));
  },
};

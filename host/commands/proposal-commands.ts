import { proposalProblem } from "../../shared/commune/proposal-validity";
import { currencyAt, isActiveAt, rulesAt } from "../../shared/commune/state";
import type { RuleChange } from "../../shared/commune/rules";
import { toStored } from "../../shared/docs/automerge-form";
import { randomId } from "../../shared/identity/keys";
import { sign } from "../../shared/identity/signed";
import { parseAmount } from "../../shared/money/amount";
import type { Proposal, SignedVote } from "../../shared/proposals/proposal";
import { disbursementFor, proposalSpending, type SpendProposal } from "../../shared/purse/spend-authority";
import { fail, ok, type Result } from "../../shared/result";
import type { ParsedInput } from "../../shared/commands/commands";
import type { CommuneModel } from "../commune/commune-model";
import { proposalViews } from "../commune/views";
import { amountIn, communeModel, communeWrite, deadlineOf, type Handlers } from "./context";

type ProposalCommand = "proposal.create" | "proposal.vote" | "proposal.execute" | "proposal.list";

/** The signed proposal a person's input describes, or why it cannot be made. */
function proposalFrom(input: ParsedInput<"proposal.create">, model: CommuneModel, at: number): Result<Omit<Proposal, "commune">> {
  const base = { id: randomId(), at, deadline: deadlineOf(input.deadline, at), title: input.title.trim(), body: input.body };
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
    case "rule": {
      const change = ruleChangeFrom(input.change, model, at);
      return change.ok ? ok({ ...base, kind: "rule", change: change.value }) : change;
    }
  }
}

function ruleChangeFrom(input: Extract<ParsedInput<"proposal.create">, { kind: "rule" }>["change"], model: CommuneModel, at: number): Result<RuleChange> {
  const { spendLimit, ...rest } = input;
  const change: RuleChange = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  if (spendLimit) {
    const limits: Record<string, number> = {};
    for (const [code, text] of Object.entries(spendLimit)) {
      const currency = currencyAt(model.state, code, at) ?? input.addCurrencies?.find((added) => added.code === code);
      if (!currency) return fail(`${code} is not one of this commune's currencies.`);
      const amount = parseAmount(text, currency, { allowZero: true });
      if (!amount.ok) return fail(`Spend limit for ${code}: ${amount.error}`);
      limits[code] = amount.value;
    }
    change.spendLimit = limits;
  }
  if (Object.keys(change).length === 0) return fail("A rule proposal must change at least one rule.");
  return ok(change);
}

export const proposalCommands: Handlers<ProposalCommand> = {
  async "proposal.create"(input, host) {
    return communeWrite(host, input.commune, async (node, model, at) => {
      if (!isActiveAt(model.state, host.keys.publicKey, at)) return fail("Only an active member can make a proposal.");
      const fields = proposalFrom(input, model, at);
      if (!fields.ok) return fields;
      const proposal = sign(host.crypto, "proposal", { ...fields.value, commune: node.id } as Proposal, host.keys);
      const problem = proposalProblem(proposal, model.state);
      if (problem) return fail(`${problem}.`);
      node.docs.proposals.change((doc) => {
        doc.proposals[proposal.id] = toStored(proposal) as (typeof doc.proposals)[string];
        // The votes list is made with the proposal, by its one author: two
        // members creating it concurrently on their first votes would make
        // two lists under one key, and Automerge keeps only one of them.
        doc.votes[proposal.id] = [];
      });
      await node.persist();
      return ok({ id: proposal.id });
    });
  },

  async "proposal.vote"(input, host) {
    return communeWrite(host, input.commune, async (node, model, at) => {
      const target = model.state.proposals[input.proposal];
      if (!target) return fail("There is no such proposal in this commune.");
      if (target.tally.outcome !== "open") return fail(`Voting on "${target.proposal.title}" has closed: it ${target.tally.outcome}.`);
      if (!target.electorate.includes(host.keys.publicKey)) return fail("Only members who were active when the proposal was made vote on it.");
      if (!isActiveAt(model.state, host.keys.publicKey, at)) return fail("Only an active member can vote.");
      if (input.choice === "block" && !rulesAt(model.state, target.proposal.at).allowBlock) return fail("This commune's rules do not allow blocking.");
      const vote: SignedVote = sign(host.crypto, "vote", { commune: node.id, proposal: input.proposal, at, choice: input.choice }, host.keys);
      node.docs.proposals.change((doc) => {
        const list = doc.votes[input.proposal];
        if (list) list.push(toStored(vote) as (typeof list)[number]);
        else doc.votes[input.proposal] = [toStored(vote)] as (typeof doc.votes)[string]; // a proposal from before lists were made up front
      });
      await node.persist();
      return ok({ id: vote.sig.slice(0, 16) });
    });
  },

  async "proposal.execute"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const target = found.value.model.state.proposals[input.proposal];
    if (!target) return fail("There is no such proposal in this commune.");
    if (target.proposal.kind !== "spend") return fail("Only a spend proposal is executed: other proposals take effect when they pass.");
    if (target.tally.outcome !== "passed") return fail(`"${target.proposal.title}" has not passed (it is ${target.tally.outcome}).`);
    const spend = target.proposal as SpendProposal;
    const used = proposalSpending(found.value.model.purse.entries, found.value.model.state).get(spend.id) ?? 0;
    if (used >= spend.amount) return fail(`"${spend.title}" has already been paid out in full.`);
    const draft = disbursementFor(spend);
    return found.value.node.appendEntry({ ...draft, amount: spend.amount - used });
  },

  async "proposal.list"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    return ok(proposalViews(found.value.model, host.keys.publicKey));
  },
};

import { randomId } from "../../shared/identity/keys";
import type { Entry, SignedEntry } from "../../shared/purse/entry";
import { fail, ok, type Result } from "../../shared/result";
import { currencyAt, rulesAt } from "../../shared/commune/state";
import { unusualEntry } from "../../shared/purse/unusual";
import type { CommuneModel } from "../commune/commune-model";
import { entryRecord } from "../commune/record-kinds";
import { writeRecord, type Fields } from "../commune/writer";
import { purseHistory, standingHistory } from "../../shared/purse/history";
import { ledgerPage } from "../commune/views";
import { amountIn, communeModel, type Handlers, type HostContext } from "./context";

type PurseCommand = "purse.contribute" | "purse.disburse" | "purse.transfer" | "purse.exchange" | "purse.ledger" | "purse.history";

/**
 * Writes the purse entry a person's input describes, judged in the commune's
 * queue against the purse as it stands. An entry that would count but is
 * unusual (shared/purse/unusual.ts) is sent back to be confirmed, with what
 * it would do, unless the member already confirmed it.
 */
export function writeEntry(
  host: HostContext,
  commune: string,
  build: (model: CommuneModel, at: number) => Result<Fields<Entry>>,
  confirmed = true,
): Promise<Result<{ id: string }>> {
  const node = host.node(commune);
  if (!node.ok) return Promise.resolve(node);
  const ask = confirmed ? undefined : (model: CommuneModel, entry: SignedEntry) => unusualProblem(model, entry);
  return writeRecord(node.value, host, entryRecord, build, ask).then((written) => (written.ok ? ok({ id: written.value.id }) : written));
}

function unusualProblem(model: CommuneModel, entry: SignedEntry): Result<void> {
  const currency = currencyAt(model.state, entry.currency, entry.at);
  if (!currency) return ok(undefined);
  const confirmAbove = rulesAt(model.state, entry.at).confirmAbove?.[currency.code];
  const unusual = unusualEntry(entry, currency, model.ledger.memberFacts(entry.by, entry.kind, currency.code), confirmAbove);
  return unusual ? fail("entry.unusual", unusual, { field: "amount" }) : ok(undefined);
}

/** The amount is read inside the queue, in a currency the commune has at the entry's time. */
function entryOf(input: { amount: string; currency: string; memo: string }, fields: Omit<Fields<Entry>, "id" | "amount" | "currency" | "memo">) {
  return (model: CommuneModel, at: number): Result<Fields<Entry>> => {
    const amount = amountIn(model, input.amount, input.currency, at);
    if (!amount.ok) return amount;
    return ok({ id: randomId(), amount: amount.value, currency: input.currency, memo: input.memo.trim(), ...fields });
  };
}

export const purseCommands: Handlers<PurseCommand> = {
  async "purse.contribute"(input, host) {
    return writeEntry(host, input.commune, entryOf(input, { kind: "contribution" }), input.confirmed);
  },

  async "purse.disburse"(input, host) {
    const payee = "member" in input.payee ? { to: input.payee.member } : { payee: input.payee.outside.trim() };
    return writeEntry(
      host,
      input.commune,
      entryOf(input, { kind: "disbursement", ...payee, ...(input.proposal ? { proposal: input.proposal } : {}) }),
      input.confirmed,
    );
  },

  async "purse.transfer"(input, host) {
    return writeEntry(host, input.commune, entryOf(input, { kind: "transfer", to: input.to }), input.confirmed);
  },

  async "purse.exchange"(input, host) {
    return writeEntry(
      host,
      input.commune,
      entryOf(input, { kind: "exchange", partner: input.partner.trim(), direction: input.direction, ...(input.proposal ? { proposal: input.proposal } : {}) }),
      input.confirmed,
    );
  },

  async "purse.ledger"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    return { ok: true, value: ledgerPage(found.value.model, input) };
  },

  async "purse.history"(input, host) {
    const { member } = input;
    // While a large purse is still loading, the history saved with the last view answers at once (the purse's only).
    const saved = member === undefined ? host.nodes.get(input.commune)?.historyNow(input.currency, input.points) : undefined;
    const history = saved ? await saved : undefined;
    if (history) return { ok: true, value: history };
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const { model } = found.value;
    const codes = input.currency ? [input.currency] : Object.keys(model.purse.purse);
    if (member === undefined)
      return { ok: true, value: codes.map((currency) => ({ currency, points: purseHistory(model.purse.entries, currency, input.points) })) };
    if (!model.state.members[member]) return fail("member.notFound", "No member of this commune has that key.", { field: "member" });
    return { ok: true, value: codes.map((currency) => ({ currency, member, points: standingHistory(model.purse.entries, member, currency, input.points) })) };
  },
};

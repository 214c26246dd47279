import { randomId } from "../../shared/identity/keys";
import { COMMUNE_ID } from "../../shared/docs/fields";
import type { Entry, SignedEntry } from "../../shared/purse/entry";
import { fail, ok, reworded, type Result } from "../../shared/result";
import type { PublicKey } from "../../shared/identity/keys";
import { effectOf, entryClaim } from "../../shared/purse/balances";
import { creditLimitProblem, partnerAccount } from "../../shared/partners/account";
import { currencyAt, rulesAt } from "../../shared/commune/state";
import { unusualEntry } from "../../shared/purse/unusual";
import type { CommuneModel } from "../commune/commune-model";
import { entryRecord } from "../commune/record-kinds";
import { notOnOurRosterYet, shareAfterWrite } from "../commune/partner-docs";
import { writeRecord, type Fields } from "../commune/writer";
import { purseHistory, standingHistory } from "../../shared/purse/history";
import { ledgerPage } from "../commune/views";
import { amountIn, communeModel, type Handlers, type HostContext } from "./context";

type PurseCommand = "purse.contribute" | "purse.disburse" | "purse.transfer" | "purse.exchange" | "purse.void" | "purse.ledger" | "purse.history";

/** The member's own entry a correction replaces, and why it is replaced. */
type Correcting = { entry: string; reason: string } | undefined;

/**
 * Writes the purse entry a person's input describes, judged in the commune's
 * queue against the purse as it stands. An entry that would count but is
 * unusual (shared/purse/unusual.ts) is sent back to be confirmed, with what
 * it would do, unless the member already confirmed it.
 */
export async function writeEntry(
  host: HostContext,
  commune: string,
  build: (model: CommuneModel, at: number) => Result<Fields<Entry>>,
  confirmed = true,
  correcting?: Correcting,
): Promise<Result<{ id: string }>> {
  const node = host.node(commune);
  if (!node.ok) return node;
  if (correcting) {
    const voided = await voidEntry(host, commune, correcting, confirmed ? undefined : build);
    if (!voided.ok) return voided;
    const replacement = (model: CommuneModel, at: number) => {
      const fields = build(model, at);
      return fields.ok ? ok({ ...fields.value, corrects: correcting.entry }) : fields;
    };
    // Asked about before the void was written: the void is made, so the replacement must not stop on a question now.
    const written = await writeRecord(node.value, host, entryRecord, replacement);
    return written.ok
      ? ok({ id: written.value.id })
      : reworded(written.error, (inner) => `Your entry ${correcting.entry} was voided (${voided.value.id}), but its correction was not recorded: ${inner}`);
  }
  const ask = confirmed ? undefined : (model: CommuneModel, entry: SignedEntry) => unusualProblem(model, entry);
  return writeRecord(node.value, host, entryRecord, build, ask).then((written) => (written.ok ? ok({ id: written.value.id }) : written));
}

/**
 * Writes the void of the member's own counted entry. With `replacement`,
 * first asks whether that entry would be unusual in the purse as it will be
 * once the void counts, so a correction is asked about before anything is
 * written, never halfway.
 */
function voidEntry(
  host: HostContext,
  commune: string,
  { entry: id, reason }: NonNullable<Correcting>,
  replacement?: (model: CommuneModel, at: number) => Result<Fields<Entry>>,
): Promise<Result<{ id: string }>> {
  const node = host.node(commune);
  if (!node.ok) return Promise.resolve(node);
  const build = (model: CommuneModel, at: number): Result<Fields<Entry>> => {
    const target = voidableEntry(model, host.keys.publicKey, id);
    if (!target.ok) return target;
    if (replacement) {
      const fields = replacement(model, at);
      if (!fields.ok) return fields;
      const asked = unusualProblem(model, { ...fields.value, commune, at, by: host.keys.publicKey, sig: "" }, target.value);
      if (!asked.ok) return asked;
    }
    const { amount, currency } = target.value;
    return ok({ id: randomId(), kind: "void", of: id, amount, currency, memo: reason.trim() });
  };
  return writeRecord(node.value, host, entryRecord, build).then((written) => (written.ok ? ok({ id: written.value.id }) : written));
}

/** The member's own counted entry, not a void and not voided yet, or why it cannot be taken back. */
function voidableEntry(model: CommuneModel, me: PublicKey, id: string): Result<SignedEntry> {
  const found = model.ledger.countedEntry(me, id);
  if (!found)
    return fail("entry.notFound", `You have no entry ${id} that counts in the purse: only your own counted entries can be voided or corrected.`, {
      field: "entry",
    });
  if (found.entry.kind === "void")
    return fail("entry.isVoid", `${id} is itself a void: to restore what it took back, record that entry again.`, { field: "entry" });
  if (found.voidedBy) return fail("entry.voided", `${id} was voided already (by ${found.voidedBy.id}).`, { field: "entry" });
  return ok(found.entry);
}

/** `replacing`: the entry the draft corrects, whose void is counted as done when the member's standing is read. */
function unusualProblem(model: CommuneModel, entry: SignedEntry, replacing?: SignedEntry): Result<void> {
  const currency = currencyAt(model.state, entry.currency, entry.at);
  if (!currency) return ok(undefined);
  const confirmAbove = rulesAt(model.state, entry.at).confirmAbove?.[currency.code];
  const facts = model.ledger.memberFacts(entry.by, entry.kind, currency.code);
  if (replacing && replacing.currency === currency.code) {
    for (const [key, delta] of effectOf(replacing).standings) if (key === entry.by) facts.standing -= delta;
  }
  const unusual = unusualEntry(entry, currency, facts, confirmAbove);
  return unusual ? fail("entry.unusual", unusual, { field: "amount" }) : ok(undefined);
}

/**
 * Whether an exchange out would take what a partner owes us past the credit
 * limit the commune's rules set for it. Read from our side only until the
 * partner's records are at hand: every exchange of ours not declined counts
 * as owed, which can only overstate what the partner owes.
 */
function partnerCreditProblem(model: CommuneModel, partner: string, amount: number, code: string, at: number): string | undefined {
  const rules = rulesAt(model.state, at);
  const limit = rules.partnerCredit?.[partner]?.[code];
  const currency = currencyAt(model.state, code, at);
  if (limit === undefined || !currency) return undefined;
  const name = model.doc.partners[partner]?.name ?? `partner ${partner.slice(0, 8)}`;
  const entries = model.purse.entries.filter((view) => view.status === "counted" && view.entry.kind === "exchange").map((view) => view.entry);
  const declined = model.purse.declined;
  const account = partnerAccount({
    us: {
      id: model.state.id,
      name: model.state.name,
      entries: entries.filter((entry) => !declined.has(entryClaim(entry.by, entry.id)) && !model.purse.voided.has(entryClaim(entry.by, entry.id))),
      declines: [],
    },
    them: { id: partner, name, entries: [], declines: [] },
    onTheirRoster: () => false,
    currencies: rules.currencies,
  });
  return creditLimitProblem(account, name, amount, currency, limit);
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
    return writeEntry(host, input.commune, entryOf(input, { kind: "contribution" }), input.confirmed, input.correcting);
  },

  async "purse.disburse"(input, host) {
    const payee = "member" in input.payee ? { to: input.payee.member } : { payee: input.payee.outside.trim() };
    return writeEntry(
      host,
      input.commune,
      entryOf(input, { kind: "disbursement", ...payee, ...(input.proposal ? { proposal: input.proposal } : {}) }),
      input.confirmed,
      input.correcting,
    );
  },

  async "purse.transfer"(input, host) {
    return writeEntry(host, input.commune, entryOf(input, { kind: "transfer", to: input.to }), input.confirmed, input.correcting);
  },

  async "purse.exchange"(input, host) {
    const partner = input.partner.trim();
    // A partner commune named by its id gets an offer id both sides' entries share; a name typed as text stays as before.
    const withCommune = COMMUNE_ID.test(partner);
    if (withCommune && input.direction === "in")
      return fail(
        "exchange.acceptInstead",
        "What a partner commune gives is recorded by accepting its exchange (exchange accept), so our entry cites theirs: it cannot be typed in.",
        { field: "direction" },
      );
    if (withCommune && partner === input.commune)
      return fail("exchange.ownCommune", "That is this commune's own id: an exchange is with another commune.", { field: "partner" });
    if (withCommune) {
      const found = await communeModel(host, input.commune);
      if (!found.ok) return found;
      const notYet = await notOnOurRosterYet(host, found.value.node, found.value.model, partner);
      if (notYet) return fail("exchange.notOnRoster", notYet, { field: "partner" });
    }
    const build = entryOf(input, {
      kind: "exchange",
      partner,
      direction: input.direction,
      ...(withCommune ? { offer: randomId() } : {}),
      ...(input.proposal ? { proposal: input.proposal } : {}),
    });
    const withinCredit = (model: CommuneModel, at: number): Result<Fields<Entry>> => {
      const fields = build(model, at);
      if (!fields.ok || !withCommune) return fields;
      const problem = partnerCreditProblem(model, partner, fields.value.amount, fields.value.currency, at);
      return problem ? fail("exchange.creditLimit", problem, { field: "amount" }) : fields;
    };
    const written = await writeEntry(host, input.commune, withinCredit, input.confirmed, input.correcting);
    // The partner reads our exchange in what we share with it; a copy the disk refused now is made by the next write.
    if (written.ok && withCommune) await shareAfterWrite(host, input.commune);
    return written;
  },

  async "purse.void"(input, host) {
    return voidEntry(host, input.commune, input);
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

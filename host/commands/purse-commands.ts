import { purseHistory } from "../../shared/purse/history";
import { ledgerPage } from "../commune/views";
import { amountIn, communeModel, type Handlers } from "./context";

type PurseCommand = "purse.contribute" | "purse.disburse" | "purse.transfer" | "purse.exchange" | "purse.ledger" | "purse.history";

export const purseCommands: Handlers<PurseCommand> = {
  async "purse.contribute"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const amount = amountIn(found.value.model, input.amount, input.currency, host.now());
    if (!amount.ok) return amount;
    return found.value.node.appendEntry({ kind: "contribution", amount: amount.value, currency: input.currency, memo: input.memo.trim() });
  },

  async "purse.disburse"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const amount = amountIn(found.value.model, input.amount, input.currency, host.now());
    if (!amount.ok) return amount;
    const payee = "member" in input.payee ? { to: input.payee.member } : { payee: input.payee.outside.trim() };
    return found.value.node.appendEntry({
      kind: "disbursement",
      amount: amount.value,
      currency: input.currency,
      memo: input.memo.trim(),
      ...payee,
      ...(input.proposal ? { proposal: input.proposal } : {}),
    });
  },

  async "purse.transfer"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const amount = amountIn(found.value.model, input.amount, input.currency, host.now());
    if (!amount.ok) return amount;
    return found.value.node.appendEntry({ kind: "transfer", amount: amount.value, currency: input.currency, memo: input.memo.trim(), to: input.to });
  },

  async "purse.exchange"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const amount = amountIn(found.value.model, input.amount, input.currency, host.now());
    if (!amount.ok) return amount;
    return found.value.node.appendEntry({
      kind: "exchange",
      amount: amount.value,
      currency: input.currency,
      memo: input.memo.trim(),
      partner: input.partner.trim(),
      direction: input.direction,
      ...(input.proposal ? { proposal: input.proposal } : {}),
    });
  },

  async "purse.ledger"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    return { ok: true, value: ledgerPage(found.value.model, input) };
  },

  async "purse.history"(input, host) {
    // While a large purse is still loading, the history saved with the last view answers at once.
    const saved = host.nodes.get(input.commune)?.historyNow(input.currency, input.points);
    const history = saved ? await saved : undefined;
    if (history) return { ok: true, value: history };
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const { model } = found.value;
    const codes = input.currency ? [input.currency] : Object.keys(model.purse.purse);
    return { ok: true, value: codes.map((currency) => ({ currency, points: purseHistory(model.purse.entries, currency, input.points) })) };
  },
};

import type { PrivateCommunes } from "../commune/private-communes";
import type { CommandName, CommandResults, ParsedInput } from "../../shared/commands/commands";
import { currencyAt } from "../../shared/commune/state";
import type { KeyPair } from "../../shared/identity/keys";
import type { HostCrypto } from "../signatures/host-crypto";
import { parseAmount } from "../../shared/money/amount";
import { fail, failWith, ok, reworded, type Result } from "../../shared/result";
import type { Currency } from "../../shared/money/currency";
import type { CommuneModel } from "../commune/commune-model";
import type { CommuneNode, NodeContext } from "../commune/commune-node";
import type { RelayLinkFactory } from "../commune/relay-link";
import type { CommuneRecord } from "../store/commune-index";

/** What a command handler may use of the host. */
export interface HostContext {
  readonly dataDir: string;
  readonly keys: KeyPair;
  /** Signs and checks every record the host writes or reads. */
  readonly crypto: HostCrypto;
  readonly index: ReadonlyMap<string, CommuneRecord>;
  readonly nodes: Map<string, CommuneNode>;
  /** Keeps a commune's node open here, with what watches it (the partner rosters); the one way a node joins `nodes`. */
  addNode(node: CommuneNode): void;
  readonly links: RelayLinkFactory;
  readonly joinTimeoutMs: number;
  /** The communes whose epoch keys this machine holds (issue 13). */
  readonly privateCommunes: PrivateCommunes;
  name(): string;
  rename(name: string): Promise<Result<unknown>>;
  now(): number;
  node(commune: string): Result<CommuneNode>;
  nodeContext(): NodeContext;
  /** Saves a commune in this machine's index of communes. */
  remember(record: CommuneRecord): Promise<void>;
}

/** How far a long command (export, import, join) has got; front ends show it as a progress bar. */
export type ProgressReporter = (progress: { done: number; total?: number; label: string }) => void;

export type Handler<K extends CommandName> = (input: ParsedInput<K>, host: HostContext, progress: ProgressReporter) => Promise<Result<CommandResults[K]>>;
export type Handlers<K extends CommandName> = { [N in K]: Handler<N> };

/** The node and its current model, or why the commune cannot be used. */
export async function communeModel(host: HostContext, commune: string): Promise<Result<{ node: CommuneNode; model: CommuneModel }>> {
  const node = host.node(commune);
  if (!node.ok) return node;
  await node.value.whenLoaded();
  const model = node.value.model();
  if (!model.ok) return model;
  return ok({ node: node.value, model: model.value });
}

/** An amount a person typed, in minor units of a currency the commune has now. */
export function amountIn(model: CommuneModel, text: string, code: string, now: number): Result<number> {
  const currency = currencyAt(model.state, code, now);
  if (!currency) return fail("currency.notInCommune", `${code} is not one of this commune's currencies.`, { field: "currency" });
  const amount = parseAmount(text, currency);
  return amount.ok ? amount : failWith({ ...amount.error, field: "amount" });
}

/** A deadline given as days from now or as a time. */
export function deadlineOf(deadline: { days: number } | { at: number }, now: number): number {
  return "days" in deadline ? now + Math.round(deadline.days * 86_400_000) : deadline.at;
}

/** Amounts typed per currency code ("50.00", "0" for none), in minor units, or the first that cannot be read, named by `label`. */
export function amountsPerCurrency(
  typed: Record<string, string>,
  currencyOf: (code: string) => Currency | undefined,
  label: string,
  field: string,
): Result<Record<string, number>> {
  const amounts: Record<string, number> = {};
  for (const [code, text] of Object.entries(typed)) {
    const currency = currencyOf(code);
    if (!currency) return fail("currency.notInCommune", `${code} is not one of this commune's currencies.`, { field });
    const amount = parseAmount(text, currency, { allowZero: true });
    if (!amount.ok) return reworded(amount.error, (message) => `${label} for ${code}: ${message}`, { field, params: { currency: code } });
    amounts[code] = amount.value;
  }
  return ok(amounts);
}

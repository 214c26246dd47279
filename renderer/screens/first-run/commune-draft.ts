import type { CommandInput } from "../../../shared/commands/commands";
import { FOUNDING_DEFAULTS, parsePercent } from "../../../shared/commune/rules";
import type { SpendPeriod } from "../../../shared/commune/spend-period";
import { characters, LIMITS } from "../../../shared/docs/fields";
import { parseRelayUrl } from "../../../shared/docs/link";
import { parseAmount } from "../../../shared/money/amount";
import { MAX_DECIMALS, validateCurrency, type Currency } from "../../../shared/money/currency";

/**
 * The "create a commune" form as the member typed it, and the one function
 * that turns it into the host's command input or says, field by field, what
 * is wrong. The host checks everything again; this only lets the form answer
 * while the member types.
 */
export interface CurrencyDraft {
  key: number;
  code: string;
  name: string;
  decimals: string;
  /** What each member may take out without a proposal in a spend period, as typed; empty means nothing. */
  spendLimit: string;
}

export interface RelayDraft {
  key: number;
  url: string;
}

export interface CommuneDraft {
  name: string;
  currencies: CurrencyDraft[];
  quorum: string;
  threshold: string;
  allowBlock: boolean;
  admission: "direct" | "proposal";
  /** The calendar period every currency's spend limit runs over. */
  spendPeriod: SpendPeriod;
  relays: RelayDraft[];
  /** Founded plaintext, for a relay still on an older version: off unless the member chooses it (communes are private by default). */
  plaintext: boolean;
}

export const DEFAULT_RELAY = "ws://127.0.0.1:3030";

export const initialDraft = (): CommuneDraft => ({
  name: "",
  currencies: [
    { key: 1, code: "EUR", name: "Euro", decimals: "2", spendLimit: "50.00" },
    { key: 2, code: "HOURS", name: "Labour hours", decimals: "2", spendLimit: "" },
  ],
  quorum: "50",
  threshold: "50",
  allowBlock: false,
  admission: "direct",
  spendPeriod: FOUNDING_DEFAULTS.spendPeriod,
  relays: [{ key: 1, url: DEFAULT_RELAY }],
  plaintext: false,
});

export interface DraftProblems {
  name?: string;
  quorum?: string;
  threshold?: string;
  /** By CurrencyDraft key. */
  currencies: Record<number, { code?: string; name?: string; decimals?: string; spendLimit?: string }>;
  /** By RelayDraft key. */
  relays: Record<number, string>;
  /** Problems of the form as a whole. */
  form?: string;
}

/** A relay address the host can dial, by the host's own rule (parseRelayUrl), in its words. */
export function relayProblem(url: string): string | undefined {
  const parsed = parseRelayUrl(url.trim());
  return parsed.ok ? undefined : parsed.error.message;
}

/** Which box of a currency row a problem of validateCurrency belongs in, by the field it names. */
const CURRENCY_FIELDS: Record<string, "code" | "name" | "decimals"> = { code: "code", name: "name", decimals: "decimals" };

export function checkDraft(
  draft: CommuneDraft,
): { input: CommandInput<"commune.create">; problems: undefined } | { input: undefined; problems: DraftProblems } {
  const problems: DraftProblems = { currencies: {}, relays: {} };

  const name = draft.name.trim();
  if (name === "") problems.name = "Give the commune a name";
  else if (characters(name) > LIMITS.name) problems.name = `A commune name can be at most ${LIMITS.name} characters`;

  const quorum = parsePercent("quorumPercent", draft.quorum);
  if (!quorum.ok) problems.quorum = quorum.error.message;
  const threshold = parsePercent("thresholdPercent", draft.threshold);
  if (!threshold.ok) problems.threshold = threshold.error.message;

  const currencies: Currency[] = [];
  const spendLimit: Record<string, string> = {};
  const seen = new Set<string>();
  if (draft.currencies.length === 0) problems.form = "A commune needs at least one currency";
  for (const row of draft.currencies) {
    const rowProblems: DraftProblems["currencies"][number] = {};
    const code = row.code.trim();
    const decimalsText = row.decimals.trim();
    const decimals = /^[0-9]$/.test(decimalsText) ? Number(decimalsText) : Number.NaN;
    const currency: Currency = { code, name: row.name.trim(), decimals };
    if (!/^[0-9]$/.test(decimalsText) || decimals > MAX_DECIMALS) rowProblems.decimals = `0 to ${MAX_DECIMALS} decimals, as a whole number`;
    const valid = validateCurrency({ ...currency, decimals: Number.isNaN(decimals) ? 0 : decimals });
    if (!valid.ok) {
      const field = CURRENCY_FIELDS[valid.error.field ?? ""] ?? "decimals";
      rowProblems[field] ??= valid.error.message;
    }
    if (!rowProblems.code && seen.has(code)) rowProblems.code = `${code} is already listed`;
    seen.add(code);
    if (row.spendLimit.trim() !== "" && !rowProblems.decimals && !rowProblems.code) {
      const limit = parseAmount(row.spendLimit, currency, { allowZero: true });
      if (!limit.ok) rowProblems.spendLimit = limit.error.message;
      else spendLimit[code] = row.spendLimit.trim();
    }
    if (Object.keys(rowProblems).length > 0) problems.currencies[row.key] = rowProblems;
    else currencies.push(currency);
  }

  const relays: string[] = [];
  for (const row of draft.relays) {
    if (row.url.trim() === "") continue;
    const problem = relayProblem(row.url);
    if (problem) problems.relays[row.key] = problem;
    else relays.push(row.url.trim());
  }

  const bad = problems.name ?? problems.form ?? Object.keys(problems.currencies)[0] ?? Object.keys(problems.relays)[0];
  if (bad !== undefined || !quorum.ok || !threshold.ok) return { input: undefined, problems };
  return {
    input: {
      name,
      currencies,
      rules: {
        quorumPercent: quorum.value,
        thresholdPercent: threshold.value,
        allowBlock: draft.allowBlock,
        admission: draft.admission,
        spendLimit,
        spendPeriod: draft.spendPeriod,
      },
      relays,
      private: !draft.plaintext,
    },
    problems: undefined,
  };
}

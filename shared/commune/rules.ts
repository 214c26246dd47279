import type { Currency } from "../money/currency";
import { fail, ok, problem, type Problem, type Result } from "../result";
import { DEFAULT_SPEND_PERIOD, SPEND_PERIODS, type SpendPeriod } from "./spend-period";

/**
 * How a commune decides. Shares are whole percentages so every member
 * compares them with integer arithmetic and gets the same answer.
 */
export interface Rules {
  /** Share of the electorate that must vote (any choice) for a decision: 0-100. */
  quorumPercent: number;
  /** Share of yes among yes + no needed to pass: 1-100. */
  thresholdPercent: number;
  /** Consent: a single "block" vote vetoes the proposal. */
  allowBlock: boolean;
  /**
   * The most (minor units, per currency) each member may take out of the
   * purse without citing a passed spend proposal within one `spendPeriod`:
   * every disbursement and outgoing exchange of theirs that cites none adds
   * up. Missing means 0.
   */
  spendLimit: Record<string, number>;
  /**
   * The calendar period in UTC (ISO weeks from Monday) the spend limit runs
   * over. Rules signed before the field existed have none and read as
   * "month" (`spendPeriodIn`): a per-entry limit of 50 EUR becomes 50 EUR a
   * month per member, the cap such a commune most plausibly meant, since a
   * limit per entry was got round by splitting a payment. A new commune
   * always writes it.
   */
  spendPeriod?: SpendPeriod;
  /**
   * Per currency, the amount (minor units) above which a member is asked to
   * confirm an entry before it is signed (shared/purse/unusual.ts): a
   * commune's own idea of "a lot". Asks, never refuses. Missing or 0: none.
   */
  confirmAbove?: Record<string, number>;
  /**
   * Per partner commune id, per currency: the most (minor units) that
   * partner may owe us through exchanges (issue 14). An exchange out that
   * would take it past this is refused (shared/partners/account.ts
   * `creditLimitProblem`). Set by a rule proposal; a partner or currency
   * not listed has no limit.
   */
  partnerCredit?: Record<string, Record<string, number>>;
  /** "direct": a valid invite admits its holder; "proposal": the holder waits for a passed admit proposal. */
  admission: "direct" | "proposal";
  /** Currencies can be added by a rule change, never altered or removed: old amounts must keep their meaning. */
  currencies: Currency[];
}

/** What a passed "rule" proposal changes. Absent fields stay as they were. */
export interface RuleChange {
  quorumPercent?: number;
  thresholdPercent?: number;
  allowBlock?: boolean;
  spendLimit?: Record<string, number>;
  spendPeriod?: SpendPeriod;
  /** Merged into the rules' like `spendLimit`; 0 takes a currency's threshold away. */
  confirmAbove?: Record<string, number>;
  /** Merged per partner, then per currency, into the rules'. */
  partnerCredit?: Record<string, Record<string, number>>;
  admission?: "direct" | "proposal";
  addCurrencies?: Currency[];
}

/** What a new commune decides by unless its founder says otherwise: simple majority, half of the members voting, no vetoes, invites admit, spend limits per month. */
export const FOUNDING_DEFAULTS: Omit<Required<Rules>, "currencies" | "spendLimit" | "confirmAbove" | "partnerCredit"> = {
  quorumPercent: 50,
  thresholdPercent: 50,
  allowBlock: false,
  admission: "direct",
  spendPeriod: DEFAULT_SPEND_PERIOD,
};

/** The shares a commune decides by: whole percentages in these ranges (a threshold of 0 would pass a proposal nobody supports). */
export const PERCENT_RANGES = {
  quorumPercent: { min: 0, max: 100, label: "Quorum" },
  thresholdPercent: { min: 1, max: 100, label: "Approval threshold" },
} as const;

export type PercentField = keyof typeof PERCENT_RANGES;

/** Why `value` cannot be this share of the rules, or undefined when it can. */
export function percentProblem(field: PercentField, value: number): Problem | undefined {
  const { min, max, label } = PERCENT_RANGES[field];
  if (Number.isInteger(value) && value >= min && value <= max) return undefined;
  return problem("rules.badPercent", `${label} must be a whole percentage from ${min} to ${max}`, { field: `rules.${field}`, params: { min, max } });
}

/** A share as a person types it ("50", " 100 "): digits only, then the range of `percentProblem`. */
export function parsePercent(field: PercentField, text: string): Result<number> {
  const trimmed = text.trim();
  const value = /^[0-9]{1,3}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  const refused = percentProblem(field, value);
  return refused ? fail(refused.code, refused.message, { field: refused.field, params: refused.params }) : ok(value);
}

/** The first reason these rules cannot govern a commune, or undefined when they can. */
export function rulesProblem(rules: Rules): string | undefined {
  const percent = percentProblem("quorumPercent", rules.quorumPercent) ?? percentProblem("thresholdPercent", rules.thresholdPercent);
  if (percent) return percent.message;
  if (rules.currencies.length === 0) return "A commune needs at least one currency";
  const codes = new Set<string>();
  for (const currency of rules.currencies) {
    if (codes.has(currency.code)) return `Currency ${currency.code} is defined twice`;
    codes.add(currency.code);
  }
  if (rules.spendPeriod !== undefined && !SPEND_PERIODS.includes(rules.spendPeriod)) return `The spend period must be one of ${SPEND_PERIODS.join(", ")}`;
  for (const [code, limit] of Object.entries(rules.spendLimit)) {
    if (!codes.has(code)) return `The spend limit names ${code}, which is not one of the commune's currencies`;
    if (!Number.isSafeInteger(limit) || limit < 0) return `The spend limit for ${code} must be zero or a positive amount`;
  }
  for (const [code, threshold] of Object.entries(rules.confirmAbove ?? {})) {
    if (!codes.has(code)) return `The amount to confirm names ${code}, which is not one of the commune's currencies`;
    if (!Number.isSafeInteger(threshold) || threshold < 0) return `The amount to confirm in ${code} must be zero or a positive amount`;
  }
  for (const limits of Object.values(rules.partnerCredit ?? {})) {
    for (const [code, limit] of Object.entries(limits)) {
      if (!codes.has(code)) return `A partner's credit limit names ${code}, which is not one of the commune's currencies`;
      if (!Number.isSafeInteger(limit) || limit < 0) return `A partner's credit limit in ${code} must be zero or a positive amount`;
    }
  }
  return undefined;
}

/** The rules after a passed rule proposal, or why the change cannot apply to them. */
export function applyRuleChange(rules: Rules, change: RuleChange): { rules: Rules } | { problem: string } {
  const addCurrencies = change.addCurrencies ?? [];
  const clash = addCurrencies.find((added) => rules.currencies.some((existing) => existing.code === added.code));
  if (clash) return { problem: `Currency ${clash.code} already exists and cannot be redefined` };
  const next: Rules = {
    quorumPercent: change.quorumPercent ?? rules.quorumPercent,
    thresholdPercent: change.thresholdPercent ?? rules.thresholdPercent,
    allowBlock: change.allowBlock ?? rules.allowBlock,
    admission: change.admission ?? rules.admission,
    spendLimit: { ...rules.spendLimit, ...change.spendLimit },
    currencies: [...rules.currencies, ...addCurrencies],
  };
  const spendPeriod = change.spendPeriod ?? rules.spendPeriod;
  if (spendPeriod !== undefined) next.spendPeriod = spendPeriod;
  if (rules.confirmAbove !== undefined || change.confirmAbove !== undefined) next.confirmAbove = { ...rules.confirmAbove, ...change.confirmAbove };
  if (rules.partnerCredit !== undefined || change.partnerCredit !== undefined) {
    const credit: Record<string, Record<string, number>> = { ...rules.partnerCredit };
    for (const [partner, limits] of Object.entries(change.partnerCredit ?? {})) credit[partner] = { ...credit[partner], ...limits };
    next.partnerCredit = credit;
  }
  const problem = rulesProblem(next);
  return problem ? { problem } : { rules: next };
}

import type { CommandInput } from "../../../shared/commands/commands";
import { parseDays, VOTING_DAYS } from "../../../shared/commune/days";
import { parsePercent, type PercentField } from "../../../shared/commune/rules";
import type { SpendPeriod } from "../../../shared/commune/spend-period";
import { publicKeyProblem } from "../../../shared/docs/fields";
import { parseAmount } from "../../../shared/money/amount";
import { validateCurrency, type Currency } from "../../../shared/money/currency";
import type { ProposalKind } from "../../../shared/proposals/proposal";

/**
 * A proposal as the form holds it (everything is text a person typed), the
 * problems to show beside each field while they type, and the command it
 * becomes. The messages are the host's own wording, so the form never says
 * something different from what the host would answer.
 */
export interface ProposalDraft {
  kind: DraftKind;
  title: string;
  body: string;
  days: string;
  amount: string;
  currency: string;
  payeeKind: "member" | "outside";
  payeeMember: string;
  payeeOutside: string;
  memberKey: string;
  memberName: string;
  removeMember: string;
  quorum: string;
  threshold: string;
  allowBlock: "" | "yes" | "no";
  admission: "" | "direct" | "proposal";
  limitCurrency: string;
  limitAmount: string;
  /** The period spend limits run over; empty: no change. */
  spendPeriod: "" | SpendPeriod;
  /** The amount above which members are asked to confirm an entry; empty: no change, "0": none. */
  confirmCurrency: string;
  confirmAmount: string;
  addCode: string;
  addName: string;
  addDecimals: string;
  /** Keep the counts and who voted what out of sight until it closes. */
  hideVotes: boolean;
}

export type DraftField = keyof ProposalDraft | "rule";
export type DraftProblems = Partial<Record<DraftField, string>>;

/** The kinds the new-proposal form writes; a reversal is proposed from the payment's row in the ledger, a partnership from a pasted partner offer. */
export type DraftKind = Exclude<ProposalKind, "reverse" | "partner" | "partner-end">;

export function emptyDraft(kind: DraftKind, currency: string): ProposalDraft {
  return {
    kind,
    title: "",
    body: "",
    days: "7",
    amount: "",
    currency,
    payeeKind: "member",
    payeeMember: "",
    payeeOutside: "",
    memberKey: "",
    memberName: "",
    removeMember: "",
    quorum: "",
    threshold: "",
    allowBlock: "",
    admission: "",
    limitCurrency: currency,
    limitAmount: "",
    spendPeriod: "",
    confirmCurrency: currency,
    confirmAmount: "",
    addCode: "",
    addName: "",
    addDecimals: "2",
    hideVotes: false,
  };
}

/** A member's public key, by the same schema the host reads records with. */
export const isMemberKey = (text: string): boolean => publicKeyProblem(text) === undefined;

/** "7" or "0.5" days, read as the CLI and the host read them. */
export function daysProblem(text: string): string | undefined {
  const days = parseDays(text, VOTING_DAYS);
  return days.ok ? undefined : days.error.message;
}

/** A share of the rules by the host's own rule (parsePercent), or empty (no change). */
function percentProblem(text: string, field: PercentField): string | undefined {
  if (text.trim() === "") return undefined;
  const parsed = parsePercent(field, text);
  return parsed.ok ? undefined : parsed.error.message;
}

/** Which box of the added currency a problem of validateCurrency belongs in, by the field it names. */
const ADDED_CURRENCY_FIELDS: Record<string, DraftField> = { code: "addCode", name: "addName", decimals: "addDecimals" };

function currencyNamed(code: string, currencies: readonly Currency[]): Currency | undefined {
  return currencies.find((currency) => currency.code === code);
}

function addedCurrency(draft: ProposalDraft): Currency | undefined {
  if (draft.addCode.trim() === "" && draft.addName.trim() === "") return undefined;
  return { code: draft.addCode.trim(), name: draft.addName.trim(), decimals: Number(draft.addDecimals) };
}

/** Every field's problem for the chosen kind; an empty object means the draft can be sent. */
export function draftProblems(draft: ProposalDraft, currencies: readonly Currency[]): DraftProblems {
  const problems: DraftProblems = {};
  if (draft.title.trim() === "") problems.title = "A proposal needs a title";
  const days = daysProblem(draft.days);
  if (days) problems.days = days;
  switch (draft.kind) {
    case "spend": {
      const currency = currencyNamed(draft.currency, currencies);
      if (!currency) problems.currency = "Choose one of the commune's currencies";
      else {
        const amount = parseAmount(draft.amount, currency);
        if (!amount.ok) problems.amount = amount.error.message;
      }
      if (draft.payeeKind === "member" && !isMemberKey(draft.payeeMember)) problems.payeeMember = "Choose the member who receives it";
      if (draft.payeeKind === "outside" && draft.payeeOutside.trim() === "") problems.payeeOutside = "A spend proposal needs a payee";
      break;
    }
    case "admit":
      {
        const keyProblem = publicKeyProblem(draft.memberKey.trim());
        if (keyProblem) problems.memberKey = keyProblem;
      }
      if (draft.memberName.trim() === "") problems.memberName = "An admit proposal needs the new member's name";
      break;
    case "remove":
      if (!isMemberKey(draft.removeMember)) problems.removeMember = "Choose the member to remove";
      break;
    case "rule":
      Object.assign(problems, ruleProblems(draft, currencies));
      break;
    case "general":
      break;
  }
  return problems;
}

function ruleProblems(draft: ProposalDraft, currencies: readonly Currency[]): DraftProblems {
  const problems: DraftProblems = {};
  const quorum = percentProblem(draft.quorum, "quorumPercent");
  if (quorum) problems.quorum = quorum;
  const threshold = percentProblem(draft.threshold, "thresholdPercent");
  if (threshold) problems.threshold = threshold;
  const added = addedCurrency(draft);
  if (added) {
    const valid = validateCurrency(added);
    if (currencies.some((currency) => currency.code === added.code)) problems.addCode = `Currency ${added.code} already exists and cannot be redefined`;
    else if (!valid.ok) problems[ADDED_CURRENCY_FIELDS[valid.error.field ?? ""] ?? "addCode"] = valid.error.message;
  }
  if (draft.limitAmount.trim() !== "") {
    const currency = currencyNamed(draft.limitCurrency, currencies) ?? (added?.code === draft.limitCurrency ? added : undefined);
    if (!currency) problems.limitCurrency = "Choose one of the commune's currencies";
    else {
      const amount = parseAmount(draft.limitAmount, currency, { allowZero: true });
      if (!amount.ok) problems.limitAmount = `Spend limit for ${currency.code}: ${amount.error.message}`;
    }
  }
  if (draft.confirmAmount.trim() !== "") {
    const currency = currencyNamed(draft.confirmCurrency, currencies) ?? (added?.code === draft.confirmCurrency ? added : undefined);
    if (!currency) problems.confirmCurrency = "Choose one of the commune's currencies";
    else {
      const amount = parseAmount(draft.confirmAmount, currency, { allowZero: true });
      if (!amount.ok) problems.confirmAmount = `Amount to confirm for ${currency.code}: ${amount.error.message}`;
    }
  }
  const changesSomething =
    draft.quorum.trim() !== "" ||
    draft.threshold.trim() !== "" ||
    draft.allowBlock !== "" ||
    draft.admission !== "" ||
    draft.limitAmount.trim() !== "" ||
    draft.spendPeriod !== "" ||
    draft.confirmAmount.trim() !== "" ||
    added !== undefined;
  if (!changesSomething) problems.rule = "A rule proposal must change at least one rule";
  return problems;
}

/** The command the draft becomes; call only when `draftProblems` is empty. */
export function draftInput(draft: ProposalDraft, commune: string): CommandInput<"proposal.create"> {
  const base = {
    commune,
    title: draft.title.trim(),
    body: draft.body,
    deadline: { days: Number(draft.days.trim()) },
    ...(draft.hideVotes ? { hideVotes: true } : {}),
  };
  switch (draft.kind) {
    case "spend":
      return {
        ...base,
        kind: "spend",
        amount: draft.amount.trim(),
        currency: draft.currency,
        payee: draft.payeeKind === "member" ? { member: draft.payeeMember } : { outside: draft.payeeOutside.trim() },
      };
    case "admit":
      return { ...base, kind: "admit", member: draft.memberKey.trim(), name: draft.memberName.trim() };
    case "remove":
      return { ...base, kind: "remove", member: draft.removeMember };
    case "general":
      return { ...base, kind: "general" };
    case "rule": {
      const added = addedCurrency(draft);
      return {
        ...base,
        kind: "rule",
        change: {
          ...(draft.quorum.trim() !== "" ? { quorumPercent: Number(draft.quorum.trim()) } : {}),
          ...(draft.threshold.trim() !== "" ? { thresholdPercent: Number(draft.threshold.trim()) } : {}),
          ...(draft.allowBlock !== "" ? { allowBlock: draft.allowBlock === "yes" } : {}),
          ...(draft.admission !== "" ? { admission: draft.admission } : {}),
          ...(draft.limitAmount.trim() !== "" ? { spendLimit: { [draft.limitCurrency]: draft.limitAmount.trim() } } : {}),
          ...(draft.spendPeriod !== "" ? { spendPeriod: draft.spendPeriod } : {}),
          ...(draft.confirmAmount.trim() !== "" ? { confirmAbove: { [draft.confirmCurrency]: draft.confirmAmount.trim() } } : {}),
          ...(added ? { addCurrencies: [added] } : {}),
        },
      };
    }
  }
}

import { describe, expect, it } from "vitest";
import { genesisSchema, ruleChangeSchema } from "../docs/records";
import { parseWith } from "../docs/reasons";
import { genesis } from "../testing/sample-docs";
import { applyRuleChange } from "./rules";
import { DEFAULT_SPEND_PERIOD, perMemberPer, spendPeriodIn, spendPeriodOf } from "./spend-period";

const at = (iso: string): number => Date.parse(iso);

describe("the calendar period an instant falls in, in UTC", () => {
  it("names the day, the ISO week, the month and the year", () => {
    const friday = at("2026-12-04T15:30:00Z");
    expect(spendPeriodOf(friday, "day")).toEqual({ key: "2026-12-04", words: "4 December 2026" });
    expect(spendPeriodOf(friday, "week")).toEqual({ key: "2026-W49", words: "the week of 30 November 2026" });
    expect(spendPeriodOf(friday, "month")).toEqual({ key: "2026-12", words: "December 2026" });
    expect(spendPeriodOf(friday, "year")).toEqual({ key: "2026", words: "2026" });
  });

  it("turns the day at UTC midnight, whatever the machine's time zone", () => {
    expect(spendPeriodOf(at("2026-03-01T23:59:59.999Z"), "day").key).toBe("2026-03-01");
    expect(spendPeriodOf(at("2026-03-02T00:00:00.000Z"), "day").key).toBe("2026-03-02");
  });

  it("starts a week on Monday: Sunday night and Monday morning are two weeks", () => {
    const sunday = spendPeriodOf(at("2026-12-06T23:59:59.999Z"), "week");
    const monday = spendPeriodOf(at("2026-12-07T00:00:00.000Z"), "week");
    expect(sunday).toEqual({ key: "2026-W49", words: "the week of 30 November 2026" });
    expect(monday).toEqual({ key: "2026-W50", words: "the week of 7 December 2026" });
  });

  it("keeps a week that spans a new year whole, under the year its Thursday falls in", () => {
    // 2026-12-28 is a Monday; its Thursday is 31 December, so the week is 2026's last, 53rd.
    expect(spendPeriodOf(at("2026-12-28T08:00:00Z"), "week")).toEqual({ key: "2026-W53", words: "the week of 28 December 2026" });
    expect(spendPeriodOf(at("2027-01-03T20:00:00Z"), "week")).toEqual({ key: "2026-W53", words: "the week of 28 December 2026" });
    expect(spendPeriodOf(at("2027-01-04T00:00:00Z"), "week").key).toBe("2027-W01");
    // 2025-12-29 is a Monday whose Thursday is 1 January 2026: week 1 of 2026.
    expect(spendPeriodOf(at("2025-12-29T00:00:00Z"), "week").key).toBe("2026-W01");
  });

  it("turns the month and the year at their last millisecond", () => {
    expect(spendPeriodOf(at("2026-02-28T23:59:59.999Z"), "month").key).toBe("2026-02");
    expect(spendPeriodOf(at("2026-03-01T00:00:00.000Z"), "month").key).toBe("2026-03");
    expect(spendPeriodOf(at("2026-12-31T23:59:59.999Z"), "year").key).toBe("2026");
    expect(spendPeriodOf(at("2027-01-01T00:00:00.000Z"), "year")).toEqual({ key: "2027", words: "2027" });
  });

  it("puts every time a calendar cannot show in one period, so far-off dates share one allowance", () => {
    const far = spendPeriodOf(Number.MAX_SAFE_INTEGER, "day");
    expect(spendPeriodOf(9e15, "day")).toEqual(far);
    expect(far.words).toBe("a time outside the calendar");
  });

  it("keeps periods of different lengths apart", () => {
    const keys = (["day", "week", "month", "year"] as const).map((period) => spendPeriodOf(at("2026-01-01T00:00:00Z"), period).key);
    expect(new Set(keys).size).toBe(4);
  });
});

describe("the spend period in the rules", () => {
  it("reads rules that name no period, signed before it existed, as a month", () => {
    expect(DEFAULT_SPEND_PERIOD).toBe("month");
    expect(spendPeriodIn({})).toBe("month");
    expect(spendPeriodIn({ spendPeriod: "week" })).toBe("week");
  });

  it("labels a limit per member and period", () => {
    expect(perMemberPer("month")).toBe("per member per month");
  });

  it("reads a signed genesis without a period, as communes founded before it wrote, and refuses a period that is no calendar period", () => {
    expect(genesis.rules.spendPeriod).toBeUndefined();
    expect(parseWith(genesisSchema, genesis).ok).toBe(true);
    expect(parseWith(genesisSchema, { ...genesis, rules: { ...genesis.rules, spendPeriod: "week" } }).ok).toBe(true);
    const fortnight = parseWith(genesisSchema, { ...genesis, rules: { ...genesis.rules, spendPeriod: "fortnight" } });
    expect(fortnight.ok ? "ok" : fortnight.error.message).toBe("rules.spendPeriod must be one of day, week, month, year");
  });

  it("lets a rule change set the period alone, and keeps the period a change does not name", () => {
    expect(parseWith(ruleChangeSchema, { spendPeriod: "day" }).ok).toBe(true);
    const weekly = applyRuleChange(genesis.rules, { spendPeriod: "week" });
    expect("rules" in weekly && weekly.rules.spendPeriod).toBe("week");
    const raised = "rules" in weekly ? applyRuleChange(weekly.rules, { spendLimit: { EUR: 100_00 } }) : weekly;
    expect("rules" in raised && [raised.rules.spendPeriod, raised.rules.spendLimit.EUR]).toEqual(["week", 100_00]);
    const unnamed = applyRuleChange(genesis.rules, { quorumPercent: 60 });
    expect("rules" in unnamed && spendPeriodIn(unnamed.rules)).toBe("month");
  });
});

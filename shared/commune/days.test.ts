import { describe, expect, it } from "vitest";
import { INVITE_DAYS, parseDays, VOTING_DAYS } from "./days";
import { MAX_INVITE_DAYS } from "./events";
import { MAX_VOTING_DAYS } from "./proposal-validity";

describe("a number of days as a person types it", () => {
  it("reads whole and fractional days, trimmed", () => {
    expect(parseDays(" 7 ", VOTING_DAYS)).toEqual({ ok: true, value: 7 });
    expect(parseDays("0.5", INVITE_DAYS)).toEqual({ ok: true, value: 0.5 });
  });

  it("refuses what is not written in digits, with the same words in every front end", () => {
    for (const text of ["seven", "1e3", "-1", "Infinity", "7 days", "0x10", ".5"]) {
      expect(parseDays(text, VOTING_DAYS)).toMatchObject({
        ok: false,
        error: { code: "days.notANumber", message: "Write the number of days in digits, such as 7" },
      });
    }
    expect(parseDays("  ", INVITE_DAYS)).toMatchObject({ ok: false, error: { code: "days.missing" } });
  });

  it("holds each use to the limit the host's command schema holds it to, in that use's words", () => {
    expect(parseDays(String(MAX_VOTING_DAYS), VOTING_DAYS).ok).toBe(true);
    expect(parseDays(String(MAX_VOTING_DAYS + 1), VOTING_DAYS)).toMatchObject({
      ok: false,
      error: { code: "days.tooMany", message: `Voting can stay open for at most ${MAX_VOTING_DAYS} days` },
    });
    expect(parseDays(String(MAX_INVITE_DAYS + 0.5), INVITE_DAYS)).toMatchObject({
      ok: false,
      error: { code: "days.tooMany", params: { max: MAX_INVITE_DAYS } },
    });
    expect(parseDays("0", INVITE_DAYS)).toMatchObject({ ok: false, error: { code: "days.notPositive", message: "An invite must be valid for some time" } });
    expect(parseDays("0.000", VOTING_DAYS)).toMatchObject({ ok: false, error: { message: "The deadline must be after the proposal is made" } });
    expect(parseDays("0.001", VOTING_DAYS)).toMatchObject({
      ok: false,
      error: { code: "days.tooFew", message: "A proposal needs at least 1 hour for members to vote; the deadline given is in 86 seconds" },
    });
    expect(parseDays("0.04", VOTING_DAYS)).toMatchObject({
      ok: false,
      error: { code: "days.tooFew", message: "A proposal needs at least 1 hour for members to vote; the deadline given is in 57 minutes" },
    });
    expect(parseDays("0.0417", VOTING_DAYS).ok).toBe(true);
    expect(parseDays("0.001", INVITE_DAYS).ok).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { marksWords } from "./marks-words";

const day = (hour: number) => Date.UTC(2026, 11, 10, hour);
const iso = (at: number) => new Date(at).toISOString().slice(11, 16);

describe("what a poll's or a meeting's vote gave, in words", () => {
  const poll = { kind: "poll" as const, options: ["Bikes", "Tools", "Seeds"] };

  it("names the option a single-choice vote picked", () => {
    expect(marksWords(poll, { pick: 1 }, iso)).toBe('picked "Tools"');
  });

  it("names the dots a dot vote gave each option, leaving out the options given none", () => {
    expect(marksWords({ ...poll, dots: 5 }, { dots: [3, 0, 1] }, iso)).toBe('3 dots on "Bikes", 1 dot on "Seeds"');
    expect(marksWords({ ...poll, dots: 5 }, { dots: [0, 0, 0] }, iso)).toBe("no dots");
  });

  it("names the times a member can make, or that none fits", () => {
    const meeting = { kind: "meeting" as const, times: [day(18), day(19)] };
    expect(marksWords(meeting, { times: [0, 1] }, iso)).toBe("can make 18:00, 19:00");
    expect(marksWords(meeting, { times: [] }, iso)).toBe("none of the times fits");
  });

  it("says nothing for a vote whose choice says it all", () => {
    expect(marksWords(undefined, {}, iso)).toBeUndefined();
    expect(marksWords({ kind: "consent" }, {}, iso)).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { closingWords } from "./closing-words";

describe("when an open proposal may close, in words", () => {
  it("says each process's own rule, and the yes/no vote's as before", () => {
    expect(closingWords("consent", true)).toBe("or earlier once every member has consented");
    expect(closingWords("advice", true)).toBe("then the proposer decides");
    expect(closingWords("poll", true)).toBe("or earlier once everyone has voted");
    expect(closingWords(undefined, true)).toBe("or earlier once the outcome can no longer change");
  });
});

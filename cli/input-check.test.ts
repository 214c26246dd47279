import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { describeIssue, inputProblem, labelFor } from "./input-check";
import { parseArgv } from "./parse";
import type { Verb } from "./verb";
import { findVerb } from "./verbs";

const verb = (words: string) => findVerb(words)!;

/** What the CLI says of a command line the schema refuses, or undefined when it passes. */
function problem(...argv: string[]): string | undefined {
  const parsed = parseArgv(argv);
  if (parsed.kind !== "command") throw new Error(`not a command: ${JSON.stringify(parsed)}`);
  return inputProblem(parsed.verb, parsed.plan);
}

describe("input the command's schema refuses, in words about what was typed", () => {
  it("names range problems by the flag a person typed", () => {
    expect(problem("create", "Riverside", "--quorum", "101")).toBe("--quorum must be at most 100");
    expect(problem("create", "Riverside", "--threshold", "0")).toBe("--threshold must be at least 1");
    expect(problem("propose", "rule", "--title", "T", "--quorum", "101")).toBe("--quorum must be at most 100");
    expect(problem("invite", "--days", "0")).toBe("--days must be more than 0");
    expect(problem("propose", "general", "--title", "T", "--days", "367")).toBe("--days must be at most 366");
    expect(problem("propose", "general", "--title", "T", "--days", "0.001")).toBe(
      "--days: A proposal needs at least 1 hour for members to vote; the deadline given is in 86 seconds",
    );
    expect(problem("propose", "general", "--title", "T", "--days", "0.0417")).toBeUndefined();
    expect(problem("ledger", "--limit", "1001")).toBe("--limit must be at most 1000");
  });

  it("names text and list limits, and the schema's own sentences, by flag or argument", () => {
    expect(problem("name", "x".repeat(101))).toBe("the name must be at most 100 characters");
    expect(problem("knowledge", "add", "--title", "T", ...Array.from({ length: 21 }, (_, i) => ["--tag", `t${i}`]).flat())).toBe(
      "--tag can be given at most 20 times",
    );
    expect(problem("contribute", "5", "E")).toBe("the currency must be a currency code such as EUR");
    expect(problem("create", "Riverside", "--spend-limit", "e=5")).toBe("--spend-limit must be a currency code such as EUR");
    expect(problem("create", "Riverside", "--currency", `SEED:${"n".repeat(61)}:0`)).toBe("--currency (name) must be at most 60 characters");
    expect(problem("propose", "spend", "--title", "T", "--amount", "5", "--currency", "EUR", "--payee", "p".repeat(101))).toBe(
      "--payee must be at most 100 characters",
    );
  });

  it("passes what the schema accepts, references and commune still to be looked up", () => {
    expect(problem("contribute", "5", "EUR")).toBeUndefined();
    expect(problem("transfer", "5", "EUR", "--to", "Bo")).toBeUndefined();
    expect(problem("vote", "ab12", "yes")).toBeUndefined();
    expect(problem("create", "Riverside", "--quorum", "60", "--spend-limit", "EUR=50")).toBeUndefined();
  });

  it("words every kind of issue zod reports without zod's words or paths", () => {
    const create = verb("create");
    const issue = (fields: Record<string, unknown>) =>
      ({ path: ["rules", "quorumPercent"], message: "zod's own words", input: 5, ...fields }) as unknown as z.core.$ZodIssue;
    const said = [
      describeIssue(issue({ code: "invalid_type", expected: "number", input: "x" }), create),
      describeIssue(issue({ code: "invalid_type", expected: "number", input: undefined }), create),
      describeIssue(issue({ code: "invalid_value", values: ["direct", "proposal"], path: ["rules", "admission"] }), create),
      describeIssue(issue({ code: "not_multiple_of", divisor: 5 }), create),
      describeIssue(issue({ code: "unrecognized_keys", keys: ["colour"], path: ["rules"] }), create),
      describeIssue(issue({ code: "invalid_union", errors: [], path: ["rules"] }), create),
      describeIssue(issue({ code: "invalid_format", format: "regex", path: ["name"] }), create),
      describeIssue(issue({ code: "custom", message: "must differ from the old one" }), create),
      describeIssue(issue({ code: "too_small", origin: "array", minimum: 1, path: ["currencies"] }), create),
    ];
    expect(said).toEqual([
      "--quorum must be a number",
      "--quorum is required",
      "--admission must be one of direct, proposal",
      "--quorum must be a multiple of 5",
      "the colour does not apply here",
      "the rules is not in a form this command reads",
      "the name is not in the form it takes",
      "--quorum must differ from the old one",
      "--currency must be given at least once",
    ]);
    for (const sentence of said) expect(sentence).not.toMatch(/zod's own words|quorumPercent|Too (big|small)|expected/);
  });

  it("labels nested fields by the flag that fills them", () => {
    const propose = verb("propose") as Verb;
    expect(labelFor(["payee", "member"], propose)).toBe("--to");
    expect(labelFor(["payee", "outside"], propose)).toBe("--payee");
    expect(labelFor(["deadline", "days"], propose)).toBe("--days");
    expect(labelFor(["change", "spendLimit", "EUR"], propose)).toBe("--spend-limit");
    expect(labelFor(["amount"], verb("contribute"))).toBe("the amount");
  });
});

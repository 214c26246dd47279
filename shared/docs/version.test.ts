import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { toStored } from "./automerge-form";
import { checkVersion, SUPPORTED_SCHEMA } from "./version";

describe("document schema versions", () => {
  it("reads schema 1 of every document type", () => {
    for (const type of ["commune", "purse-shard", "proposals", "inventory"] as const) {
      expect(checkVersion({ schema: 1, type }, type)).toEqual({ ok: true, value: 1 });
      expect(SUPPORTED_SCHEMA[type]).toBe(1);
    }
  });

  it("reads the type when it is stored as an ImmutableString in a real Automerge document", () => {
    const doc = A.load(A.save(A.from(toStored({ schema: 1, type: "inventory" }))));
    expect(checkVersion(doc, "inventory")).toEqual({ ok: true, value: 1 });
  });

  it.each([
    ["commune", "This commune"],
    ["purse-shard", "This part of the purse"],
    ["proposals", "This commune's proposals"],
    ["inventory", "This inventory"],
  ] as const)("asks the member to update Commune for a newer %s document", (type, subject) => {
    expect(checkVersion({ schema: 2, type }, type)).toEqual({
      ok: false,
      error: expect.objectContaining({
        message: `${subject} was saved by a newer version of Commune (document schema 2; this version reads up to 1). Update Commune to open it.`,
      }),
    });
  });

  it("names the document's real type when it is another Commune document", () => {
    expect(checkVersion({ schema: 1, type: "inventory" }, "purse-shard")).toEqual({
      ok: false,
      error: expect.objectContaining({ message: "This is not a Commune purse shard document (it is a Commune inventory document)." }),
    });
  });

  it.each([
    [null, "it is not a document at all"],
    [[{ schema: 1, type: "commune" }], "it is not a document at all"],
    ["commune", "it is not a document at all"],
    [{ schema: 1 }, "it has no type"],
    [{ schema: 1, type: "toString" }, "it has an unknown type"],
    [{ schema: 1, type: "ledger" }, "it has an unknown type"],
    [{ type: "commune" }, "it has no schema number"],
    [{ type: "commune", schema: "1" }, "its schema number is not a whole number from 1 up"],
    [{ type: "commune", schema: 1.5 }, "its schema number is not a whole number from 1 up"],
    [{ type: "commune", schema: 0 }, "its schema number is not a whole number from 1 up"],
    [{ type: "commune", schema: Number.POSITIVE_INFINITY }, "its schema number is not a whole number from 1 up"],
  ])("says %j is not a Commune commune document", (raw, why) => {
    expect(checkVersion(raw, "commune")).toEqual({
      ok: false,
      error: expect.objectContaining({ message: `This is not a Commune commune document (${why}).` }),
    });
  });
});

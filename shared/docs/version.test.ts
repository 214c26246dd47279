import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { toStored } from "./automerge-form";
import { newerSchema, schemaOf, SUPPORTED_SCHEMA } from "./version";

describe("document schema versions", () => {
  it("reads schema 1 of every document type", () => {
    for (const type of ["commune", "purse-shard", "proposals", "inventory"] as const) {
      expect(schemaOf({ schema: 1, type }, type)).toEqual({ ok: true, value: 1 });
      expect(SUPPORTED_SCHEMA[type]).toBe(1);
    }
  });

  it("reads the type when it is stored as an ImmutableString in a real Automerge document", () => {
    const doc = A.load(A.save(A.from(toStored({ schema: 1, type: "inventory" }))));
    expect(schemaOf(doc, "inventory")).toEqual({ ok: true, value: 1 });
  });

  it.each([
    ["commune", "This commune"],
    ["purse-shard", "This part of the purse"],
    ["proposals", "This commune's proposals"],
    ["inventory", "This inventory"],
  ] as const)("asks the member to update Commune for a newer %s document", (type, subject) => {
    expect(schemaOf({ schema: 2, type }, type)).toEqual({ ok: true, value: 2 });
    expect(newerSchema(type, 2, false)).toEqual(
      expect.objectContaining({
        message: `${subject} was saved by a newer version of Commune (document schema 2; this version reads up to 1). Update Commune to open it.`,
      }),
    );
    expect(newerSchema(type, 2, true)?.message).toBe(
      `${subject} says it was saved by a newer version of Commune (document schema 2; this version reads up to 1). The records this version can read count as before; update Commune to read the rest.`,
    );
    expect(newerSchema(type, 1, true)).toBeUndefined();
  });

  it("names the document's real type when it is another Commune document", () => {
    expect(schemaOf({ schema: 1, type: "inventory" }, "purse-shard")).toEqual({
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
    expect(schemaOf(raw, "commune")).toEqual({
      ok: false,
      error: expect.objectContaining({ message: `This is not a Commune commune document (${why}).` }),
    });
  });
});

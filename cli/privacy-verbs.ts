import type { PrivacyView } from "../shared/commands/views";
import { clean, formatTime } from "./text";
import { defineVerb, never, planned } from "./verb";

/** The privacy view as text: the same words as Settings. */
export function privacyText(view: PrivacyView, communeName: string): string {
  const lines: string[] = [];
  if (view.private && view.epoch) {
    const started =
      view.epoch.startedAt !== undefined
        ? `, begun ${formatTime(view.epoch.startedAt)}${view.epoch.startedBy ? ` by ${clean(view.epoch.startedBy)}` : ""}`
        : "";
    lines.push(`${clean(communeName)} is private: members encrypt what they write before any relay gets it.`);
    lines.push(`Epoch ${view.epoch.number}${started}; a new epoch begins whenever a member leaves or is removed.`);
    if (view.epoch.holders)
      lines.push(`Its key is held by: ${view.epoch.holders.map((holder) => clean(holder.name)).join(", ")} (and anyone who joined since, by invite).`);
    else lines.push("This machine holds the key its invite carried; who else holds it shows once the epoch's record has synced.");
  } else {
    lines.push(`${clean(communeName)} is not private: its relays store its documents as they are.`);
    if (view.plaintextWhy) lines.push(view.plaintextWhy);
  }
  lines.push("", "A relay's operator can see:", ...view.operatorSees.map((line) => `  - ${line}`));
  lines.push("A relay's operator cannot see:", ...view.operatorCannotSee.map((line) => `  - ${line}`));
  return lines.join("\n");
}

export const privacy = defineVerb<"commune.privacy">({
  verb: "privacy",
  args: [],
  flags: [],
  summary: "whether the commune is private, who holds its key, and what a relay operator can and cannot see",
  scoped: true,
  writes: never,
  build: () => planned("commune.privacy", {}),
  print: ({ value }, { commune }) => privacyText(value, commune?.name ?? "This commune"),
});

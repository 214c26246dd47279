import { useState } from "react";
import type { CommuneView } from "../../../shared/commands/views";
import { useCommand, useView } from "../../link/hooks";
import { Button, Form, NumberField, Notice, Panel, TextArea, Time, fieldProblem, unplaced } from "../../ui";
import { HOST_FIELDS } from "../host-fields";
import { CopyButton } from "../members/CopyButton";

/** Why the typed number of days cannot be sent, as the command's schema allows (partner.offer: more than 0, at most 30). */
function daysProblem(typed: string): string | undefined {
  const days = Number(typed.trim());
  if (typed.trim() === "" || !Number.isFinite(days)) return "Say for how many days the offer may be read: a number from 1 to 30.";
  if (days < 1 || days > 30) return "An offer may be valid for 1 to 30 days.";
  return undefined;
}

/**
 * "Offer a partnership": makes a partner offer string to send to another
 * commune however the members like, and shows until when it can be read. A
 * plaintext commune is told why it cannot: an offer carries the key a
 * partner will seal the partnership's key to, and such a commune has none.
 */
export function OfferPanel({ view }: { view: CommuneView }) {
  const privacy = useView("commune.privacy", { commune: view.id });
  const [days, setDays] = useState("14");
  const [attempted, setAttempted] = useState(false);
  const [made, setMade] = useState<{ offer: string; expiresAt: number }>();
  const [offer, { running, error }] = useCommand("partner.offer");
  const problem = attempted ? daysProblem(days) : undefined;

  const body = (() => {
    if (privacy.value && !privacy.value.private)
      return (
        <Notice>
          {view.name} is a plaintext commune: its relays read everything in it, and it holds no keys. A partnership gives the partner a key to exactly what it
          shares, so it needs a private commune. Found a private commune (the default when founding) to partner with others.
        </Notice>
      );
    if (view.myStatus !== "active") return <Notice>Only an active member of {view.name} can offer a partnership.</Notice>;
    return (
      <Form
        label="Offer a partnership"
        error={unplaced(error, HOST_FIELDS.partnerOffer)}
        onSubmit={() => {
          setAttempted(true);
          if (daysProblem(days) !== undefined) return;
          void offer({ commune: view.id, days: Number(days.trim()) }).then((answer) => setMade(answer));
        }}
      >
        <p className="field__hint">
          An offer tells another commune who {view.name} is and where it syncs, signed by you. Making one commits {view.name} to nothing: partnering is decided
          by a proposal on each side.
        </p>
        <NumberField
          label="Valid for (days)"
          value={days}
          onChange={(value) => {
            setDays(value);
            setMade(undefined);
          }}
          error={problem ?? fieldProblem(error, "days")}
        />
        <div className="button-row">
          <Button type="submit" busy={running}>
            Make a partner offer
          </Button>
        </div>
      </Form>
    );
  })();

  return (
    <Panel title="Offer a partnership">
      {body}
      {made ? (
        <div className="partner-made stack">
          <TextArea label="Partner offer to send" value={made.offer} onChange={() => undefined} readOnly rows={4} className="partner-offer-text" />
          <p>
            Send it to a member of the other commune. It can be read until <Time at={made.expiresAt} />.
          </p>
          <div className="button-row">
            <CopyButton text={made.offer} label="Copy the offer" />
          </div>
        </div>
      ) : null}
    </Panel>
  );
}

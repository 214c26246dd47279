import { useEffect, useId, useState } from "react";
import type { CommandError } from "../../../shared/commands/commands";
import type { PartnerOfferedView } from "../../../shared/commands/views";
import { LIMITS } from "../../../shared/docs/fields";
import type { Currency } from "../../../shared/money/currency";
import { Button, ErrorText, Form, TextField, fieldProblem, moneyText, unplaced } from "../../ui";
import { HOST_FIELDS } from "../host-fields";

/**
 * One exchange a partner offers us, in the words the host gives it. While
 * no member of ours has answered it, it can be accepted (our purse takes it
 * in with an entry of ours citing theirs) or declined with a reason the
 * partner reads; the host signs either, and refuses a second answer.
 */
export function OfferedExchange({
  exchange,
  name,
  currencies,
  canAnswer = true,
  busy = false,
  error,
  onAccept,
  onDecline,
}: {
  exchange: PartnerOfferedView;
  name: string;
  currencies: readonly Currency[];
  /** Only an active member answers for the commune. */
  canAnswer?: boolean;
  busy?: boolean;
  error?: CommandError | undefined;
  onAccept(): Promise<boolean>;
  onDecline(reason: string): Promise<boolean>;
}) {
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  const [attempted, setAttempted] = useState(false);
  const reasonId = useId();
  // The Decline button gives way to the reason's form: the focus goes to the reason, so a keyboard carries on there.
  useEffect(() => {
    if (declining) document.getElementById(reasonId)?.focus();
  }, [declining, reasonId]);
  const amount = moneyText(exchange.amount, exchange.currency, currencies);
  const missing = attempted && reason.trim() === "" ? `Say why, so ${name} knows what to do about it.` : undefined;
  return (
    <div className="partner-offered">
      <p>{exchange.words}</p>
      {exchange.state === "offered" && canAnswer ? (
        declining ? (
          <Form
            label={`Decline ${amount} from ${name}`}
            onSubmit={() => {
              setAttempted(true);
              if (reason.trim() === "") return;
              void onDecline(reason.trim()).then((done) => done && setDeclining(false));
            }}
          >
            <TextField
              id={reasonId}
              label="Reason for declining"
              value={reason}
              onChange={setReason}
              maxLength={LIMITS.declineReason}
              autoComplete="off"
              hint={`${name} reads it with the decline; the exchange then counts for nothing on both sides.`}
              error={missing ?? fieldProblem(error, "reason")}
            />
            <div className="button-row">
              <Button type="submit" busy={busy}>
                Decline the exchange
              </Button>
              <Button variant="secondary" onClick={() => setDeclining(false)}>
                Cancel
              </Button>
            </div>
          </Form>
        ) : (
          <div className="button-row">
            <Button busy={busy} onClick={() => void onAccept()}>
              Accept {amount}
            </Button>
            <Button variant="secondary" disabled={busy} onClick={() => setDeclining(true)}>
              Decline…
            </Button>
          </div>
        )
      ) : null}
      <ErrorText error={unplaced(error, HOST_FIELDS.exchangeDecline)} />
    </div>
  );
}

import type { MemberView } from "../../../shared/commands/views";
import type { Currency } from "../../../shared/money/currency";
import { Button, MemberStatusBadge, RecordNotes, StandingAddsUp, Time, moneyText } from "../../ui";

export interface MemberListProps {
  members: readonly MemberView[];
  currencies: readonly Currency[];
  me: string;
  /** Offered only to active members; absent hides the proposal buttons. */
  onPropose?: (kind: "admit" | "remove", member: MemberView) => void;
}

const ORDER = { active: 0, applicant: 1, left: 2, removed: 3 } as const;

/** Everyone the commune has known: current members first, then applicants, then those who left or were removed. */
export function MemberList({ members, currencies, me, onPropose }: MemberListProps) {
  const sorted = [...members].sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.name.localeCompare(b.name));
  return (
    <table className="table member-table" aria-label="Members">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Status</th>
          <th scope="col" className="num">
            Standing
          </th>
          <th scope="col">Fingerprint</th>
          {onPropose ? (
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {sorted.map((member) => (
          <tr key={member.key}>
            <th scope="row">
              {member.name}
              {member.key === me ? <span className="muted"> (you)</span> : null}
            </th>
            <td>
              <MemberStatusBadge status={member.status} />
              <div className="muted member-table__why">
                {member.why}, <Time at={member.since} withTime={false} />
              </div>
              <RecordNotes notes={member.notes} />
            </td>
            <td>
              {currencies.length === 0 ? null : (
                <ul className="member-table__standing">
                  {currencies.map((currency) => (
                    <li key={currency.code}>
                      <span className="num">{moneyText(member.balances[currency.code] ?? 0, currency.code, currencies)}</span>
                      {member.breakdown?.[currency.code] ? (
                        <StandingAddsUp name={member.name} breakdown={member.breakdown[currency.code]!} code={currency.code} currencies={currencies} />
                      ) : null}
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td className="mono" title={member.key}>
              {member.fingerprint}
            </td>
            {onPropose ? (
              <td>
                {member.status === "applicant" ? (
                  <Button variant="secondary" aria-label={`Propose admission of ${member.name}`} onClick={() => onPropose("admit", member)}>
                    Propose admission
                  </Button>
                ) : null}
                {(member.status === "active" || member.status === "applicant") && member.key !== me ? (
                  <Button variant="quiet" aria-label={`Propose removal of ${member.name}`} onClick={() => onPropose("remove", member)}>
                    Propose removal
                  </Button>
                ) : null}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

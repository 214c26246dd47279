import { useId, type ReactNode } from "react";

/** A titled region of a screen; its heading names it for landmark navigation. */
export function Panel({
  title,
  actions,
  children,
  className,
  level = 2,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  level?: 2 | 3;
}) {
  const id = useId();
  const Heading = level === 2 ? "h2" : "h3";
  return (
    <section className={["panel", className].filter(Boolean).join(" ")} aria-labelledby={id}>
      <div className="panel__head">
        <Heading id={id}>{title}</Heading>
        {actions ? <div className="button-row">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

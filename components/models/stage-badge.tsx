const STAGE_CLASS: Record<string, string> = {
  development: 'badge stage-badge stage-development',
  staging: 'badge stage-badge stage-staging',
  production: 'badge stage-badge stage-production',
  archived: 'badge stage-badge stage-archived',
};

export function StageBadge({ stage }: { stage: string }) {
  return (
    <span className={STAGE_CLASS[stage] ?? 'badge'} data-testid="stage-badge" data-stage={stage}>
      {stage}
    </span>
  );
}

/** An alias as a chip: @production, @previous, @canary, or a user-defined one. */
export function AliasChip({ alias }: { alias: string }) {
  const known = alias === 'production' || alias === 'previous' || alias === 'canary';
  return (
    <span className={`alias-chip ${known ? `alias-${alias}` : 'alias-custom'}`} data-testid="alias-chip" data-alias={alias}>
      @{alias}
    </span>
  );
}

export function CompletenessBadge({ complete, missing }: { complete: boolean; missing: readonly string[] }) {
  return complete ? (
    <span className="badge badge-success" data-testid="complete-badge" title="Every required artifact piece is present">
      complete
    </span>
  ) : (
    <span className="badge badge-danger" data-testid="complete-badge" title={`Missing: ${missing.join(', ')}`}>
      incomplete
    </span>
  );
}

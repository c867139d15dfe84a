import { ZCreateUserInput, type TCreateUserInput } from '../contracts/users';
import { hashPassword } from '../auth/password';
import { assertAcceptablePassword } from '../auth/password-policy';
import { DomainError, parseInput } from '../domain/errors';
import type { ServiceContext } from './service-context';
import { recordAuditEvent } from '../records/record-audit-event';

export async function createUser(ctx: ServiceContext, raw: TCreateUserInput) {
  const input = parseInput(ZCreateUserInput, raw);
  assertAcceptablePassword(input.password);
  const passwordHash = await hashPassword(input.password);
  return ctx.db.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: input.email } });
    if (existing) throw new DomainError('CONFLICT', `a user with email ${input.email} already exists`);
    const user = await tx.user.create({ data: { email: input.email, name: input.name, role: input.role, passwordHash } });
    await recordAuditEvent(tx, ctx.actor, ctx.requestId, {
      action: 'user.created',
      subjectType: 'user',
      subjectId: user.id,
      after: { email: user.email, role: user.role },
    });
    return { id: user.id, email: user.email, role: user.role };
  });
}

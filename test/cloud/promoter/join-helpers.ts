/**
 * Set-up shared by the invite and join-request tests: the stack (helpers.ts useStack), an invite, a
 * guest's join request, and the audit records of one action.
 */
import type { Invite, InviteMaterial, JoinRequest } from '../../../typings/contract/index';
import { AUDIT_COLLECTION } from '../../../cloudfunctions/_shared/audit';
import { type Env, SH, ok, useStack } from './helpers';

export interface JoinEnv extends Env {
  audits(action: string): Array<Record<string, unknown>>;
  invite(
    call?: Env['admin'],
    storeId?: string,
    roleId?: number,
  ): Promise<{ invite: Invite; material: InviteMaterial }>;
  requestJoin(openid: string, token: string, name?: string, phone?: string): Promise<JoinRequest>;
}

/** useStack plus the helpers above; call at a file's top level. */
export function useJoinStack(): JoinEnv {
  const env = useStack();
  return Object.assign(Object.create(env) as Env, {
    audits: (action: string) =>
      (env.stack.cloudbase.collections()[AUDIT_COLLECTION] ?? []).filter((a) => a.action === action),
    async invite(call = env.mgrSh, storeId = SH, roleId = 1) {
      return ok(
        await call<{ invite: Invite; material: InviteMaterial }>({
          action: 'invite.create',
          storeId,
          roleId,
        }),
      );
    },
    async requestJoin(openid: string, token: string, name = '周游', phone = '13712345678') {
      return ok(
        await env.as(openid)<JoinRequest>({ action: 'join.request', inviteToken: token, name, phone }),
      );
    },
  }) as JoinEnv;
}

/**
 * The stand-in's data, in memory. The mini program's promoter and union data and the Official
 * Account's followers are separate, as they are separate apps (appids) at WeChat.
 */
import { createHash } from 'node:crypto';

/** The shape of WeChat openids and unionids: 28 characters of [A-Za-z0-9_-]. */
export const OPENID_SHAPE = /^[A-Za-z0-9_-]{28}$/;

/** WeChat's own limits, as docs/wechat-api.md gives them (not our product rules). */
export const WECHAT_LIMITS = {
  maxRoles: 100,
  roleNameBytes: 50,
  roleDescBytes: 200,
  perAddCall: 10,
  /** UNCONFIRMED (docs/wechat-api.md#addpromoter): 50 000 declared vs 100 000 bound; the lower figure is enforced. */
  maxDeclared: 50_000,
  retailIdBytes: 20,
  extraInfoBytes: 80,
  nameBytes: 30,
  phoneBytes: 20,
  promoterPageSize: 2000,
  dataPageSize: 1000,
  groupSendMinimum: 50,
  shareTitleBytes: 20,
  shareValidSeconds: 30 * 86400,
  batchUserInfoMax: 100,
  openAccountChangesPerYear: 2,
  /** UNCONFIRMED (docs/wechat-api.md#union-custom-user-parameters): the 25509 cap has no published number. Settable by control. */
  maxCustomizeInfos: 10_000,
  /** UNCONFIRMED: no published limit on customizeInfo; the stand-in rejects absurd values only. */
  customizeInfoMaxBytes: 1024,
  getFailInfoInline: 1000,
} as const;

/** A stable unionid for a mini program user the stand-in met without one: same openid, same unionid. */
export function derivedUnionid(openid: string): string {
  return `u${createHash('sha256').update(`unionid:${openid}`).digest('base64url').slice(0, 27)}`;
}

export interface Role {
  roleId: number;
  name: string;
  desc: string;
}

export interface MpUser {
  openid: string;
  unionid: string;
  rejectsMessages: boolean;
}

export type AuthStatus = 0 | 1 | 2;
export type DeclStatus = 1 | 2;

export interface Promoter {
  id: number;
  openid: string;
  roleId: number;
  retailId: string;
  extraInfo: string;
  name: string;
  phone: string;
  authStatus: AuthStatus;
  declStatus: DeclStatus;
  /** Last auth-status change (seconds); creation counts as one. */
  updateTime: number;
}

export interface SentMessage {
  msgId: string;
  kind: 'group' | 'single';
  msgType: number;
  content: string;
  appid: string;
  path: string;
  listType: number;
  roleIds: number[];
  retailIds: string[];
  ids: string[];
  sendTime: number;
  recipientIds: number[];
  failures: Array<{ id: string; errcode: number }>;
}

export interface ClickRow {
  msgId: string;
  msgType: number;
  sendTime: number;
  clickUv: number;
  clickPv: number;
}

export interface ShareMaterial {
  materialId: string;
  promoterId: number;
  path: string;
  title: string;
  extraInfo: string;
  shareType: number;
  envVersion: string;
  createdAt: number;
  expiresAt: number;
  tag?: string;
  sharePath?: string;
}

export interface RelationRow {
  seq: number;
  promoterId: number;
  visitorOpenid: string;
  createTime: number;
  path: string;
  scene: number;
  shareExtraInfo: string;
}

export interface OrderRow extends RelationRow {
  mchId: string;
  tradeNo: string;
  outTradeNo: string;
  /** 1 paid, 2 refund accepted. */
  status: 1 | 2;
  paidAmount: number;
  paidTime: number;
  refundedTime: number;
}

export interface OaUser {
  openid: string;
  /** Absent when the OA is taken as not bound to an Open Platform account for this user (`unionid: null`). */
  unionid?: string;
  subscribed: boolean;
  remark: string;
  subscribeTime: number;
  subscribeScene: string;
  tagIds: number[];
}

/** The mini program's state: roles, promoters, users, messages, materials, data rows, union params. */
export class MiniProgramState {
  readonly roles = new Map<number, Role>();
  nextRoleId = 2;
  readonly users = new Map<string, MpUser>();
  private readonly usersByUnionid = new Map<string, MpUser>();
  /** Ascending by id (ids only grow), so paging is a scan in order. */
  readonly promoters: Promoter[] = [];
  readonly promotersById = new Map<number, Promoter>();
  readonly promotersByOpenid = new Map<string, Promoter>();
  nextPromoterId = 1;
  declaredCount = 0;
  readonly messages = new Map<string, SentMessage>();
  nextMsgId = 1;
  readonly clicks = new Map<string, ClickRow>();
  readonly shareMaterials: ShareMaterial[] = [];
  readonly relations: RelationRow[] = [];
  readonly orders: OrderRow[] = [];
  nextRowSeq = 1;
  bulkCounter = 0;
  readonly union = {
    openAccount: null as string | null,
    /** Times (seconds) the bound account was changed to a different one. */
    changeTimes: [] as number[],
    customizeInfos: new Map<string, string>(),
  };

  constructor() {
    // WeChat provides the default role "推广员" (role_id 1, as the official samples show: docs/wechat-api.md#roles).
    this.roles.set(1, { roleId: 1, name: '推广员', desc: '' });
  }

  /** A user by openid or unionid, without creating one. */
  findUser(openidOrUnionid: string): MpUser | undefined {
    return this.users.get(openidOrUnionid) ?? this.usersByUnionid.get(openidOrUnionid);
  }

  /**
   * A well-formed id the stand-in has not met counts as a user who has opened the mini program: it is
   * taken as an openid and given a derived unionid (a unionid of an unseen user cannot be told apart).
   */
  ensureUser(openidOrUnionid: string): MpUser {
    return this.findUser(openidOrUnionid) ?? this.putUser(openidOrUnionid, undefined, false);
  }

  /** Creates or updates a user; throws when the unionid already belongs to another user. */
  putUser(openid: string, unionid: string | undefined, rejectsMessages: boolean | undefined): MpUser {
    const existing = this.users.get(openid);
    const wantedUnionid = unionid ?? existing?.unionid ?? derivedUnionid(openid);
    const owner = this.usersByUnionid.get(wantedUnionid);
    if (owner && owner.openid !== openid)
      throw new Error(`unionid ${wantedUnionid} already belongs to ${owner.openid}`);
    if (existing) {
      this.usersByUnionid.delete(existing.unionid);
      existing.unionid = wantedUnionid;
      if (rejectsMessages !== undefined) existing.rejectsMessages = rejectsMessages;
      this.usersByUnionid.set(wantedUnionid, existing);
      return existing;
    }
    const user: MpUser = { openid, unionid: wantedUnionid, rejectsMessages: rejectsMessages ?? false };
    this.users.set(openid, user);
    this.usersByUnionid.set(wantedUnionid, user);
    return user;
  }

  userByUnionid(unionid: string): MpUser | undefined {
    return this.usersByUnionid.get(unionid);
  }

  unionidOf(openid: string): string {
    return this.users.get(openid)?.unionid ?? derivedUnionid(openid);
  }

  findPromoter(openidOrUnionid: string): Promoter | undefined {
    const user = this.findUser(openidOrUnionid);
    return user ? this.promotersByOpenid.get(user.openid) : undefined;
  }

  addPromoter(fields: Omit<Promoter, 'id'>): Promoter {
    const promoter: Promoter = { id: this.nextPromoterId++, ...fields };
    this.promoters.push(promoter);
    this.promotersById.set(promoter.id, promoter);
    this.promotersByOpenid.set(promoter.openid, promoter);
    if (promoter.declStatus === 1) this.declaredCount++;
    return promoter;
  }

  setDeclStatus(promoter: Promoter, declStatus: DeclStatus): void {
    if (promoter.declStatus !== declStatus) this.declaredCount += declStatus === 1 ? 1 : -1;
    promoter.declStatus = declStatus;
  }
}

export class OfficialAccountState {
  readonly users = new Map<string, OaUser>();
}

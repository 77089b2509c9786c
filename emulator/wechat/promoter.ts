/**
 * The promoter family's role, promoter and invitation endpoints (docs/wechat-api.md#promoter-family).
 * Every endpoint is POST JSON with snake_case fields and needs the mini program's access_token.
 */
import { randomBytes } from 'node:crypto';
import type { WxBody } from './errors';
import { ok, WxError, errmsgOf } from './errors';
import {
  checkByteLimit,
  optCursor,
  optEnum,
  optFlag,
  optIdString,
  optString,
  optUint,
  reqString,
  reqUint,
} from './params';
import type { DeclStatus, MiniProgramState, Promoter, Role } from './state';
import { OPENID_SHAPE, WECHAT_LIMITS } from './state';
import type { World, WxRoute } from './world';

const BAD = 103001;
const TOO_LONG = 103002;
const EXISTS = 103003;
const LIMIT = 103005;
const NOT_EXIST = 103006;
const BAD_OPENID = 103007;

/** The smallest valid PNG (1×1, transparent): WeChat answers posters and codes as base64 images. */
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** A short link in the shape WeChat's Mini Program short links have (`#小程序://name/code`). */
export function shortLink(label: string): string {
  return `#小程序://${label}/${randomBytes(6).toString('base64url')}`;
}

export function roleOrThrow(mp: MiniProgramState, roleId: number): Role {
  const role = mp.roles.get(roleId);
  if (!role) throw new WxError(NOT_EXIST, `role_id ${roleId}`);
  return role;
}

function roleView(role: Role): WxBody {
  return { role_id: role.roleId, name: role.name, desc: role.desc };
}

/** A promoter row as getpromoter answers it. */
function promoterView(mp: MiniProgramState, promoter: Promoter, needUnionid: boolean): WxBody {
  return {
    id: String(promoter.id),
    openid: needUnionid ? mp.unionidOf(promoter.openid) : promoter.openid,
    role_id: promoter.roleId,
    retail_id: promoter.retailId,
    extra_info: promoter.extraInfo,
    name: promoter.name,
    phone: promoter.phone,
    auth_status: promoter.authStatus,
    decl_status: promoter.declStatus,
    update_time: promoter.updateTime,
  };
}

/** The promoter's own fields and their byte limits (same for addpromoter and updatepromoter). */
const PROMOTER_TEXT_FIELDS = [
  ['retail_id', 'retailId', WECHAT_LIMITS.retailIdBytes],
  ['extra_info', 'extraInfo', WECHAT_LIMITS.extraInfoBytes],
  ['name', 'name', WECHAT_LIMITS.nameBytes],
  ['phone', 'phone', WECHAT_LIMITS.phoneBytes],
] as const;

type PromoterText = Pick<Promoter, 'retailId' | 'extraInfo' | 'name' | 'phone'>;

function readPromoterText(body: WxBody): Partial<PromoterText> {
  const text: Partial<PromoterText> = {};
  for (const [key, prop, max] of PROMOTER_TEXT_FIELDS) {
    const value = optString(body, key, BAD);
    checkByteLimit(key, value, max, TOO_LONG);
    if (value !== undefined) text[prop] = value;
  }
  return text;
}

function checkOpenidShape(value: string): void {
  if (!OPENID_SHAPE.test(value)) throw new WxError(BAD_OPENID, 'openid');
}

const addrole: WxRoute = {
  method: 'POST',
  auth: 'mp',
  handle({ mp }, { body }) {
    const name = reqString(body, 'name', BAD);
    const desc = optString(body, 'desc', BAD) ?? '';
    checkByteLimit('name', name, WECHAT_LIMITS.roleNameBytes, TOO_LONG);
    checkByteLimit('desc', desc, WECHAT_LIMITS.roleDescBytes, TOO_LONG);
    if ([...mp.roles.values()].some((role) => role.name === name)) throw new WxError(EXISTS, 'name');
    if (mp.roles.size >= WECHAT_LIMITS.maxRoles) throw new WxError(LIMIT, 'at most 100 roles');
    const role: Role = { roleId: mp.nextRoleId++, name, desc };
    mp.roles.set(role.roleId, role);
    return ok(roleView(role));
  },
};

const getrole: WxRoute = {
  method: 'POST',
  auth: 'mp',
  handle({ mp }, { body }) {
    const roleId = optUint(body, 'role_id', BAD);
    const roles = roleId === undefined ? [...mp.roles.values()] : [roleOrThrow(mp, roleId)];
    roles.sort((a, b) => a.roleId - b.roleId);
    return ok({ role_list: roles.map(roleView), total_cnt: roles.length });
  },
};

const updaterole: WxRoute = {
  method: 'POST',
  auth: 'mp',
  handle({ mp }, { body }) {
    const roleId = reqUint(body, 'role_id', BAD);
    const name = optString(body, 'name', BAD);
    const desc = optString(body, 'desc', BAD);
    // "name和desc二者必填其一" (WxJ)
    if ((name === undefined || name === '') && desc === undefined)
      throw new WxError(BAD, 'name or desc is required');
    checkByteLimit('name', name, WECHAT_LIMITS.roleNameBytes, TOO_LONG);
    checkByteLimit('desc', desc, WECHAT_LIMITS.roleDescBytes, TOO_LONG);
    const role = roleOrThrow(mp, roleId);
    if (name && [...mp.roles.values()].some((other) => other.roleId !== roleId && other.name === name)) {
      throw new WxError(EXISTS, 'name');
    }
    if (name) role.name = name;
    if (desc !== undefined) role.desc = desc;
    return ok();
  },
};

/** Checks one addpromoter item; the errcode it fails with, or the fields to declare. */
function checkNewPromoter(
  world: World,
  item: unknown,
  openidsInCall: Set<string>,
): { errcode: number } | { fields: Omit<Promoter, 'id'> } {
  const { mp } = world;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return { errcode: BAD };
  const body = item as WxBody;
  try {
    const ident = reqString(body, 'openid', BAD);
    checkOpenidShape(ident);
    const roleId = reqUint(body, 'role_id', BAD);
    roleOrThrow(mp, roleId);
    const text = readPromoterText(body);
    const user = mp.findUser(ident);
    const openid = user?.openid ?? ident;
    // One record per user, whatever its decl_status ("already declared" includes cancelled ones).
    if (mp.promotersByOpenid.has(openid) || openidsInCall.has(openid)) throw new WxError(EXISTS);
    if (mp.declaredCount + openidsInCall.size >= world.limits.maxDeclared) throw new WxError(LIMIT);
    openidsInCall.add(openid);
    return {
      fields: {
        openid,
        roleId,
        retailId: text.retailId ?? '',
        extraInfo: text.extraInfo ?? '',
        name: text.name ?? '',
        phone: text.phone ?? '',
        authStatus: 0,
        declStatus: 1,
        updateTime: world.clock.now(),
      },
    };
  } catch (error) {
    if (error instanceof WxError) return { errcode: error.errcode };
    throw error;
  }
}

const addpromoter: WxRoute = {
  method: 'POST',
  auth: 'mp',
  handle(world, { body }) {
    const list = body.promoter_list;
    if (!Array.isArray(list) || list.length < 1 || list.length > WECHAT_LIMITS.perAddCall) {
      throw new WxError(BAD, 'promoter_list must hold 1..10 items');
    }
    const openidsInCall = new Set<string>();
    const accepted: Array<Omit<Promoter, 'id'>> = [];
    const failList: WxBody[] = [];
    for (const item of list) {
      const outcome = checkNewPromoter(world, item, openidsInCall);
      if ('fields' in outcome) accepted.push(outcome.fields);
      else {
        const echo =
          typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as WxBody) : { item };
        failList.push({ ...echo, errcode: outcome.errcode, errmsg: errmsgOf(outcome.errcode) });
      }
    }
    for (const fields of accepted) {
      world.mp.ensureUser(fields.openid);
      world.mp.addPromoter(fields);
    }
    // Partial success keeps the top-level errcode 0 (official sample): clients must read fail_list.
    return ok({ total_cnt: accepted.length, fail_cnt: failList.length, fail_list: failList });
  },
};

const getpromoter: WxRoute = {
  method: 'POST',
  auth: 'mp',
  handle(world, { body }) {
    const { mp } = world;
    const ident = optString(body, 'openid', BAD);
    if (ident) checkOpenidShape(ident);
    const roleId = optUint(body, 'role_id', BAD);
    const retailId = optString(body, 'retail_id', BAD);
    checkByteLimit('retail_id', retailId, WECHAT_LIMITS.retailIdBytes, TOO_LONG);
    const beginTime = optUint(body, 'begin_time', BAD);
    const endTime = optUint(body, 'end_time', BAD);
    const authStatus = optEnum(body, 'auth_status', [0, 1, 2], BAD);
    const declStatus = optEnum(body, 'decl_status', [1, 2], BAD);
    const startId = optCursor(body, 'start_id', BAD);
    const needUnionid = optFlag(body, 'need_unionid', BAD);

    const onlyOpenid = ident ? (mp.findUser(ident)?.openid ?? null) : undefined;
    const matches = (p: Promoter): boolean =>
      (onlyOpenid === undefined || p.openid === onlyOpenid) &&
      (roleId === undefined || p.roleId === roleId) &&
      (retailId === undefined || retailId === '' || p.retailId === retailId) &&
      (beginTime === undefined || p.updateTime >= beginTime) &&
      (endTime === undefined || p.updateTime <= endTime) &&
      (authStatus === undefined || p.authStatus === authStatus) &&
      (declStatus === undefined || p.declStatus === declStatus);

    // Sorted by id ascending, start_id exclusive (the Chinese manage_promoter page: put the largest id
    // seen into start_id). total_cnt is a reading (docs/wechat-api.md, getpromoter): every row matching
    // the filters (cursor ignored) by default, or the page's own count.
    const page: Promoter[] = [];
    let totalCnt = 0;
    if (onlyOpenid !== null) {
      for (const promoter of mp.promoters) {
        if (!matches(promoter)) continue;
        totalCnt++;
        if (promoter.id > startId && page.length < WECHAT_LIMITS.promoterPageSize) page.push(promoter);
      }
    }
    if (page.length === 0) throw new WxError(NOT_EXIST);
    const total = world.readings.getpromoterTotalCnt === 'page' ? page.length : totalCnt;
    return ok({ promoter_list: page.map((p) => promoterView(mp, p, needUnionid)), total_cnt: total });
  },
};

const updatepromoter: WxRoute = {
  method: 'POST',
  auth: 'mp',
  handle(world, { body }) {
    const { mp } = world;
    const id = optIdString(body, 'id', BAD);
    if (id === undefined) throw new WxError(BAD, 'id is required');
    const roleId = optUint(body, 'role_id', BAD);
    const text = readPromoterText(body);
    // UNCONFIRMED: decl_status 1 re-declares a cancelled promoter; the stand-in allows it (cap applies).
    const declStatus = optEnum(body, 'decl_status', [1, 2], BAD) as DeclStatus | undefined;
    const promoter = /^\d+$/.test(id) ? mp.promotersById.get(Number(id)) : undefined;
    if (!promoter) throw new WxError(NOT_EXIST, 'id');
    if (roleId !== undefined) roleOrThrow(mp, roleId);
    if (declStatus === 1 && promoter.declStatus === 2 && mp.declaredCount >= world.limits.maxDeclared) {
      throw new WxError(LIMIT);
    }
    // All checks passed: apply everything at once. update_time tracks auth-status changes only (WxJ).
    if (roleId !== undefined) promoter.roleId = roleId;
    Object.assign(promoter, text);
    if (declStatus !== undefined) mp.setDeclStatus(promoter, declStatus);
    return ok();
  },
};

const getinvitationmaterial: WxRoute = {
  method: 'POST',
  auth: 'mp',
  handle({ mp }, { body }) {
    const roleId = reqUint(body, 'role_id', BAD);
    const invitationType = optEnum(body, 'invitation_type', [0, 1, 2], BAD) ?? 0;
    roleOrThrow(mp, roleId);
    if (invitationType === 0) return ok({ poster: TINY_PNG_BASE64 });
    if (invitationType === 1) return ok({ qrcode: TINY_PNG_BASE64 });
    return ok({ tag: shortLink('推广员认证') });
  },
};

export const promoterRoutes: Record<string, WxRoute> = {
  '/promoter/addrole': addrole,
  '/promoter/getrole': getrole,
  '/promoter/updaterole': updaterole,
  '/promoter/addpromoter': addpromoter,
  '/promoter/getpromoter': getpromoter,
  '/promoter/updatepromoter': updatepromoter,
  '/promoter/getinvitationmaterial': getinvitationmaterial,
};

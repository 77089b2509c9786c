/**
 * The control API under /__control/: tests and the local stack set up data that only WeChat's own
 * apps could create (followers, bindings, reach and order rows, clicks), move the clock, inject faults
 * and read the call log. Answers are JSON; bad input is HTTP 400 naming the field.
 */
import { chinaDate } from './clock';
import type { CallLog } from './call-log';
import type { Obj } from './control-input';
import {
  asObject,
  ControlError,
  listOf,
  oneOf,
  optBool,
  optInt,
  optOpenid,
  optStr,
  reqInt,
  reqOpenid,
  reqStr,
} from './control-input';
import type { Faults } from './faults';
import { READING_CHOICES, type Readings } from './readings';
import { applySeed } from './seed';
import type { AuthStatus, DeclStatus, MpUser, OaUser, OrderRow, Promoter, RelationRow } from './state';
import { derivedUnionid, WECHAT_LIMITS } from './state';
import { PHONE_CODE_TTL_SECONDS } from './subscribe-message';
import type { World } from './world';

export interface ControlContext {
  world: World;
  faults: Faults;
  calls: CallLog;
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type ControlHandler = (ctx: ControlContext) => unknown;

const MAX_UINT = 0xffffffff;
const APPID_SHAPE = /^wx[0-9a-f]{16}$/;

function body(ctx: ControlContext): Obj {
  return ctx.body === undefined ? {} : asObject(ctx.body, 'body');
}

function notDeclared(what: string): never {
  throw new ControlError(404, `${what} is not a declared promoter`, {
    errcode: 103006,
    errmsg: 'data not exist',
  });
}

export function promoterState(world: World, promoter: Promoter): Obj {
  return { ...promoter, id: String(promoter.id), unionid: world.mp.unionidOf(promoter.openid) };
}

function clockView(world: World): Obj {
  const now = world.clock.now();
  return {
    now,
    iso: new Date(world.clock.nowMs()).toISOString(),
    chinaDate: chinaDate(now),
    offsetSeconds: world.clock.offsetSeconds,
  };
}

function reset(ctx: ControlContext): unknown {
  const input = body(ctx);
  const seed = oneOf(input.seed ?? 'empty', ['empty', 'demo'] as const, 'seed');
  const keepTokens = optBool(input, 'keepTokens', 'body') ?? false;
  ctx.world.reset(keepTokens);
  ctx.faults.clear();
  ctx.calls.clear(true);
  if (seed === 'demo') applySeed(ctx.world);
  return { ok: true, seed, keepTokens };
}

function oaUsers(ctx: ControlContext): unknown {
  const { world } = ctx;
  const now = world.clock.now();
  const users: OaUser[] = listOf(ctx.body, 'users').map((item, index) => {
    const where = `users[${index}]`;
    const openid = reqOpenid(item, 'openid', where);
    const subscribed = optBool(item, 'subscribed', where);
    if (subscribed === undefined)
      throw new ControlError(400, `${where}.subscribed: is required (true or false)`);
    return {
      openid,
      // The OA is taken as bound to an Open Platform account, so every follower has a unionid, unless
      // the control call says `unionid: null` (a follower WeChat gives no unionid for).
      unionid:
        item.unionid === null ? undefined : (optOpenid(item, 'unionid', where) ?? derivedUnionid(openid)),
      subscribed,
      remark: optStr(item, 'remark', where, 30) ?? '',
      subscribeTime: optInt(item, 'subscribeTime', where, 0, MAX_UINT) ?? now,
      subscribeScene: optStr(item, 'subscribeScene', where, 64) ?? 'ADD_SCENE_QR_CODE',
      tagIds: tagIds(item, where),
    };
  });
  for (const user of users) world.oa.users.set(user.openid, user);
  return { count: users.length, users };
}

function tagIds(item: Obj, where: string): number[] {
  const value = item.tagIds ?? [];
  if (!Array.isArray(value) || value.some((tag) => !Number.isInteger(tag) || tag < 0)) {
    throw new ControlError(400, `${where}.tagIds: must be an array of whole numbers`);
  }
  return value as number[];
}

function mpUsers(ctx: ControlContext): unknown {
  const { mp } = ctx.world;
  const inputs = listOf(ctx.body, 'users').map((item, index) => {
    const where = `users[${index}]`;
    return {
      where,
      openid: reqOpenid(item, 'openid', where),
      unionid: optOpenid(item, 'unionid', where),
      rejectsMessages: optBool(item, 'rejectsMessages', where),
    };
  });
  // Check every unionid before changing anything: no half-applied call.
  const claimed = new Map<string, string>();
  for (const { where, openid, unionid } of inputs) {
    if (unionid === undefined) continue;
    const owner = mp.userByUnionid(unionid)?.openid ?? claimed.get(unionid);
    if (owner !== undefined && owner !== openid) {
      throw new ControlError(400, `${where}.unionid: already belongs to openid ${owner}`);
    }
    claimed.set(unionid, openid);
  }
  const users: MpUser[] = inputs.map(({ openid, unionid, rejectsMessages }) =>
    mp.putUser(openid, unionid, rejectsMessages),
  );
  return { count: users.length, users };
}

function promoterFor(world: World, input: Obj): Promoter {
  const ident = optOpenid(input, 'openid', 'body') ?? optOpenid(input, 'unionid', 'body');
  if (ident === undefined) throw new ControlError(400, 'openid: is required (or unionid)');
  return world.mp.findPromoter(ident) ?? notDeclared(ident);
}

function bind(ctx: ControlContext): unknown {
  const input = body(ctx);
  const action = oneOf(input.action, ['authorize', 'revoke'] as const, 'action');
  const promoter = promoterFor(ctx.world, input);
  if (action === 'authorize' && promoter.declStatus !== 1) notDeclared(promoter.openid);
  const authStatus: AuthStatus = action === 'authorize' ? 1 : 2;
  promoter.authStatus = authStatus;
  promoter.updateTime = ctx.world.clock.now();
  return { promoter: promoterState(ctx.world, promoter) };
}

/**
 * `{count, prefix?}`: adds `count` roles named `<prefix><n>` (default 角色) in one call, as addrole
 * would (ids from the same counter, the 100-role cap held): cheap set-up for tests near the cap.
 */
function bulkRoles(ctx: ControlContext): unknown {
  const { mp } = ctx.world;
  const input = body(ctx);
  const count = reqInt(input, 'count', 'body', 1, WECHAT_LIMITS.maxRoles);
  const prefix = optStr(input, 'prefix', 'body', 40) ?? '角色';
  if (mp.roles.size + count > WECHAT_LIMITS.maxRoles) {
    throw new ControlError(
      400,
      `count: ${mp.roles.size} roles + ${count} passes the cap of ${WECHAT_LIMITS.maxRoles}`,
    );
  }
  const created: number[] = [];
  for (let n = 1; created.length < count; n++) {
    const name = `${prefix}${n}`;
    if ([...mp.roles.values()].some((role) => role.name === name)) continue;
    const roleId = mp.nextRoleId++;
    mp.roles.set(roleId, { roleId, name, desc: '' });
    created.push(roleId);
  }
  return { created: created.length, roleIds: created };
}

function bulkPromoters(ctx: ControlContext): unknown {
  const { world } = ctx;
  const { mp } = world;
  const input = body(ctx);
  const count = reqInt(input, 'count', 'body', 1, 100_000);
  const roleId = optInt(input, 'roleId', 'body', 1, MAX_UINT) ?? 1;
  if (!mp.roles.has(roleId)) throw new ControlError(400, `roleId: role ${roleId} does not exist`);
  const retailId = optStr(input, 'retailId', 'body', WECHAT_LIMITS.retailIdBytes) ?? '';
  const authStatus = oneOf(input.authStatus ?? 0, [0, 1, 2] as const, 'authStatus') as AuthStatus;
  const declStatus = oneOf(input.declStatus ?? 1, [1, 2] as const, 'declStatus') as DeclStatus;
  const prefix = optStr(input, 'prefix', 'body') ?? 'oBulk';
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(prefix))
    throw new ControlError(400, 'prefix: must be 1..16 characters of A-Z a-z 0-9 _ -');
  if (declStatus === 1 && mp.declaredCount + count > world.limits.maxDeclared) {
    throw new ControlError(
      400,
      `count: ${mp.declaredCount} declared + ${count} passes the cap of ${world.limits.maxDeclared}`,
    );
  }
  const now = world.clock.now();
  const created: Promoter[] = [];
  while (created.length < count) {
    const n = ++mp.bulkCounter;
    const openid = `${prefix}${String(n).padStart(28 - prefix.length, '0')}`;
    if (mp.findUser(openid)) continue;
    mp.ensureUser(openid);
    created.push(
      mp.addPromoter({
        openid,
        roleId,
        retailId,
        extraInfo: '',
        name: `推广员${n}`,
        phone: `139${String(n).padStart(8, '0')}`,
        authStatus,
        declStatus,
        updateTime: now,
      }),
    );
  }
  const first = created[0];
  const last = created[created.length - 1];
  return {
    created: created.length,
    firstId: String(first.id),
    lastId: String(last.id),
    firstOpenid: first.openid,
    lastOpenid: last.openid,
  };
}

/**
 * Promoters with the fields given (name, phone, store, role, states, update time): what the demo crowd
 * and tests need when `/promoters/bulk`'s numbered 推广员N will not do. Every row is checked first.
 */
function addPromoters(ctx: ControlContext): unknown {
  const { world } = ctx;
  const { mp } = world;
  const now = world.clock.now();
  const seen = new Set<string>();
  const rows = listOf(ctx.body, 'promoters').map((item, index) => {
    const where = `promoters[${index}]`;
    const openid = reqOpenid(item, 'openid', where);
    if (seen.has(openid) || mp.findPromoter(openid))
      throw new ControlError(400, `${where}.openid: ${openid} is already a promoter`);
    seen.add(openid);
    const roleId = optInt(item, 'roleId', where, 1, MAX_UINT) ?? 1;
    if (!mp.roles.has(roleId)) throw new ControlError(400, `${where}.roleId: role ${roleId} does not exist`);
    return {
      unionid: optOpenid(item, 'unionid', where),
      fields: {
        openid,
        roleId,
        retailId: optStr(item, 'retailId', where, WECHAT_LIMITS.retailIdBytes) ?? '',
        extraInfo: optStr(item, 'extraInfo', where, WECHAT_LIMITS.extraInfoBytes) ?? '',
        name: reqStr(item, 'name', where, WECHAT_LIMITS.nameBytes),
        phone: reqStr(item, 'phone', where, WECHAT_LIMITS.phoneBytes),
        authStatus: oneOf(item.authStatus ?? 0, [0, 1, 2] as const, `${where}.authStatus`) as AuthStatus,
        declStatus: oneOf(item.declStatus ?? 1, [1, 2] as const, `${where}.declStatus`) as DeclStatus,
        updateTime: optInt(item, 'updateTime', where, 0, MAX_UINT) ?? now,
      },
    };
  });
  const declaring = rows.filter((row) => row.fields.declStatus === 1).length;
  if (mp.declaredCount + declaring > world.limits.maxDeclared) {
    throw new ControlError(
      400,
      `promoters: ${mp.declaredCount} declared + ${declaring} passes the cap of ${world.limits.maxDeclared}`,
    );
  }
  const claimed = new Map<string, string>();
  rows.forEach(({ unionid, fields }, index) => {
    if (unionid === undefined) return;
    const owner = mp.userByUnionid(unionid)?.openid ?? claimed.get(unionid);
    if (owner !== undefined && owner !== fields.openid)
      throw new ControlError(400, `promoters[${index}].unionid: already belongs to openid ${owner}`);
    claimed.set(unionid, fields.openid);
  });
  const created = rows.map(({ unionid, fields }) => {
    mp.putUser(fields.openid, unionid, undefined);
    return mp.addPromoter(fields);
  });
  return {
    created: created.length,
    firstId: String(created[0].id),
    lastId: String(created[created.length - 1].id),
  };
}

/** Fields shared by reach rows and order rows. */
function relationFields(
  world: World,
  item: Obj,
  where: string,
  promoter: Promoter,
): Omit<RelationRow, 'seq'> {
  const visitor = reqOpenid(item, 'openid', where);
  return {
    promoterId: promoter.id,
    visitorOpenid: visitor,
    createTime: optInt(item, 'createTime', where, 0, MAX_UINT) ?? world.clock.now(),
    path: optStr(item, 'path', where) ?? 'pages/index/index',
    scene: optInt(item, 'scene', where, 0, MAX_UINT) ?? 1007,
    shareExtraInfo: optStr(item, 'shareExtraInfo', where, WECHAT_LIMITS.extraInfoBytes) ?? '',
  };
}

function addRows<T extends RelationRow>(
  ctx: ControlContext,
  target: T[],
  build: (item: Obj, where: string, promoter: Promoter, seq: number) => Omit<T, 'seq'>,
): unknown {
  const input = body(ctx);
  const { world } = ctx;
  const { mp } = world;
  // One promoter for every row (openid/unionid), or each row names its own (rows[i].promoter).
  const shared =
    input.openid !== undefined || input.unionid !== undefined ? promoterFor(world, input) : undefined;
  // Every row is checked before any is stored.
  const added = listOf(input, 'rows').map((item, index) => {
    const where = `rows[${index}]`;
    const own = optOpenid(item, 'promoter', where);
    const promoter = own !== undefined ? (mp.findPromoter(own) ?? notDeclared(own)) : shared;
    if (!promoter) throw new ControlError(400, `openid: is required (or unionid, or ${where}.promoter)`);
    const seq = mp.nextRowSeq + index;
    return { ...build(item, where, promoter, seq), seq } as T;
  });
  mp.nextRowSeq += added.length;
  for (const row of added) mp.ensureUser(row.visitorOpenid);
  target.push(...added);
  return {
    added: added.length,
    firstSeq: String(added[0].seq),
    lastSeq: String(added[added.length - 1].seq),
  };
}

function relations(ctx: ControlContext): unknown {
  return addRows<RelationRow>(ctx, ctx.world.mp.relations, (item, where, promoter) =>
    relationFields(ctx.world, item, where, promoter),
  );
}

function orders(ctx: ControlContext): unknown {
  const { world } = ctx;
  return addRows<OrderRow>(ctx, world.mp.orders, (item, where, promoter, seqHint) => {
    const base = relationFields(world, item, where, promoter);
    return {
      ...base,
      mchId: optStr(item, 'mchId', where, 32) ?? '1900000001',
      tradeNo: optStr(item, 'tradeNo', where, 64) ?? `4200${String(seqHint).padStart(24, '0')}`,
      outTradeNo: optStr(item, 'outTradeNo', where, 64) ?? `DEMO${String(seqHint).padStart(12, '0')}`,
      status: oneOf(item.status ?? 1, [1, 2] as const, `${where}.status`),
      paidAmount: reqInt(item, 'paidAmount', where, 0, MAX_UINT),
      paidTime: optInt(item, 'paidTime', where, 0, MAX_UINT) ?? base.createTime,
      refundedTime: optInt(item, 'refundedTime', where, 0, MAX_UINT) ?? 0,
    };
  });
}

function clicks(ctx: ControlContext): unknown {
  const { mp } = ctx.world;
  const list =
    Array.isArray(ctx.body) || asObject(ctx.body ?? {}, 'body').clicks !== undefined
      ? listOf(ctx.body, 'clicks')
      : [body(ctx)];
  const rows = list.map((item, index) => {
    const where = `clicks[${index}]`;
    const msgId = reqStr(item, 'msgId', where, 32);
    const message = mp.messages.get(msgId);
    const msgType = optInt(item, 'msgType', where, 0, MAX_UINT) ?? message?.msgType;
    const sendTime = optInt(item, 'sendTime', where, 0, MAX_UINT) ?? message?.sendTime;
    if (msgType === undefined || sendTime === undefined) {
      throw new ControlError(
        400,
        `${where}.msgId: message ${msgId} was not sent here; give msgType and sendTime`,
      );
    }
    return {
      msgId,
      msgType,
      sendTime,
      clickUv: reqInt(item, 'clickUv', where, 0, MAX_UINT),
      clickPv: reqInt(item, 'clickPv', where, 0, MAX_UINT),
    };
  });
  for (const row of rows) mp.clicks.set(row.msgId, row);
  return { count: rows.length, clicks: rows };
}

function openAccounts(ctx: ControlContext): unknown {
  const list = Array.isArray(ctx.body) ? ctx.body : body(ctx).openAccounts;
  if (!Array.isArray(list) || list.length === 0)
    throw new ControlError(400, 'openAccounts: must be a non-empty array of appids');
  list.forEach((account, index) => {
    if (typeof account !== 'string' || !APPID_SHAPE.test(account)) {
      throw new ControlError(400, `openAccounts[${index}]: must be an appid like wx0123456789abcdef`);
    }
  });
  for (const account of list as string[]) ctx.world.knownOpenAccounts.add(account);
  return { openAccounts: [...ctx.world.knownOpenAccounts] };
}

function clock(ctx: ControlContext): unknown {
  if (ctx.method === 'POST') {
    const input = body(ctx);
    const seconds = input.advanceSeconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw new ControlError(
        400,
        'advanceSeconds: must be a number of seconds ≥ 0 (time only moves forward)',
      );
    }
    ctx.world.clock.advance(seconds);
  }
  return clockView(ctx.world);
}

function limits(ctx: ControlContext): unknown {
  const { world } = ctx;
  if (ctx.method === 'POST') {
    const input = body(ctx);
    const maxDeclared = optInt(input, 'maxDeclared', 'body', 0, 1_000_000);
    const maxCustomizeInfos = optInt(input, 'maxCustomizeInfos', 'body', 0, 10_000_000);
    if (maxDeclared === undefined && maxCustomizeInfos === undefined) {
      throw new ControlError(400, 'body: give maxDeclared and/or maxCustomizeInfos');
    }
    if (maxDeclared !== undefined) world.limits.maxDeclared = maxDeclared;
    if (maxCustomizeInfos !== undefined) world.limits.maxCustomizeInfos = maxCustomizeInfos;
  }
  return world.limits;
}

/** GET: the readings in force; POST `{ name: value, … }` switches some (docs/wechat-api.md). */
function readings(ctx: ControlContext): unknown {
  const { world } = ctx;
  if (ctx.method === 'POST') {
    const input = body(ctx);
    const names = Object.keys(input);
    if (names.length === 0)
      throw new ControlError(400, `body: give one or more of ${Object.keys(READING_CHOICES).join(', ')}`);
    const next: Readings = { ...world.readings };
    for (const name of names) {
      if (!Object.hasOwn(READING_CHOICES, name)) throw new ControlError(400, `${name}: not a reading`);
      const choices = READING_CHOICES[name as keyof Readings] as readonly unknown[];
      if (!choices.includes(input[name])) {
        throw new ControlError(
          400,
          `${name}: must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`,
        );
      }
      (next as unknown as Record<string, unknown>)[name] = input[name];
    }
    world.readings = next;
  }
  return world.readings;
}

function faults(ctx: ControlContext): unknown {
  if (ctx.method === 'POST') ctx.faults.configure(body(ctx));
  if (ctx.method === 'DELETE') ctx.faults.clear();
  return ctx.faults.view();
}

function callsList(ctx: ControlContext): unknown {
  return ctx.calls.list(ctx.query.get('path') ?? undefined);
}

function callsClear(ctx: ControlContext): unknown {
  ctx.calls.clear();
  return { ok: true };
}

function apps(ctx: ControlContext): unknown {
  return ctx.world.apps;
}

function state(ctx: ControlContext): unknown {
  const { world } = ctx;
  const { mp } = world;
  const now = world.clock.now();
  return {
    clock: clockView(world),
    apps: { miniProgram: world.apps.miniProgram.appid, officialAccount: world.apps.officialAccount.appid },
    limits: world.limits,
    readings: world.readings,
    knownOpenAccounts: [...world.knownOpenAccounts],
    tokens: world.tokens.summary(),
    forceRefreshToday: world.tokens.forceRefreshCount(world.apps.miniProgram.appid),
    faults: ctx.faults.view(),
    miniProgram: {
      roles: [...mp.roles.values()],
      declaredCount: mp.declaredCount,
      promoters: mp.promoters.map((promoter) => promoterState(world, promoter)),
      users: [...mp.users.values()],
      messages: [...mp.messages.values()],
      clicks: [...mp.clicks.values()],
      shareMaterials: mp.shareMaterials.map((material) => ({
        ...material,
        expired: now >= material.expiresAt,
      })),
      relations: mp.relations,
      orders: mp.orders,
      union: {
        openAccount: mp.union.openAccount,
        changeTimes: mp.union.changeTimes,
        customizeInfos: Object.fromEntries(mp.union.customizeInfos),
      },
    },
    officialAccount: { users: [...world.oa.users.values()] },
  };
}

function messageFailures(ctx: ControlContext): unknown {
  const msgId = ctx.path.split('/')[3];
  const message = ctx.world.mp.messages.get(msgId);
  if (!message)
    throw new ControlError(404, `msg ${msgId} does not exist`, { errcode: 103006, errmsg: 'data not exist' });
  return message.failures;
}

/**
 * A person tapping 允许 in wx.requestSubscribeMessage: `accept` more messages of `templateId` to
 * `openid` (default 1). GET lists the messages sent (`?openid=` narrows them) and what is left.
 */
function subscriptions(ctx: ControlContext): unknown {
  const { messaging } = ctx.world;
  if (ctx.method === 'GET') {
    const openid = ctx.query.get('openid');
    return {
      sent: messaging.sent.filter((m) => !openid || m.touser === openid),
      templates: [...messaging.templates.values()],
    };
  }
  const input = body(ctx);
  const openid = reqOpenid(input, 'openid', 'body');
  const templateId = reqStr(input, 'templateId', 'body', 128);
  if (!messaging.templates.has(templateId)) {
    throw new ControlError(400, `templateId: ${templateId} is not a template of this mini program`);
  }
  const accept = optInt(input, 'accept', 'body', 1, 1000) ?? 1;
  return { openid, templateId, acceptancesLeft: messaging.accept(openid, templateId, accept) };
}

/** A person allowing the getPhoneNumber button: a code for `phoneNumber` (digits), valid once for 5 minutes. */
function phoneCodes(ctx: ControlContext): unknown {
  const input = body(ctx);
  const phoneNumber = reqStr(input, 'phoneNumber', 'body', 20);
  if (!/^\d{5,15}$/.test(phoneNumber)) throw new ControlError(400, 'phoneNumber: must be 5 to 15 digits');
  const countryCode = optStr(input, 'countryCode', 'body', 4) ?? '86';
  if (!/^\d{1,4}$/.test(countryCode)) throw new ControlError(400, 'countryCode: must be 1 to 4 digits');
  const { world } = ctx;
  return {
    code: world.messaging.issuePhoneCode(phoneNumber, countryCode, world.clock.now()),
    expiresIn: PHONE_CODE_TTL_SECONDS,
  };
}

const ROUTES: Record<string, Partial<Record<string, ControlHandler>>> = {
  '/__control/apps': { GET: apps },
  '/__control/reset': { POST: reset },
  '/__control/users': { POST: oaUsers },
  '/__control/mp-users': { POST: mpUsers },
  '/__control/bind': { POST: bind },
  '/__control/promoters': { POST: addPromoters },
  '/__control/promoters/bulk': { POST: bulkPromoters },
  '/__control/roles/bulk': { POST: bulkRoles },
  '/__control/relations': { POST: relations },
  '/__control/orders': { POST: orders },
  '/__control/clicks': { POST: clicks },
  '/__control/open-accounts': { POST: openAccounts },
  '/__control/clock': { GET: clock, POST: clock },
  '/__control/limits': { GET: limits, POST: limits },
  '/__control/readings': { GET: readings, POST: readings },
  '/__control/faults': { GET: faults, POST: faults, DELETE: faults },
  '/__control/calls': { GET: callsList, DELETE: callsClear },
  '/__control/calls/clear': { POST: callsClear },
  '/__control/state': { GET: state },
  '/__control/subscriptions': { GET: subscriptions, POST: subscriptions },
  '/__control/phone-codes': { POST: phoneCodes },
};

/** Runs a control call; the answer body for HTTP 200, or throws ControlError. */
export function handleControl(ctx: ControlContext): unknown {
  const route = /^\/__control\/messages\/[^/]+\/failures$/.test(ctx.path)
    ? { GET: messageFailures }
    : ROUTES[ctx.path];
  if (!route) throw new ControlError(404, `no control endpoint ${ctx.path}`);
  const handler = route[ctx.method];
  if (!handler) throw new ControlError(405, `${ctx.path} takes ${Object.keys(route).join(' or ')}`);
  return handler(ctx);
}

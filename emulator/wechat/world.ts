/** Everything one running stand-in holds; `reset` swaps the data parts for fresh ones. */
import type { AppCredentials } from '../demo-data';
import { DEMO_AUTHORIZE_TEMPLATE, DEMO_OPEN_ACCOUNTS } from '../demo-data';
import { Clock } from './clock';
import type { WxBody } from './errors';
import { MiniProgramState, OfficialAccountState, WECHAT_LIMITS } from './state';
import { MessagingState } from './subscribe-message';
import { DEFAULT_READINGS, type Readings } from './readings';
import { TokenStore } from './tokens';

export interface EmulatorApps {
  miniProgram: AppCredentials;
  officialAccount: AppCredentials;
}

/** Limits a test may lower through `POST /__control/limits` to reach them without 50 000 rows. */
export interface AdjustableLimits {
  maxDeclared: number;
  maxCustomizeInfos: number;
}

export class World {
  clock = new Clock();
  tokens = new TokenStore(this.clock);
  mp = new MiniProgramState();
  oa = new OfficialAccountState();
  /**
   * Open Platform accounts of the same principal. DEMO_OPEN_ACCOUNTS are always known (they describe the
   * world, not this app's data); control adds more.
   */
  knownOpenAccounts = new Set<string>(DEMO_OPEN_ACCOUNTS);
  limits: AdjustableLimits = defaultLimits();
  /** Subscription message templates, acceptances and sent messages; getPhoneNumber codes. */
  messaging = newMessaging();
  /** Where the sources disagree, the reading in force (emulator/wechat/readings.ts). */
  readings: Readings = { ...DEFAULT_READINGS };

  constructor(readonly apps: EmulatorApps) {}

  /** Fresh data; with keepTokens the clock and the issued tokens survive (clients keep their cached token). */
  reset(keepTokens: boolean): void {
    if (!keepTokens) {
      this.clock = new Clock();
      this.tokens = new TokenStore(this.clock);
    }
    this.mp = new MiniProgramState();
    this.oa = new OfficialAccountState();
    this.knownOpenAccounts = new Set<string>(DEMO_OPEN_ACCOUNTS);
    this.limits = defaultLimits();
    this.messaging = newMessaging();
    this.readings = { ...DEFAULT_READINGS };
  }

  appKind(appid: string): 'mp' | 'oa' | undefined {
    if (appid === this.apps.miniProgram.appid) return 'mp';
    if (appid === this.apps.officialAccount.appid) return 'oa';
    return undefined;
  }
}

/** The demo merchant's template is always known; control adds more. */
function newMessaging(): MessagingState {
  const messaging = new MessagingState();
  messaging.templates.set(DEMO_AUTHORIZE_TEMPLATE.id, {
    id: DEMO_AUTHORIZE_TEMPLATE.id,
    keywords: { ...DEMO_AUTHORIZE_TEMPLATE.keywords },
  });
  return messaging;
}

function defaultLimits(): AdjustableLimits {
  return { maxDeclared: WECHAT_LIMITS.maxDeclared, maxCustomizeInfos: WECHAT_LIMITS.maxCustomizeInfos };
}

/** One WeChat API call as a handler sees it. */
export interface WxCall {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Parsed JSON object for POST; empty for GET. */
  body: WxBody;
  /** Base URL of this stand-in as the caller reached it (for download links). */
  baseUrl: string;
}

export interface WxRoute {
  method: 'GET' | 'POST';
  /** Whose access_token the endpoint needs: none (token endpoints), the mini program's or the OA's. */
  auth: 'none' | 'mp' | 'oa';
  handle(world: World, call: WxCall): WxBody;
}

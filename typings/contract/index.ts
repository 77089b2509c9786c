/**
 * The contract between the mini program and the cloud functions, in one place.
 * Every cloud function takes `{ action, ...params }` and answers `CloudResponse<result>`.
 */
import type { AdminActions } from './admin';
import type { CustomParamActions } from './customparam';
import type { PromoterActions } from './promoter';
import type { UserinfoActions } from './userinfo';

export type * from './admin';
export type * from './common';
export type * from './customparam';
export type * from './promoter';
export type * from './userinfo';

export interface CloudFunctionMap {
  promoter: PromoterActions;
  userinfo: UserinfoActions;
  customparam: CustomParamActions;
  admin: AdminActions;
}

export type FunctionName = keyof CloudFunctionMap;
export type ActionName<F extends FunctionName> = keyof CloudFunctionMap[F] & string;
type Spec<F extends FunctionName, A extends ActionName<F>> = CloudFunctionMap[F][A];
export type ActionParams<F extends FunctionName, A extends ActionName<F>> =
  Spec<F, A> extends { params: infer P } ? P : never;
export type ActionResult<F extends FunctionName, A extends ActionName<F>> =
  Spec<F, A> extends { result: infer R } ? R : never;
/** What `wx.cloud.callFunction({ name: F, data })` sends. */
export type CloudRequest<F extends FunctionName, A extends ActionName<F>> = { action: A } & ActionParams<
  F,
  A
>;

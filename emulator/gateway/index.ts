export {
  type Caller,
  type CloudFunctionModule,
  type InvokeOptions,
  functionEntry,
  invokeFunction,
  listFunctions,
  loadFunction,
} from './invoke';
export { type Gateway, type GatewayOptions, startGateway } from './server';
export { type TimerTrigger, type Timers, parseCron, readTimerTriggers, startTimers } from './timers';

export {
  type Caller,
  type CloudFunctionModule,
  functionEntry,
  invokeFunction,
  listFunctions,
  loadFunction,
} from './invoke';
export { type Gateway, type GatewayOptions, startGateway } from './server';

export interface FederationEndpoints {
  /** true only in the local stack (LOCAL_STACK=true): allows http:// on loopback for provider URLs */
  readonly allowLoopbackHttp: boolean;
  readonly googleIssuer: string;
  readonly microsoftBase: string;
  readonly githubBase: string;
  readonly githubApi: string;
  readonly appleIssuer: string;
}

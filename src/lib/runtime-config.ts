// The runtime config.json next to index.html tells one build which world it talks to (docs/architecture.md).
export interface RuntimeConfig {
  /** "embedded": local stack on this machine; "aws": deployed with CDK. */
  mode: 'embedded' | 'aws';
  region: string;
  kinesis: {
    streamName: string;
    /** Set for the embedded emulator; absent in AWS (the SDK's regional endpoint is used). */
    endpoint?: string;
  };
  /** Cognito identity pool for guest credentials; absent in embedded mode. */
  cognito?: {
    identityPoolId: string;
    /** The pool's guest role, assumed through STS AssumeRoleWithWebIdentity (the basic flow; docs/architecture.md). */
    guestRoleArn: string;
    /** Overrides for tests against local stand-ins; absent in AWS. */
    identityEndpoint?: string;
    stsEndpoint?: string;
  };
  /** Base URL of the live API, e.g. "/api". */
  apiUrl: string;
}

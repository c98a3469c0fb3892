/**
 * Temporary AWS credentials as the SDK and the SigV4 signers take them: the browser's guest credentials
 * (Cognito basic flow) and the Lambdas' signed OpenSearch client share this shape.
 */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

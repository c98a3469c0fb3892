// A local stand-in for SNS's Publish, over real HTTP, checking what SNS would check of every request: the query
// protocol's form body (Action, Version), the topic, the message and its attributes as SNS limits them, and a
// valid Signature Version 4 for service "sns". Anything else is recorded as a violation and refused. It answers
// as SNS does (XML), or with a fault the test chooses. No SNS runs here: this verifies the contract only.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4, type SigV4Expectation } from './sigv4.ts';

export interface PublishedMessage {
  topicArn: string;
  subject: string | undefined;
  message: string;
  /** Attribute name → string value (every attribute must be of DataType String here). */
  attributes: Record<string, string>;
  messageId: string;
}

/** An answer to fail one Publish with: the HTTP status and SNS's error code. */
export interface SnsFault {
  status: number;
  code: string;
}

export interface SnsStandIn {
  url: string;
  /** Every Publish SNS accepted, in order. */
  published: PublishedMessage[];
  /** Every Publish request that reached the stand-in, accepted or not. */
  attempts: number;
  /** What was wrong with requests that SNS would have refused. */
  violations: string[];
  /** Return a fault to fail this attempt (counted from 1). */
  fault: ((attempt: number) => SnsFault | undefined) | undefined;
  stop(): Promise<void>;
}

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export async function startSnsStandIn(expected: SigV4Expectation & { topicArn: string }): Promise<SnsStandIn> {
  const standIn: SnsStandIn = {
    url: '',
    published: [],
    attempts: 0,
    violations: [],
    fault: undefined,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const send = (status: number, xml: string): void => {
        res.writeHead(status, { 'content-type': 'text/xml' });
        res.end(xml);
      };
      const refuse = (problem: string, status = 400, code = 'InvalidParameter'): void => {
        standIn.violations.push(problem);
        send(status, errorXml(code, problem));
      };
      const signature = verifySigV4(req.method ?? '', req.url ?? '/', req.headers, raw, expected);
      if (!signature.ok) return refuse(`signature: ${signature.problem}`, 403, 'SignatureDoesNotMatch');
      if (req.method !== 'POST' || req.url !== '/') return refuse(`unexpected ${req.method} ${req.url}`);
      if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) return refuse(`content-type ${req.headers['content-type']}`);
      const form = new URLSearchParams(raw.toString('utf8'));
      if (form.get('Action') !== 'Publish' || form.get('Version') !== '2010-03-31') return refuse(`action ${form.get('Action')} ${form.get('Version')}`);
      standIn.attempts++;
      const topicArn = form.get('TopicArn');
      if (topicArn !== expected.topicArn) return refuse(`topic ${topicArn}`, 404, 'NotFound');
      const message = form.get('Message') ?? '';
      if (message === '' || Buffer.byteLength(message) > 256 * 1024) return refuse('message empty or over 256 KiB');
      const subject = form.get('Subject') ?? undefined;
      // SNS: ASCII, starting with a letter, number or punctuation, no line breaks, under 100 characters.
      if (subject !== undefined && !/^[\x21-\x7e][\x20-\x7e]{0,99}$/.test(subject)) return refuse(`subject ${subject}`);
      const attributes = attributesOf(form);
      if (typeof attributes === 'string') return refuse(attributes);
      const fault = standIn.fault?.(standIn.attempts);
      if (fault !== undefined) return send(fault.status, errorXml(fault.code, 'stand-in fault'));
      const messageId = randomUUID();
      standIn.published.push({ topicArn, subject, message, attributes, messageId });
      send(
        200,
        `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult>` +
          `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

/** MessageAttributes.entry.N.{Name, Value.DataType, Value.StringValue}, as the query protocol flattens them; or a problem. */
function attributesOf(form: URLSearchParams): Record<string, string> | string {
  const attributes: Record<string, string> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const name = form.get(`MessageAttributes.entry.${n}.Name`) as string;
    const type = form.get(`MessageAttributes.entry.${n}.Value.DataType`);
    const value = form.get(`MessageAttributes.entry.${n}.Value.StringValue`);
    if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || name.startsWith('AWS.') || name.startsWith('Amazon.')) return `attribute name ${name}`;
    if (type !== 'String' || value === null || value === '') return `attribute ${name}: ${type} ${value}`;
    attributes[name] = value;
  }
  // SNS takes at most 10 attributes per message.
  return Object.keys(attributes).length > 10 ? 'more than 10 attributes' : attributes;
}

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

// Alert events to an SNS topic (AWS only; the topic and its optional e-mail subscription are in the stack). One
// Publish per event: alerts are rare, and each event then has its own answer. Only an answer with a MessageId counts
// as published; anything else, after the client's own retries, is counted as failed, logged, and never retried
// here: the event stays stored (the session's recent events, the alerts index), and AlertPublishFailures alarms.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertEvent } from '../../src/core/alert-engine.ts';
import { describeError, type Logger } from '../lib/logger.ts';
import { alertEventId, type AlertOutlet, type AlertSession } from './alert-outlet.ts';

export interface SnsAlertOutletDeps {
  sns: SNSClient;
  topicArn: string;
  log: Logger;
}

/** The message a subscriber receives: the event, its identity to dedupe on, and the session it belongs to. */
export interface AlertMessage {
  id: string;
  viewId: string;
  ruleId: string;
  kind: AlertEvent['kind'];
  type: AlertEvent['type'];
  /** Epoch ms, and the same as ISO 8601 for people reading an e-mail. */
  at: number;
  time: string;
  value: number | null;
  shared: boolean;
}

export function toAlertMessage(event: AlertEvent, session: AlertSession): AlertMessage {
  return {
    id: alertEventId(session.viewId, event),
    viewId: session.viewId,
    ruleId: event.ruleId,
    kind: event.kind,
    type: event.type,
    at: event.at,
    time: new Date(event.at).toISOString(),
    value: event.value,
    shared: session.share,
  };
}

export function createSnsAlertOutlet({ sns, topicArn, log }: SnsAlertOutletDeps): AlertOutlet {
  const publishOne = async (event: AlertEvent, session: AlertSession): Promise<boolean> => {
    const message = toAlertMessage(event, session);
    try {
      const answer = await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          // ASCII and under 100 characters, as SNS requires of an e-mail subject.
          Subject: `liveheartrate alert: ${event.kind} ${event.type}`,
          Message: JSON.stringify(message),
          // Attributes let a subscription filter (only fired, only shared sessions) without parsing the message.
          MessageAttributes: {
            eventId: { DataType: 'String', StringValue: message.id },
            kind: { DataType: 'String', StringValue: event.kind },
            type: { DataType: 'String', StringValue: event.type },
            shared: { DataType: 'String', StringValue: String(session.share) },
          },
        }),
      );
      if (typeof answer.MessageId === 'string' && answer.MessageId !== '') return true;
      log.error('alert publish failed', { outlet: 'sns', error: 'no MessageId' });
      return false;
    } catch (error) {
      // The error's kind only: never the message, view id or value.
      log.error('alert publish failed', { outlet: 'sns', error: describeError(error) });
      return false;
    }
  };
  return {
    async publish(events, session) {
      const outcomes = await Promise.all(events.map((event) => publishOne(event, session)));
      const published = outcomes.filter(Boolean).length;
      return { published, failed: outcomes.length - published };
    },
  };
}

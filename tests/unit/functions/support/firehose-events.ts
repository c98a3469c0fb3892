// Builders for Firehose's data-transformation event, as Firehose invokes a record-transform Lambda with it.
import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord } from 'aws-lambda';

export interface FirehoseInput {
  /** What the producer put on the stream: text or bytes, base64-encoded into the event as Firehose does. */
  data: string | Uint8Array;
  arrivalMs?: number;
}

export function firehoseEvent(inputs: FirehoseInput[], arrivalMs: number): FirehoseTransformationEvent {
  const records = inputs.map(
    (input, i): FirehoseTransformationEventRecord => ({
      // Firehose's ids are opaque strings; these are distinct and not in sorted order, so order is checked honestly.
      recordId: `${(inputs.length - i) * 7919}-49546986683135544286507457936321625675700192471156785154`,
      approximateArrivalTimestamp: input.arrivalMs ?? arrivalMs,
      data: Buffer.from(input.data).toString('base64'),
    }),
  );
  return {
    invocationId: 'invocation-1',
    deliveryStreamArn: 'arn:aws:firehose:eu-central-1:123456789012:deliverystream/archive',
    sourceKinesisStreamArn: 'arn:aws:kinesis:eu-central-1:123456789012:stream/heart-rate',
    region: 'eu-central-1',
    records,
  };
}

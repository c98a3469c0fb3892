// Where alert events go in AWS besides the alerts index: an SNS topic of its own, apart from the pipeline alarms'
// (an alarm is about the system, an alert about a person's heart), with an optional e-mail subscription chosen at
// deploy time. Messages carry heart rates, so the topic is encrypted with the AWS managed key for SNS, which lets
// publishers in the account use it without a key grant; and it takes only TLS.
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertTopicProps {
  /** Subscribed when given (the address must confirm the subscription). */
  email?: string;
}

export class AlertTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlertTopicProps = {}) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'liveheartrate alerts',
      enforceSSL: true,
      masterKey: kms.Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
    });
    if (props.email !== undefined) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
  }

  /** Exactly sns:Publish on this topic, nothing else (no kms grant is needed with the AWS managed key). */
  allowPublish(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
  }
}

import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import type { SendingIdentity } from './paraphe-function.ts';

/** The table and the names of its global secondary indexes (grants name them one by one). */
export interface TableRef {
  table: dynamodb.ITable;
  indexNames: readonly string[];
}

/** What the stateless stack receives from this one, as construct references. */
export interface StatefulResources {
  table: TableRef;
  documentsBucket: s3.IBucket;
  sendingIdentity: SendingIdentity;
  sealingSecret: secretsmanager.ISecret;
  /** The console's cookie key (generated) and its OpenID client secret (set by hand). */
  consoleSecret: secretsmanager.ISecret;
}

export interface StatefulStackProps extends StackProps {
  /** Domain the emails are sent from (the part after @ of the sender address). */
  mailDomain: string;
  /** Default Object Lock retention of every document version, in days. */
  objectLockRetentionDays: number;
}

export const GSI1 = 'gsi1';

/**
 * The resources that hold data: the single table, the documents bucket, the
 * SES identity. Retained when the stack goes away, and deployed apart from the
 * functions so a code change never puts them at risk.
 */
export class StatefulStack extends Stack {
  readonly resources: StatefulResources;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: 'ttl',
      // The outbox: the run-jobs worker's event source mapping reads job items from the stream.
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    table.addGlobalSecondaryIndex({
      indexName: GSI1,
      partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });

    const documentsBucket = this.createDocumentsBucket(props.objectLockRetentionDays);
    const sendingIdentity = this.createSendingIdentity(props.mailDomain);

    this.resources = {
      table: { table, indexNames: [GSI1] },
      documentsBucket,
      sendingIdentity,
      sealingSecret: this.createSealingSecret(),
      consoleSecret: this.createConsoleSecret(),
    };

    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'DocumentsBucketName', { value: documentsBucket.bucketName });
  }

  /**
   * Every version of every document is locked in GOVERNANCE mode: no function
   * (and no one without s3:BypassGovernanceRetention) can delete or overwrite
   * it before the retention ends, yet an administrator can still remove a
   * document stored by mistake. See infra/README.md for the choice.
   */
  private createDocumentsBucket(retentionDays: number): s3.Bucket {
    const accessLogs = new s3.Bucket(this, 'AccessLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(730) }],
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the target of the server access logs; logging it into itself would loop.',
    });

    return new s3.Bucket(this, 'DocumentsBucket', {
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(retentionDays)),
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'documents/',
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
  }

  /**
   * The certificate that seals signed conventions is issued outside AWS; the
   * secret is created holding a random placeholder and its value is set
   * by hand, as JSON {"p12": "<base64 PKCS#12>", "passphrase": "…"}.
   */
  private createSealingSecret(): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'SealingCertificate', {
      description: 'Paraphe: PKCS#12 sealing certificate as JSON {"p12": "<base64>", "passphrase": "..."}; set by hand',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret holds a certificate issued by a certification authority; it is renewed by hand when the certificate is, not rotated by a Lambda.',
    });
    new CfnOutput(this, 'SealingSecretArn', { value: secret.secretArn });
    return secret;
  }

  /**
   * The console's secret, JSON {"cookieKey", "clientSecret"}: the 256-bit key that encrypts its session
   * cookies, generated here (43 letters and digits, read as base64url), and the client secret the
   * académie's identity provider gave the console, set by hand in place of the placeholder.
   */
  private createConsoleSecret(): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'ConsoleSecret', {
      description: 'Paraphe console: {"cookieKey": generated, "clientSecret": the OpenID client secret, set by hand}',
      removalPolicy: RemovalPolicy.RETAIN,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ clientSecret: 'a-remplacer-par-le-secret-du-client-openid' }),
        generateStringKey: 'cookieKey',
        passwordLength: 43,
        excludePunctuation: true,
        includeSpace: false,
      },
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The client secret is issued by the académie\'s identity provider and renewed there by hand; rotating the cookie key only logs everyone out, done by hand when needed.',
    });
    new CfnOutput(this, 'ConsoleSecretArn', { value: secret.secretArn });
    return secret;
  }

  /**
   * A domain identity signed with Easy DKIM, whose default configuration set
   * publishes sends, bounces and complaints to the account's default event bus
   * (a send confirms an invitation whose sender died before recording it).
   */
  private createSendingIdentity(mailDomain: string): SendingIdentity {
    const configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    configurationSet.applyRemovalPolicy(RemovalPolicy.RETAIN);
    configurationSet.addEventDestination('SendsBouncesAndComplaints', {
      destination: ses.EventDestination.eventBus(
        events.EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      ),
      events: [ses.EmailSendingEvent.SEND, ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });

    const identity = new ses.EmailIdentity(this, 'SenderDomain', {
      identity: ses.Identity.domain(mailDomain),
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      configurationSet,
    });
    // Retained so the DKIM records published in DNS stay valid across redeploys.
    identity.applyRemovalPolicy(RemovalPolicy.RETAIN);

    // The three CNAME records to publish in the domain's DNS.
    identity.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `DkimRecord${index + 1}`, { value: `${record.name} CNAME ${record.value}` });
    });

    return {
      emailIdentityArn: identity.emailIdentityArn,
      configurationSetArn: this.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: configurationSet.configurationSetName,
      }),
    };
  }
}

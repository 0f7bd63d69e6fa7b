data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn
  log_group_name = "/tfsync/${var.name}/http-api"
  namespace_name = coalesce(var.namespace_name, "${var.name}.internal")

  # The one path the bot serves Slack on (slack_adapters/http_mode.py EVENTS_PATH): events, interactivity and
  # slash commands all arrive there. The bot's /healthz and /readyz are for ECS and stay inside the VPC.
  events_path = "/slack/events"
  base_url    = var.domain_name == null ? aws_apigatewayv2_api.this.api_endpoint : "https://${var.domain_name}"

  # One JSON line per request: who called, what the route and the bot answered, how long it took. No header or
  # body is logged (the Slack signature and the payloads stay out of the logs).
  access_log_format = jsonencode({
    requestId          = "$context.requestId"
    requestTime        = "$context.requestTime"
    sourceIp           = "$context.identity.sourceIp"
    userAgent          = "$context.identity.userAgent"
    httpMethod         = "$context.httpMethod"
    path               = "$context.path"
    routeKey           = "$context.routeKey"
    status             = "$context.status"
    responseLength     = "$context.responseLength"
    responseLatency    = "$context.responseLatency"
    integrationStatus  = "$context.integrationStatus"
    integrationLatency = "$context.integrationLatency"
    integrationError   = "$context.integrationErrorMessage"
    error              = "$context.error.message"
  })
}

################################################################################
# KMS key of the access log group
################################################################################

data "aws_iam_policy_document" "kms" {
  count = local.create_kms_key ? 1 : 0

  #checkov:skip=CKV_AWS_109:A key policy's "*" resource is the key itself; account administration stays with the account root as AWS's default key policy does.
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource is the key itself; the CloudWatch Logs statement is limited by encryption context.
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

  statement {
    sid = "CloudWatchLogs"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"]
    }
  }
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "tfsync ${var.name}: access logs of the Slack API"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms[0].json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${var.name}-http-api"
  target_key_id = aws_kms_key.this[0].key_id
}

resource "aws_cloudwatch_log_group" "access" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn

  tags = var.tags
}

################################################################################
# Cloud Map: the ECS service registers each task (its IP and port, an SRV record) and reports its container
# health; API Gateway's VPC link sends each request to a healthy one.
################################################################################

resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = local.namespace_name
  description = "tfsync ${var.name}: the bot's tasks, for the Slack API's VPC link"
  vpc         = var.vpc_id

  tags = var.tags
}

resource "aws_service_discovery_service" "this" {
  name        = "${var.name}-bot"
  description = "tfsync ${var.name}: the bot's tasks serving Slack's requests"

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.this.id
    routing_policy = "MULTIVALUE"

    # SRV records carry the port: ECS registers each task's address and container port (AWS_INSTANCE_IPV4,
    # AWS_INSTANCE_PORT), both of which API Gateway needs to send a request to it.
    dns_records {
      type = "SRV"
      ttl  = 10
    }
  }

  # ECS sets each instance's health from its task's container health check (Cloud Map always uses a threshold of 1).
  health_check_custom_config {
    failure_threshold = 1
  }

  tags = var.tags
}

################################################################################
# VPC link: API Gateway's way into the VPC, allowed to reach the bot's port only
################################################################################

resource "aws_security_group" "vpc_link" {
  name        = "${var.name}-http-api-vpc-link"
  description = "tfsync ${var.name} Slack API VPC link: HTTP to the bot's tasks only, nothing in"
  vpc_id      = var.vpc_id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "to_service" {
  security_group_id            = aws_security_group.vpc_link.id
  description                  = "Slack's requests to the bot's tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.service_port
  to_port                      = var.service_port
  referenced_security_group_id = var.service_security_group_id

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.vpc_id != null && try(length(var.subnet_ids), 0) > 0 && var.service_security_group_id != null && var.service_port != null
      error_message = "http_api needs vpc_id, subnet_ids, service_security_group_id and service_port: bot_runtime with create_ecs_service and slack_mode = \"http\" gives the last two (http_security_group_id, http_port)."
    }
  }
}

resource "aws_apigatewayv2_vpc_link" "this" {
  name               = "${var.name}-bot"
  security_group_ids = [aws_security_group.vpc_link.id]
  subnet_ids         = var.subnet_ids

  tags = var.tags
}

################################################################################
# The HTTP API: POST /slack/events, passed through unchanged
################################################################################

resource "aws_apigatewayv2_api" "this" {
  name                         = "${var.name}-slack"
  description                  = "tfsync ${var.name}: Slack's requests (events, interactivity, slash commands) to the bot"
  protocol_type                = "HTTP"
  disable_execute_api_endpoint = var.disable_execute_api_endpoint

  tags = var.tags

  lifecycle {
    precondition {
      condition     = can(regex("^[a-z0-9][a-z0-9-]{0,39}$", var.name))
      error_message = "name must be 1-40 lowercase letters, digits or hyphens, starting with a letter or digit."
    }

    precondition {
      condition     = !var.disable_execute_api_endpoint || var.domain_name != null
      error_message = "disable_execute_api_endpoint needs domain_name: otherwise Slack could reach the API nowhere."
    }
  }
}

# HTTP_PROXY passes the request through as it came: method, path, headers (X-Slack-Signature,
# X-Slack-Request-Timestamp) and the body byte for byte, which the bot's signature check is computed over. No
# request parameter mapping, so nothing is rewritten on the way.
resource "aws_apigatewayv2_integration" "this" {
  api_id                 = aws_apigatewayv2_api.this.id
  description            = "The bot's tasks, through the VPC link and Cloud Map"
  integration_type       = "HTTP_PROXY"
  integration_method     = "ANY"
  integration_uri        = aws_service_discovery_service.this.arn
  connection_type        = "VPC_LINK"
  connection_id          = aws_apigatewayv2_vpc_link.this.id
  payload_format_version = "1.0"
  timeout_milliseconds   = var.integration_timeout_milliseconds
}

resource "aws_apigatewayv2_route" "slack_events" {
  #checkov:skip=CKV_AWS_309:Slack cannot present AWS credentials or a JWT, and an HTTP API's Lambda authorizer never sees the body Slack's signature is computed over; the bot answers 401 to every request whose X-Slack-Signature is not the HMAC-SHA256 of v0:<X-Slack-Request-Timestamp>:<raw body> keyed with the signing secret, or whose timestamp is at least five minutes old.
  api_id             = aws_apigatewayv2_api.this.id
  route_key          = "POST ${local.events_path}"
  target             = "integrations/${aws_apigatewayv2_integration.this.id}"
  authorization_type = "NONE"
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  description = "Slack's requests, throttled and logged"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit    = var.throttling_rate_limit
    throttling_burst_limit   = var.throttling_burst_limit
    detailed_metrics_enabled = true
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }

  tags = var.tags
}

################################################################################
# Custom domain (optional)
################################################################################

resource "aws_apigatewayv2_domain_name" "this" {
  count = var.domain_name == null ? 0 : 1

  domain_name = var.domain_name

  domain_name_configuration {
    certificate_arn = var.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.certificate_arn != null
      error_message = "domain_name needs certificate_arn (an ACM certificate for it in the API's region)."
    }
  }
}

resource "aws_apigatewayv2_api_mapping" "this" {
  count = var.domain_name == null ? 0 : 1

  api_id      = aws_apigatewayv2_api.this.id
  domain_name = aws_apigatewayv2_domain_name.this[0].id
  stage       = aws_apigatewayv2_stage.this.id
}

# local.tables is generated from the PynamoDB models (bot/state/schema.py MODELS) by `python -m infra.generate`
# into tables.tf.json: keys, attribute types, indexes and the TTL attribute are declared once, in the models.

resource "aws_dynamodb_table" "this" {
  for_each = local.tables

  name                        = "${var.table_prefix}${each.key}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = each.value.hash_key
  range_key                   = each.value.range_key
  deletion_protection_enabled = var.deletion_protection_enabled

  dynamic "attribute" {
    for_each = each.value.attributes

    content {
      name = attribute.value.name
      type = attribute.value.type
    }
  }

  dynamic "global_secondary_index" {
    for_each = each.value.global_secondary_indexes

    content {
      name               = global_secondary_index.value.name
      hash_key           = global_secondary_index.value.hash_key
      range_key          = global_secondary_index.value.range_key
      projection_type    = global_secondary_index.value.projection_type
      non_key_attributes = global_secondary_index.value.projection_type == "INCLUDE" ? global_secondary_index.value.non_key_attributes : null
    }
  }

  dynamic "local_secondary_index" {
    for_each = each.value.local_secondary_indexes

    content {
      name               = local_secondary_index.value.name
      range_key          = local_secondary_index.value.range_key
      projection_type    = local_secondary_index.value.projection_type
      non_key_attributes = local_secondary_index.value.projection_type == "INCLUDE" ? local_secondary_index.value.non_key_attributes : null
    }
  }

  dynamic "ttl" {
    for_each = each.value.ttl_attribute == null ? [] : [each.value.ttl_attribute]

    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = merge(var.tags, { "tfsync:model" = each.value.model })

  lifecycle {
    precondition {
      condition     = each.value.billing_mode == "PAY_PER_REQUEST"
      error_message = "The models declare ${each.value.billing_mode} billing; these tables are on-demand."
    }

    precondition {
      condition     = can(regex("^[a-zA-Z0-9_.-]{0,200}$", var.table_prefix))
      error_message = "table_prefix may hold letters, digits, '_', '-' and '.' only."
    }
  }
}

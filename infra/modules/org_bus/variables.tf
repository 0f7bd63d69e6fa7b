variable "name" {
  description = "Name prefix of every resource this module creates; the bus is <name>-organization"
  type        = string
  default     = "tfsync"
}

variable "tags" {
  description = "Tags for every resource this module creates"
  type        = map(string)
  default     = {}
}

variable "organization_id" {
  description = "AWS Organizations id (o-...): every account of this organization may put events on the bus (aws:PrincipalOrgID)"
  type        = string
}

variable "queue_arn" {
  description = "ARN of the queue tfsync consumes (the detection module's queue_arn); its policy must admit event_rule_arns"
  type        = string
}

variable "dead_letter_queue_arn" {
  description = "Queue the rules park events in when the queue refuses them (the detection module's dlq_arn; its policy must admit event_rule_arns too); null turns it off"
  type        = string
  default     = null
}

/** The queue that carries webhook deliveries from the producer to the consumer. */
export interface WebhookQueue {
  /** Puts each delivery id on the queue; throws when the queue refused them. */
  send(deliveryIds: readonly string[]): Promise<void>;
}

/** The body of one queue message. */
export interface WebhookQueueMessage {
  readonly delivery_id: string;
}

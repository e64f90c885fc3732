// Feed items to responses, explicitly: a new column never leaks into the API by accident.
import type { FeedItemResponse } from './dto/feed.responses.js';
import { encodeFeedCursor } from './feed-cursor.js';
import type { FeedItemEntity } from './feed-item.entity.js';

export function toFeedItemResponse(item: FeedItemEntity): FeedItemResponse {
  return {
    cursor: encodeFeedCursor(item.clinicId, item.sequence),
    sequence: item.sequence,
    kind: item.kind,
    payload: item.payload,
    createdAt: item.createdAt.toISOString(),
  };
}

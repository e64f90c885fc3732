// What the feed routes answer. Built field by field (feed-mapping.ts), never rows themselves.
import { ApiProperty } from '@nestjs/swagger';
import { type FeedKind, feedKinds } from '../feed-limits.js';
import type { FeedItem, FeedPage } from '../../../../leader-worker/src/uplink/central-protocol.js';

export class FeedItemResponse implements FeedItem {
  @ApiProperty({ description: 'opaque; pass it as `after` to read what follows this item' })
  cursor!: string;

  @ApiProperty({ minimum: 1, description: "the item's position in the clinic's feed, from 1 (the payload's sequence too); pass it as `afterSequence` to read what follows" })
  sequence!: number;

  @ApiProperty({ enum: feedKinds })
  kind!: FeedKind;

  @ApiProperty({
    type: Object,
    description:
      'a chart command envelope { clientId: "central-feed", sequence, recordedAt, author, command } that the clinic leader proposes as it is; ' +
      'sequence grows by one per item of this clinic, so a re-import after a leader change is applied once',
  })
  payload!: unknown;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class FeedPageResponse implements FeedPage {
  @ApiProperty({ type: [FeedItemResponse] })
  items!: FeedItemResponse[];

  @ApiProperty({ description: "the cursor to ask with next: the last item's, or the one given when there was nothing new" })
  nextCursor!: string;
}

// What the feed routes answer. Built field by field (feed-mapping.ts), never rows themselves.
import { ApiProperty } from '@nestjs/swagger';
import { type FeedKind, feedKinds } from '../feed-limits.js';

export class FeedItemResponse {
  @ApiProperty({ description: 'opaque; pass it as `after` to read what follows this item' })
  cursor!: string;

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

export class FeedPageResponse {
  @ApiProperty({ type: [FeedItemResponse] })
  items!: FeedItemResponse[];

  @ApiProperty({ description: "the cursor to ask with next: the last item's, or the one given when there was nothing new" })
  nextCursor!: string;
}

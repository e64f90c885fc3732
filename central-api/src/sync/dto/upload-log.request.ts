// The body of POST /api/clinics/:clinicId/log: committed entries, contiguous from `fromIndex`. The classes
// implement the clinic's protocol types (uplink/central-protocol.ts): a field one side changes alone fails to compile.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { entryKinds, type EntryKind, membershipChangeTypes, type MembershipChangeType } from '../../log-store/log-entry.js';
import { ingestLimits } from '../sync-limits.js';
import { IsLogEntryList } from './log-entries.validator.js';
import type { UploadedEntry, UploadLogBody } from '../../../../leader-worker/src/uplink/central-protocol.js';

export class MembershipChangeBody implements NonNullable<UploadedEntry['change']> {
  @ApiProperty({ enum: membershipChangeTypes })
  type!: MembershipChangeType;

  @ApiProperty({ maxLength: ingestLimits.nodeIdCharactersMax, example: 'clinic-7/tablet-3' })
  nodeId!: string;
}

/** One entry as uploaded (validated as a whole by IsLogEntryList; this class documents the shape). */
export class LogEntryBody implements UploadedEntry {
  @ApiProperty({ minimum: 1 })
  index!: number;

  @ApiProperty({ minimum: 1 })
  term!: number;

  @ApiProperty({ enum: entryKinds })
  kind!: EntryKind;

  @ApiPropertyOptional({ minimum: 0, description: "the leader's clock when it appended the entry (ms since the epoch): the clinic's time" })
  leaderTimeMs?: number;

  @ApiPropertyOptional({ format: 'byte', description: "kind 'command' only: the command bytes (MessagePack), base64" })
  data?: string;

  @ApiPropertyOptional({ type: MembershipChangeBody, description: "kind 'membership' only" })
  change?: MembershipChangeBody;
}

export class UploadLogRequest implements UploadLogBody {
  @ApiProperty({ minimum: 1, description: 'the index of entries[0]; at most the acknowledged index + 1' })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  fromIndex!: number;

  @ApiPropertyOptional({ minimum: 0, description: "the leader's commit index now, for ops' lag; at least the last entry's index" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  leaderCommitIndex?: number;

  @ApiPropertyOptional({ minimum: 0, description: "the leader's clock when it sent the batch (ms since the epoch): central answers how far it is from its own" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  leaderClockMs?: number;

  @ApiProperty({
    type: [LogEntryBody],
    description: `committed entries, contiguous from fromIndex; at most ${ingestLimits.entriesPerBatchMax} entries and ${ingestLimits.batchDataBytesMax} command bytes`,
  })
  @IsLogEntryList()
  entries!: LogEntryBody[];
}
